"""What a client's message may hold before the server looks at it: the type of every field it reads, and a
bound on nesting.

A message that fails is answered `400:<field ...>:message_invalid` and changes nothing. The depth bound is
what keeps a published message encodable for every subscriber (the encoder gives up far below what the
decoder accepts), and the echoed fields (`id`, `subscription`) are checked so that a reply always encodes.
"""

from __future__ import annotations

from typing import Any

_STRING_FIELDS = ("clientId", "connectionType", "version", "minimumVersion")
_OBJECT_FIELDS = ("ext", "advice")
MAX_ID = 256  # characters of an `id`, which every reply echoes


def problem(message: dict[str, Any], max_depth: int) -> str | None:
    """What is wrong with `message`, naming the field; None when the server may read it."""
    if "id" in message and not valid_id(message["id"]):
        return f"id must be a number or a string of at most {MAX_ID} characters"
    for name in _STRING_FIELDS:
        if name in message and not isinstance(message[name], str):
            return f"{name} must be a string"
    for name in _OBJECT_FIELDS:
        if name in message and not isinstance(message[name], dict):
            return f"{name} must be an object"
    offered = message.get("supportedConnectionTypes")
    if "supportedConnectionTypes" in message and not _strings(offered):
        return "supportedConnectionTypes must be a list of strings"
    subscription = message.get("subscription")
    if subscription is not None and not isinstance(subscription, str) and not _strings(subscription):
        return "subscription must be a string or a list of strings"
    for name, value in message.items():
        if isinstance(value, dict | list) and depth(value, max_depth) > max_depth:
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
            if isinstance(child, dict | list):
                stack.append((child, level + 1))
    return deepest
