"""What a client's message may hold before the server looks at it: the type of every field it reads, and a
bound on nesting.

A message that fails is answered `400:<field ...>:message_invalid` and changes nothing. The depth bound is
what keeps a published message encodable for every subscriber (the encoder gives up far below what the
decoder accepts), and the echoed fields (`id`, `subscription`) are checked so that a reply always encodes.
"""

from __future__ import annotations

from typing import Any

# The type each field the server reads must have, as the error says it.
_KINDS: dict[str, tuple[type, str]] = {
    "clientId": (str, "a string"),
    "connectionType": (str, "a string"),
    "version": (str, "a string"),
    "minimumVersion": (str, "a string"),
    "ext": (dict, "an object"),
    "advice": (dict, "an object"),
}
MAX_ID = 256  # characters of an `id`, which every reply echoes
_NESTING = (dict, list)  # a tuple, not `dict | list`, which would be made anew at each check


def problem(message: dict[str, Any], max_depth: int) -> str | None:
    """What is wrong with `message`, naming the field; None when the server may read it.

    One pass over the fields, since every message of every batch comes here: a message with several
    wrong fields is answered about the first of them."""
    for name, value in message.items():
        kind = _KINDS.get(name)
        if kind is not None:
            if not isinstance(value, kind[0]):
                return f"{name} must be {kind[1]}"
        elif name == "id":
            if not valid_id(value):
                return f"id must be a number or a string of at most {MAX_ID} characters"
        elif name == "supportedConnectionTypes":
            if not _strings(value):
                return "supportedConnectionTypes must be a list of strings"
        elif name == "subscription" and value is not None and not isinstance(value, str) and not _strings(value):
            return "subscription must be a string or a list of strings"
        if isinstance(value, _NESTING) and depth(value, max_depth) > max_depth:
            return f"{name} is nested deeper than {max_depth} levels"
    return None


def valid_id(value: object) -> bool:
    """Whether `value` may be echoed as a reply's `id`."""
    if isinstance(value, str):
        return len(value) <= MAX_ID
    return isinstance(value, int) and not isinstance(value, bool)


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def depth(value: object, limit: int) -> int:
    """How deeply `value` nests lists and objects, counted up to `limit + 1` (then it stops looking)."""
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        if isinstance(child, _NESTING):
            break
    else:  # the usual `ext` or `advice` of a connect: one level, told without a stack
        return 1
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > deepest:
            deepest = level
            if deepest > limit:
                return deepest
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, _NESTING):
                stack.append((child, level + 1))
    return deepest
