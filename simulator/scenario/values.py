"""Values in scenarios: `${name.path}` references to what earlier steps saved, and partial matching.

A reference is `${` a variable name, then `.field` or `[index]` parts, `}`. A string that is exactly one
reference takes the referenced value with its type (a number stays a number, an object an object);
references inside a longer string are replaced by their text.

Matching is partial, as in HTTP test suites: an expected mapping matches when each of its keys matches
(a key may be a dotted path such as `call.state`; a key present as
it is, such as a user name with dots, is taken as it is), an expected list matches a list of the same length
element by element, and anything else must be equal; numbers may differ by up to `tolerance` (a run on a
real clock passes `REAL_CLOCK_TOLERANCE`, since real timers fire a little late).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..core.numerals import is_whole_number

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z0-9_-]+|\[\d+\])*)\}")
_PART = re.compile(r"\.([A-Za-z0-9_-]+)|\[(\d+)\]")
_MISSING = object()
REAL_CLOCK_TOLERANCE = 0.5  # seconds: how far a number may be from the one expected on a real clock


class Unresolved(LookupError):
    """A reference names a variable or field that does not exist (yet)."""


def references(value: Any) -> Iterator[str]:
    """The variable names every `${...}` in `value` (at any depth) starts with."""
    if isinstance(value, str):
        for match in REFERENCE.finditer(value):
            yield match.group(1)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from references(key)
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def resolve(value: Any, variables: Mapping[str, Any]) -> Any:
    """`value` with every reference replaced by what it names in `variables`."""
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value)
        if whole:
            return _lookup(whole, variables)
        return REFERENCE.sub(lambda match: _text(_lookup(match, variables)), value)
    if isinstance(value, Mapping):
        return {resolve(key, variables): resolve(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, variables) for item in value]
    return value


def _lookup(match: re.Match[str], variables: Mapping[str, Any]) -> Any:
    name, path = match.group(1), match.group(2)
    if name not in variables:
        raise Unresolved(f"${{{name}{path}}}: no variable {name!r}")
    value = variables[name]
    for part in _PART.finditer(path):
        key, index = part.group(1), part.group(2)
        if index is not None and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        elif key is not None and isinstance(value, Mapping) and key in value:
            value = value[key]
        else:
            raise Unresolved(f"${{{name}{path}}}: {name}{path[: part.end()]} does not exist")
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field(document: Any, path: str) -> Any:
    """The value at a dotted path (`call.participants.0`) of a document, or a marker when absent."""
    value = document
    for key in path.split("."):
        if isinstance(value, Mapping) and key in value:
            value = value[key]
        elif isinstance(value, list) and is_whole_number(key) and int(key) < len(value):
            value = value[int(key)]
        else:
            return _MISSING
    return value


def mismatch(expected: Any, actual: Any, where: str = "", tolerance: float = 0.0) -> str | None:
    """None when `actual` matches `expected` partially; otherwise what differs, naming the path."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return f"{where or 'value'}: expected an object, got {_show(actual)}"
        for key, wanted in expected.items():
            path = f"{where}.{key}" if where else str(key)
            got = actual[key] if key in actual else field(actual, str(key))  # a key may hold dots itself
            if got is _MISSING:
                return f"{path}: missing (expected {_show(wanted)})"
            problem = mismatch(wanted, got, path, tolerance)
            if problem:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where or 'value'}: expected {_show(expected)}, got {_show(actual)}"
        for index, (wanted, got) in enumerate(zip(expected, actual, strict=True)):
            problem = mismatch(wanted, got, f"{where}[{index}]", tolerance)
            if problem:
                return problem
        return None
    if tolerance and _number(expected) and _number(actual) and abs(expected - actual) <= tolerance:
        return None
    if expected != actual or isinstance(expected, bool) != isinstance(actual, bool):
        return f"{where or 'value'}: expected {_show(expected)}, got {_show(actual)}"
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
