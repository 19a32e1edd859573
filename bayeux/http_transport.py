"""Long-polling (POST with a JSON body) and callback-polling (GET with a JSONP callback).

Both carry whole batches over plain HTTP; the only difference is how a batch arrives and how the
replies are wrapped, so they share one handler.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
import secrets
from typing import Any

import orjson
from aiohttp import HttpVersion11, hdrs, web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from . import origin, websocket_transport
from .context import Context
from .held import HeldConnect, expire
from .replies import error_string
from .server import BayeuxServer

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
        content = request.content
        while chunk := await content.read(65536):  # a read returns what has arrived so far
            size += len(chunk)
            if size > limit:
                return _error(413, f"body is over the limit of {limit} bytes")
            chunks.append(chunk)
            if content.at_eof():  # the usual body, whole in one read: no second read to learn it ended
                break
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        del chunks
        transport = "long-polling"
    if len(body) > server.options.max_message_size:
        return _error(413, f"message is over the limit of {server.options.max_message_size} bytes")
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError as problem:
        return _error(400, f"malformed JSON: {problem}")
    batch = decoded if isinstance(decoded, list) else [decoded]

    browser_id = browser_cookie(request, server.options.browser_cookie)
    new_browser = None
    if browser_id is None and any(isinstance(m, dict) and m.get("channel") == "/meta/handshake" for m in batch):
        browser_id = new_browser = secrets.token_hex(12)
    context = Context(transport, request, browser_id)
    outcome = await server.process(batch, context)
    replies = outcome.replies
    held = outcome.held
    del body, decoded, batch, outcome  # not kept alive while the connect is held
    if held is not None and _input_ended(request):
        expire(held.waiter)  # nothing can come on the connection after it: held, it would be answered never
    plain = server.options.direct_writes and callback is None and new_browser is None and _keeps_alive(request)
    if held is not None and plain and _detachable(request, held):
        _HeldPoll(server, held, replies, server.holding(context), request)
        return _RELEASED
    if held is not None:
        await server.wait(held, context)
        replies = replies + server.finish(held)
    if request.transport is None or request.transport.is_closing():
        if held is not None:
            server.undelivered(held)
        return web.Response(status=204)  # nobody is listening; the messages wait for the next connect
    payload = orjson.dumps(replies)
    if plain:  # the common reply, written as `_HeldPoll` writes it, without a response object
        request.transport.write(_HEAD % len(payload) + payload)
        return _DETACHED
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


def browser_cookie(request: web.Request, name: str) -> str | None:
    """The value of cookie `name`, read straight from the Cookie headers: aiohttp's `request.cookies`
    parses every cookie of the request, on every long poll, for the one the server needs. A cookie of
    that name with no value (no `=`, or nothing after it, quoted or not) is none: it names no session."""
    for header in request.headers.getall(hdrs.COOKIE, ()):
        if name not in header:
            continue
        for part in header.split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                value = value[1:-1] if len(value) > 1 and value[0] == value[-1] == '"' else value
                if value:
                    return value
    return None


def _keeps_alive(request: web.Request) -> bool:
    """A keep-alive HTTP/1.1 request on an open connection, not from a browser's page: its JSON reply can
    be written directly. A request with an Origin (browsers send one with every POST) goes the whole way
    through aiohttp, so that the application's middlewares can add what a page needs (CORS headers,
    nosniff); a direct write would skip them."""
    return (
        "Origin" not in request.headers
        and request.version == HttpVersion11
        and request.keep_alive
        and request.transport is not None
        and not request.transport.is_closing()
        and request.protocol is not None
    )


def _detachable(request: web.Request, held: HeldConnect) -> bool:
    """Whether a connect that has to wait can wait without its request: with nothing pipelined behind it
    on the connection (whose answer would otherwise overtake this one)."""
    handler = request.protocol
    return (
        held.timeout > 0
        and not held.waiter.done()
        and not getattr(handler, "_messages", True)
        # aiohttp closes a connection quiet for this long, but not while its request loop has ended for a
        # held poll (whatever the poll's timeout): the timer starts again with the loop (`_resume`).
        and getattr(handler, "_keepalive_timeout", 0) > 0
    )


class _Detached(web.StreamResponse):
    """What the handler returns when it wrote its reply itself: aiohttp writes nothing and keeps the
    connection for the client's next request."""

    @property
    def keep_alive(self) -> bool:
        return True

    async def prepare(self, request: BaseRequest) -> None:
        return None

    async def write_eof(self, data: bytes = b"") -> None:
        return None


class _Released(_Detached):
    """What the handler returns when `_HeldPoll` has taken the connection: aiohttp's request loop for it
    ends (with the transport gone from its handler, it closes nothing), and with it the last request,
    its headers and payload, the loop's coroutine and task, none of which a held connect needs."""

    @property
    def keep_alive(self) -> bool:
        return False


_DETACHED = _Detached()
_RELEASED = _Released()
_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
_HEAD_CLOSING = _HEAD.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")


class _HeldPoll(asyncio.Protocol):
    """A held long poll without its request, its handler coroutine or its task: an idle long-polling
    session costs its socket, this object, the held connect and aiohttp's idle protocol object.

    While the connect waits, this is the connection's protocol (it learns at once when the client goes
    away, and keeps whatever the client sends meanwhile), and aiohttp's handler of the connection has no
    transport, so that its request loop ends instead of waiting for the next request with the last one.
    When the connect is due, this writes the HTTP response itself and gives the connection back to the
    handler as a connection anew (its request loop starts again, and its keep-alive timer, which closes
    a connection that sends nothing), with what the client sent meanwhile.
    """

    __slots__ = ("server", "held", "replies", "browser", "transport", "handler", "early", "over", "eof")

    def __init__(
        self, server: BayeuxServer, held: HeldConnect, replies: list[Any], browser: str | None, request: web.Request
    ) -> None:
        self.server = server
        self.held = held
        self.replies = replies or None  # the batch's other replies, which go first (most connects have none)
        self.browser = browser
        self.transport: asyncio.Transport = request.transport  # type: ignore[assignment]
        self.handler: RequestHandler = request.protocol
        self.early: bytes = b""  # what the client sent while its connect was held
        self.over = False  # answered, or its client gone: whichever came first, the other does nothing
        self.eof = False  # the client shut its side down: the connection closes once it is answered
        server.deadlines.start(held)
        held.waiter.add_done_callback(self._due)
        self.transport.set_protocol(self)
        self.handler.transport = None  # its request loop ends, closing nothing

    def data_received(self, data: bytes) -> None:
        self.early += data

    def eof_received(self) -> bool | None:
        """The client shut its side down (shutdown(SHUT_WR)) and may still read: the connect is answered
        now, with what waits for the session (nothing, or it would not have been held), and the connection
        closes after the reply, as nothing more can come on it. Waiting for the timeout instead would write
        later messages onto a socket that may be gone altogether, which a half-close cannot be told from."""
        self.handler.eof_received()
        if self.over:
            return None
        self.eof = True
        expire(self.held.waiter)  # `_due` writes the reply, then closes
        return True  # the transport stays open for the reply

    def connection_lost(self, exc: Exception | None) -> None:
        self.handler.connection_lost(exc)
        if self.over:
            return
        self.over = True
        server, held = self.server, self.held
        server.deadlines.stop(held)
        waiter = held.waiter
        waiter.remove_done_callback(self._due)
        held.session.release(waiter)
        server.held_over(held, self.browser)

    def _due(self, waiter: asyncio.Future[None]) -> None:
        if self.over:
            return
        self.over = True
        server, held, transport = self.server, self.held, self.transport
        server.deadlines.stop(held)
        server.held_over(held, self.browser)
        handler = self.handler
        # before writing: a full buffer pauses aiohttp's writer
        transport.set_protocol(_InputEnded(handler) if self.eof else handler)
        if transport.is_closing():
            held.session.release(held.waiter)
            return
        finished = server.finish(held)
        body = orjson.dumps(finished if self.replies is None else self.replies + finished)
        closing = self.eof and not self.early  # a request sent before the half-close is still answered
        transport.write((_HEAD_CLOSING if closing else _HEAD) % len(body) + body)
        if closing:
            transport.close()  # once the reply is written; the handler hears `connection_lost`
        elif _resume(handler, transport, server.connection_context) and self.early:
            handler.data_received(self.early)
            if self.eof:
                _last_closes(handler, transport)


class _InputEnded(asyncio.Protocol):
    """The protocol of a connection whose client shut its side down behind a held poll, in front of aiohttp's
    handler while it answers the requests sent before: `handle` answers each at once (a connect held there
    would be answered never, or written where nobody reads) and closes the connection after the last.

    aiohttp never learns that the input ended (its handler's `eof_received` does nothing, and returns None,
    which closes the connection): this tells `handle` (`_input_ended`), and keeps the connection open when
    the end of input is seen again (uvloop reports it anew each time aiohttp resumes reading). The last
    request closes the connection (`_last_closes`)."""

    __slots__ = ("handler",)

    def __init__(self, handler: RequestHandler) -> None:
        self.handler = handler

    def eof_received(self) -> bool:
        return True

    def pause_writing(self) -> None:
        self.handler.pause_writing()

    def resume_writing(self) -> None:
        self.handler.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self.handler.connection_lost(exc)


def _input_ended(request: web.Request) -> bool:
    """Whether the request came on a connection whose client shut its side down (see `_InputEnded`)."""
    transport = request.transport
    return transport is not None and type(transport.get_protocol()) is _InputEnded


def _last_closes(handler: RequestHandler, transport: asyncio.Transport) -> None:
    """The requests a client sent before shutting its side down, handed to aiohttp's handler: the last is
    made one that closes the connection (`Connection: close`, as its client could have sent it), so that
    the connection closes once it is answered; with none whole, it closes now.

    aiohttp parses at most 32 pipelined requests ahead, and the rest as those are answered (it stays paused
    until every one is parsed): which one is last is known only then. So every request on the connection
    looks again before it is handled (the handler's request handler, for this connection only), as does
    this once."""
    if not handler._messages:
        transport.close()
        return
    handle_request = handler._request_handler
    assert handle_request is not None

    async def looking_for_the_last(request: BaseRequest) -> web.StreamResponse:
        _mark_last(handler)
        return await handle_request(request)

    handler._request_handler = looking_for_the_last
    _mark_last(handler)


def _mark_last(handler: RequestHandler) -> None:
    """Once every request the client sent is parsed, the last waiting is made to close the connection; with
    none waiting, the one being answered is the last (what followed it was no whole request)."""
    if handler._buffer_paused:
        return  # more are parsed as these are answered
    messages = handler._messages
    if not messages:
        handler.close()  # once this request is answered
        return
    message, payload = messages[-1]
    if hasattr(message, "_replace"):  # not a request aiohttp could not parse, which closes anyway
        messages[-1] = (message._replace(should_close=True), payload)


def _resume(handler: RequestHandler, transport: asyncio.Transport, context: contextvars.Context) -> bool:
    """Give a connection back to aiohttp's handler after a held poll: what its `connection_made` does for a
    new connection, less what this one kept (its socket options, its place among the server's
    connections): setting the socket options again took about 5 % of the server's time under fan-out on
    uvloop.

    Its request loop starts again, and its keep-alive timer runs from now: the one the handler has, if
    still pending, is moved to the new closing time when it fires, as aiohttp does between requests.
    The loop runs in a copy of `context`, the one connections begin in, as it did when the connection
    was new: not in the context of the request that was held, whose middlewares may have set variables
    in it that must not reach the connection's next requests. Unless the server is shutting down (it
    closed the handler while the poll was held, a poll its shutdown answered): then the connection
    closes once the reply is written, and this says False.
    """
    loop = asyncio.get_running_loop()
    handler.transport = transport
    if handler._close or handler._force_close:
        transport.close()
        return False
    handler._keepalive = True  # the loop ended on a response that did not keep alive
    handler._next_keepalive_close_time = close = loop.time() + handler._keepalive_timeout
    if handler._keepalive_handle is None:
        handler._keepalive_handle = loop.call_at(close, handler._process_keepalive)
    handler._task_handler = loop.create_task(handler.start(), context=context.copy())
    return True


def _error(status: int, text: str, name: str | None = None) -> web.Response:
    body = orjson.dumps([{"successful": False, "error": error_string(status, text, name)}])
    return web.Response(status=status, body=body, content_type="application/json", charset="utf-8")
