"""Reading the parameters of voice and agent-state operations: each reader returns a clean value or
refuses with statusCode 1.

Parameters are checked before the state is, and before anything changes; the message names the field
and says what was wrong with it. Unknown extra parameters are ignored, as a lenient server would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .refusals import MISSING, Refusal

_NUMBER = re.compile(r"^\+?[0-9*#]{1,32}$")
_DIGITS = re.compile(r"^[0-9*#]+$")


def bad_parameter(field: str, problem: str) -> Refusal:
    """A parameter missing or wrong: statusCode 1, the message and `field` naming it."""
    return Refusal(MISSING, f"{field}: {problem}", field=field)


def number(params: Mapping[str, Any], name: str = "destination") -> str:
    """A phone number, given as a string or as the reference's `{'phoneNumber': 'XXX'}` object.

    Spaces, dashes, dots and parentheses are dropped, as people write numbers with them.
    """
    value = params.get(name)
    if value is None:
        raise bad_parameter(name, "is missing")
    if isinstance(value, Mapping):
        value = value.get("phoneNumber")
        if value is None:
            raise bad_parameter(f"{name}.phoneNumber", "is missing")
    if not isinstance(value, str):
        raise bad_parameter(name, f"must be a phone number string, not {type(value).__name__}")
    cleaned = re.sub(r"[\s\-.()]", "", value)
    if not _NUMBER.match(cleaned):
        raise bad_parameter(name, f"{value!r} is not a phone number")
    return cleaned


def digits(params: Mapping[str, Any], name: str = "digits") -> str:
    value = params.get(name)
    if value is None:
        raise bad_parameter(name, "is missing")
    if not isinstance(value, str) or not _DIGITS.match(value):
        raise bad_parameter(name, f"{value!r} must be a non-empty string of 0-9, * and #")
    return value


def user_data(params: Mapping[str, Any], name: str = "userData", *, required: bool = True) -> dict[str, Any] | None:
    value = params.get(name)
    if value is None:
        if required:
            raise bad_parameter(name, "is missing")
        return None
    if not isinstance(value, Mapping):
        raise bad_parameter(name, f"must be an object of key-value pairs, not {type(value).__name__}")
    if not all(isinstance(key, str) for key in value):
        raise bad_parameter(name, "keys must be strings")
    return dict(value)


def text(params: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    value = params.get(name)
    if value is None:
        if required:
            raise bad_parameter(name, "is missing")
        return None
    if not isinstance(value, str) or not value:
        raise bad_parameter(name, f"must be a non-empty string, not {value!r}")
    return value


def call_reference(params: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    """A call named by its URI (`.../me/calls/{id}`) or by its bare id; returns the id."""
    value = text(params, name, required=required)
    if value is None:
        return None
    call_id = value.rstrip("/").rsplit("/", 1)[-1]
    if not call_id:
        raise bad_parameter(name, f"{value!r} does not name a call")
    return call_id


def choice(params: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str | None:
    """An optional value from a closed list (a workMode, for instance)."""
    value = params.get(name)
    if value is None:
        return None
    if value not in allowed:
        raise bad_parameter(name, f"{value!r} is not one of {', '.join(allowed)}")
    return str(value)


def string_list(params: Mapping[str, Any], name: str) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise bad_parameter(name, "must be an array of strings")
    return list(value)
