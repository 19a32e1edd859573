"""Responses in the reference's shape: `statusCode` always, `statusMessage` on errors and nothing else.

The HTTP status follows the statusCode, one table for every resource:

| statusCode | meaning (reference)                  | HTTP                                             |
| ---------- | ------------------------------------ | ------------------------------------------------ |
| 0          | success                              | 200                                              |
| 1          | a required parameter is missing      | 400                                              |
| 2          | a parameter is not valid             | 400 (413 for an oversized body)                  |
| 3          | operation forbidden                  | 403 (401 without valid credentials, 405 for a    |
|            |                                      | method the resource does not have)               |
| 4          | internal error                       | 500                                              |
| 5          | no permission for this user          | 403                                              |
| 6          | not found                            | 404                                              |
| 7          | partial success of a bulk operation  | 200 (the body says which items failed)           |
| 20         | access denied (profile 8.5.2)        | 403, without `WWW-Authenticate`                  |
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

from ..core.refusals import FORBIDDEN, Refusal

ACCESS_DENIED = 20  # statusCode of real 8.5.2 servers for a request without valid credentials
HTTP_STATUS = {0: 200, 1: 400, 2: 400, 3: 403, 4: 500, 5: 403, 6: 404, 7: 200}


class Failure(Refusal):
    """A request the API refuses before it reaches the contact center; may choose a finer HTTP status."""

    def __init__(self, code: int, message: str, http: int | None = None) -> None:
        super().__init__(code, message)
        self.http = http or HTTP_STATUS[code]


def ok(**fields: Any) -> web.Response:
    return json_response(200, {"statusCode": 0, **fields})


def partial(**fields: Any) -> web.Response:
    return json_response(HTTP_STATUS[7], {"statusCode": 7, **fields})


def error(refusal: Refusal) -> web.Response:
    http = refusal.http if isinstance(refusal, Failure) else HTTP_STATUS[refusal.code]
    return json_response(http, {"statusCode": refusal.code, "statusMessage": refusal.message})


def unauthorized(message: str = "Authentication required: send HTTP Basic credentials") -> web.Response:
    response = json_response(401, {"statusCode": FORBIDDEN, "statusMessage": message})
    response.headers["WWW-Authenticate"] = 'Basic realm="gws-simulator"'
    return response


def access_denied() -> web.Response:
    """Real 8.5.2 servers' answer to a request without valid credentials: no `WWW-Authenticate`, so a
    browser shows no login dialog over the desktop that asked."""
    return json_response(403, {"statusCode": ACCESS_DENIED, "statusMessage": "Access denied"})


def header_text(value: str) -> str:
    """A request header's value as an answer may quote it: aiohttp keeps bytes that are not UTF-8 as
    surrogate escapes, which no JSON encoder writes, so they become U+FFFD."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


JSON_HEADERS = CIMultiDictProxy(CIMultiDict({"Content-Type": "application/json; charset=utf-8"}))


def json_response(status: int, body: dict[str, Any]) -> web.Response:
    """Every answer of the API: its Content-Type copied from one prepared header, not composed and checked
    for every answer from a content type and a charset."""
    return web.Response(status=status, body=orjson.dumps(body), headers=JSON_HEADERS)
