"""Long-polling (POST with a JSON body) and callback-polling (GET with a JSONP callback).

Both carry whole batches over plain HTTP; the only difference is how a batch arrives and how the
replies are wrapped, so they share one handler.
"""

from __future__ import annotations

import re
import secrets

import orjson
from aiohttp import web

from . import origin, websocket_transport
from .replies import error_string
from .server import BayeuxServer, Context

_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$")
_MAX_CALLBACK = 128


async def handle(server: BayeuxServer, request: web.Request) -> web.StreamResponse:
    """The endpoint of every request at the mount path: a websocket upgrade, or a batch over HTTP."""
    if request.method == "GET" and request.headers.get("Upgrade", "").lower() == "websocket":
        return await websocket_transport.handle(server, request)
    if request.method == "GET":
        callback = request.query.get("jsonp")
        if callback is None:
            return _error(400, "a GET needs a jsonp callback (callback-polling) or a websocket upgrade")
        if len(callback) > _MAX_CALLBACK or not _CALLBACK.fullmatch(callback):
            return _error(400, "jsonp callback name must be a JavaScript identifier path of at most 128 characters")
        foreign = origin.refused(request, server.options.allowed_origins)
        if foreign is not None:
            return _error(403, f"callback-polling with cookies: {foreign}", "origin_denied")
        raw = request.query.get("message")
        if raw is None:
            return _error(400, "callback-polling needs the batch in the 'message' parameter")
        body: bytes = raw.encode()
        del raw
        transport = "callback-polling"
    else:
        callback = None
        length = request.content_length
        limit = server.options.max_message_size
        if length is not None and length > limit:
            return _error(413, f"body of {length} bytes is over the limit of {limit} bytes")
        chunks, size = [], 0
        while chunk := await request.content.read(65536):  # a read returns what has arrived so far
            size += len(chunk)
            if size > limit:
                return _error(413, f"body is over the limit of {limit} bytes")
            chunks.append(chunk)
        body = b"".join(chunks)
        del chunks
        transport = "long-polling"
    if len(body) > server.options.max_message_size:
        return _error(413, f"message is over the limit of {server.options.max_message_size} bytes")
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError as problem:
        return _error(400, f"malformed JSON: {problem}")
    batch = decoded if isinstance(decoded, list) else [decoded]

    browser_id = request.cookies.get(server.options.browser_cookie)
    new_browser = None
    if browser_id is None and any(isinstance(m, dict) and m.get("channel") == "/meta/handshake" for m in batch):
        browser_id = new_browser = secrets.token_hex(12)
    context = Context(transport, request, browser_id)
    outcome = await server.process(batch, context)
    replies = outcome.replies
    held = outcome.held
    del body, decoded, batch, outcome  # not kept alive while the connect is held
    if held is not None:
        await server.wait(held, context)
        replies = replies + server.finish(held)
    if request.transport is None or request.transport.is_closing():
        if held is not None:
            server.undelivered(held)
        return web.Response(status=204)  # nobody is listening; the messages wait for the next connect
    payload = orjson.dumps(replies)
    if callback is not None:
        response = web.Response(
            body=b"".join((callback.encode(), b"(", payload, b");")),
            content_type="text/javascript",
            charset="utf-8",
        )
    else:
        response = web.Response(body=payload, content_type="application/json", charset="utf-8")
    if new_browser is not None:
        response.set_cookie(server.options.browser_cookie, new_browser, path="/", httponly=True)
    return response


def _error(status: int, text: str, name: str | None = None) -> web.Response:
    body = orjson.dumps([{"successful": False, "error": error_string(status, text, name)}])
    return web.Response(status=status, body=body, content_type="application/json", charset="utf-8")
