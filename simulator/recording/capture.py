"""The inputs of a recording: every request that can change the World, as it reached it.

A middleware inside the authentication one, so it knows the user and sees a refusal before it becomes
a response. GETs change nothing and are left out, as are the control API's own recording, faults and
journal requests (they configure the server around the World, not the World). A request answered before
it reached a handler (no route) changes nothing either. Multipart uploads are kept as their size only:
`replay` says it cannot play them. The `excluded` prefixes (the CometD endpoint) change no World either.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from ..api.keys import BODY, VIEWER
from ..api.responses import error
from ..core.refusals import Refusal
from ..layers import Layer
from .recorder import Recording

CHANGES = ("POST", "PUT", "DELETE", "PATCH")
UNRECORDED = ("/sim/recording", "/sim/faults", "/sim/journal", "/sim/state")
ANSWER_LIMIT = 4096  # bytes of an answer kept (ids and status; documents are in the events)
RECORDING = web.AppKey("recording", Recording)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def layer(recording: Recording, excluded: tuple[str, ...] = ()) -> Layer:
    """The layer for the changes a recording takes, while it records."""
    unrecorded = (*UNRECORDED, *excluded)

    def concerns(request: web.Request, path: str) -> bool:
        return recording.active and request.method in CHANGES and not path.startswith(unrecorded)

    async def capture(request: web.Request, handler: Handler) -> web.StreamResponse:
        arrived = recording.seq()
        try:
            response = await handler(request)
        except Refusal as refusal:
            recording.input(_input(request, error(refusal)), arrived)
            raise
        if isinstance(response, web.Response):
            recording.input(_input(request, response), arrived)
        return response

    return Layer(capture, concerns)


def _input(request: web.Request, response: web.Response) -> dict[str, Any]:
    viewer = request.get(VIEWER)
    line: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "query": request.query_string,
        "user": viewer.userName if viewer is not None else None,
    }
    raw: bytes | None = request.get(BODY)
    if raw is None and request.body_exists:
        line["upload"] = {"contentType": request.content_type, "bytes": request.content_length or 0}
    elif raw:
        try:
            line["body"] = orjson.loads(raw)
        except orjson.JSONDecodeError:
            line["bodyBase64"] = base64.b64encode(raw).decode("ascii")
    line["status"] = response.status
    body = response.body if isinstance(response.body, bytes) else b""
    if body and len(body) <= ANSWER_LIMIT and response.content_type == "application/json":
        line["answer"] = orjson.loads(body)
    return line
