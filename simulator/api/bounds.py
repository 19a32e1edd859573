"""The bounds of free-form input: how deep, how big and how many, checked at the API's edge.

User data, chat text, e-mail fields, ids and every JSON body reach the contact center only within these
bounds, so nothing stored can later fail to be read or sent: a document nested deeper than the JSON
encoder allows would otherwise be accepted once and break every read of `/sim/state`, the calls and the
notifications that carry it. A value past a bound is statusCode 2 naming the field; a body past its size
is 413 (see `validation.read_body`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.refusals import INVALID
from .responses import Failure

MAX_DEPTH = 16  # levels of objects and lists inside a body's top-level field (userData's own levels count)
MAX_MEMBERS = 1000  # members of one object, or items of one list
MAX_KEY = 255  # characters of one object key
MAX_QUERY_PARAMETERS = 32
MAX_QUERY_VALUE = 255  # characters of one query parameter's value (so a URL of every filter fits 8 KiB)
MAX_PATH_ID = 255  # characters of an id in a path


def check_body(body: Mapping[str, Any]) -> None:
    """Refuse a body whose any field is nested too deep, holds too many members or a key too long."""
    if len(body) > MAX_MEMBERS:
        raise Failure(INVALID, f"the request body has {len(body)} fields; the limit is {MAX_MEMBERS}")
    for name, value in body.items():
        _check_key(name, "the request body")
        _check_value(value, name, 1)


def check_request(query: Mapping[str, str], match_info: Mapping[str, str]) -> None:
    """Refuse too many query parameters, a parameter or path id too long."""
    if len(query) > MAX_QUERY_PARAMETERS:
        raise Failure(INVALID, f"the query has {len(query)} parameters; the limit is {MAX_QUERY_PARAMETERS}")
    for name, value in query.items():
        if len(name) > MAX_KEY:
            raise Failure(INVALID, f"query parameter {name[:40]}... is longer than {MAX_KEY} characters")
        if len(value) > MAX_QUERY_VALUE:
            raise Failure(INVALID, f"query parameter {name} is longer than {MAX_QUERY_VALUE} characters")
    for name, value in match_info.items():
        if len(value) > MAX_PATH_ID:
            raise Failure(INVALID, f"{name} is longer than {MAX_PATH_ID} characters")


def is_text(value: str, limit: int = MAX_KEY) -> bool:
    """Whether a header-borne value (an upload's file name) is short text that can be sent back as JSON:
    aiohttp decodes undecodable bytes as lone surrogates, which no JSON encoder accepts."""
    if len(value) > limit:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_value(value: Any, where: str, depth: int) -> None:
    if not isinstance(value, dict | list):
        return
    if depth > MAX_DEPTH:
        raise Failure(INVALID, f"{_short(where)} is nested deeper than {MAX_DEPTH} levels")
    if len(value) > MAX_MEMBERS:
        raise Failure(INVALID, f"{_short(where)} holds {len(value)} members; the limit is {MAX_MEMBERS}")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_key(key, where)
            _check_value(item, f"{where}.{key}", depth + 1)
    else:
        for index, item in enumerate(value):
            _check_value(item, f"{where}[{index}]", depth + 1)


def _check_key(key: str, where: str) -> None:
    if len(key) > MAX_KEY:
        raise Failure(INVALID, f"{_short(where)} has a key longer than {MAX_KEY} characters")


def _short(where: str) -> str:
    """A field's path, cut to a readable length (the path of a deep value is long)."""
    return where if len(where) <= 120 else where[:117] + "..."
