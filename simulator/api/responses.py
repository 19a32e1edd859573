"""Responses in the reference's shape: `statusCode` always, `statusMessage` on errors only."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web


def ok(**fields: Any) -> web.Response:
    return _json(200, {"statusCode": 0, **fields})


def unauthorized() -> web.Response:
    response = _json(401, {"statusCode": 3, "statusMessage": "Authentication required: send HTTP Basic credentials"})
    response.headers["WWW-Authenticate"] = 'Basic realm="gws-simulator"'
    return response


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(body), content_type="application/json", charset="utf-8")
