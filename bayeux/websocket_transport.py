"""The websocket transport: batches arrive as text frames, replies and messages leave as text frames.

aiohttp parses the upgrade request; then the connection is this module's: the handshake is answered
here and the transport given to a `_Connection`, a plain asyncio protocol that reads frames as they
arrive and writes them straight to the transport. An idle websocket is that object and its socket: no
task, no reader coroutine, none of a general websocket library's buffers. A burst of frames from the
client is read by one short-lived task, in order; the policy may take its time over a batch.

Messages are pushed: when something is queued for a session connected on this socket, it goes out at the
end of the event loop's turn, in one frame with whatever else became due in that turn, without waiting
for a `/meta/connect` round trip and without a task per delivery. A session whose messages must leave in
connect replies (`connect_delivery_only`, the acknowledge extension's sessions, whose batches are
numbered) has its held connect answered at once instead, in that same frame. A held `/meta/connect` is
its session's waiter future and a place among the server's deadlines.

A client that does not read must cost bounded memory: while the transport's buffer is over its
high-water mark nothing more is taken from the session, so messages wait where its bounds count them;
the socket stops being read; and a buffer that does not drain within the session's expiry time closes the
connection.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
from aiohttp import web

from . import origin, websocket_frames
from .context import Context
from .held import HeldConnect, expire
from .replies import error_string
from .server import BayeuxServer
from .session import ServerSession
from .websocket_frames import FrameError

log = logging.getLogger("bayeux")
INBOX = 16  # frames read and not yet answered before the socket stops being read


async def handle(server: BayeuxServer, request: web.Request) -> web.StreamResponse:
    """Answer the upgrade and take the connection over from aiohttp."""
    foreign = origin.refused(request, server.options.allowed_origins)
    if foreign is not None:
        error = error_string(403, f"websocket with cookies: {foreign}", "origin_denied")
        return web.json_response([{"successful": False, "error": error}], status=403)
    key = request.headers.get("Sec-WebSocket-Key", "")
    if request.headers.get("Sec-WebSocket-Version") != "13" or len(key) != 24:
        error = error_string(400, "a websocket upgrade needs Sec-WebSocket-Version 13 and a Sec-WebSocket-Key")
        return web.json_response(
            [{"successful": False, "error": error}], status=400, headers={"Sec-WebSocket-Version": "13"}
        )
    handler = request.protocol
    transport = request.transport
    if transport is None or transport.is_closing() or handler is None:
        return web.Response(status=400)
    tail = handler._message_tail  # bytes the client sent after its upgrade request, read by aiohttp
    handler._message_tail = b""
    transport.write(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: " + websocket_frames.accept_key(key) + b"\r\n\r\n"
    )
    context = Context("websocket", request, request.cookies.get(server.options.browser_cookie))
    connection = _Connection(server, context, transport)  # type: ignore[arg-type]
    transport.set_protocol(connection)
    # aiohttp lets go of the connection without closing it: its handler forgets the transport, ends, and
    # the HTTP server no longer counts it. The response returned below is never written.
    handler.transport = None
    handler.connection_lost(None)
    if tail:
        connection.data_received(tail)
    return web.Response(status=101)


class _Connection(asyncio.Protocol):
    """One websocket after its handshake: frames in, frames out, held connects, pushed messages."""

    __slots__ = (
        "server",
        "context",
        "transport",
        "buffer",
        "fragments",
        "inbox",
        "reader",
        "writing_paused",
        "drain",
        "held",
        "sessions",
        "due",
        "scheduled",
        "notify",
    )

    def __init__(self, server: BayeuxServer, context: Context, transport: asyncio.Transport) -> None:
        self.server = server
        self.context = context
        self.transport: asyncio.Transport | None = transport
        self.buffer = bytearray()  # a frame not yet whole; a fresh one once it is empty again
        self.fragments: list[bytes] | None = None  # a fragmented message being read
        self.inbox: list[bytes] = []  # text frames read, not yet processed
        self.reader: asyncio.Task[None] | None = None  # processes the inbox, while it is not empty
        self.writing_paused = False
        self.drain: asyncio.Future[None] | None = None
        self.held: dict[asyncio.Future[None], HeldConnect] = {}  # by the session's waiter future
        self.sessions: list[ServerSession] = []  # those whose queue tells this connection (`on_queued`)
        self.due: set[ServerSession] | None = None  # sessions with messages to push, None for none
        self.scheduled = False
        self.notify = self.queued  # the sessions' `on_queued`, bound once so that `is` tells whose it is
        server.connections.add(self)

    # ----- asyncio protocol ------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        limit = self.server.options.max_message_size
        try:
            while (read := websocket_frames.read(buffer, limit)) is not None:
                self._frame(*read, limit)
        except FrameError as problem:
            log.info("websocket closed: %s", problem)
            self.close(problem.code, str(problem))
        if not buffer:
            self.buffer = bytearray()  # not the capacity of the largest frame read so far

    def _frame(self, final: bool, opcode: int, data: bytes, limit: int) -> None:
        if opcode == websocket_frames.PING:
            self._write(websocket_frames.frame(data, websocket_frames.PONG))
        elif opcode == websocket_frames.CLOSE:
            code = int.from_bytes(data[:2], "big") if len(data) >= 2 else websocket_frames.NORMAL
            self.close(code if 1000 <= code < 5000 else websocket_frames.NORMAL)
        elif opcode == websocket_frames.PONG:
            pass
        elif opcode == websocket_frames.CONTINUATION:
            if self.fragments is None:
                raise FrameError(websocket_frames.PROTOCOL_ERROR, "continuation of nothing")
            self.fragments.append(data)
            if sum(len(part) for part in self.fragments) > limit:
                raise FrameError(websocket_frames.TOO_BIG, f"message over the limit of {limit} bytes")
            if final:
                self._received(b"".join(self.fragments))
                self.fragments = None
        elif opcode in (websocket_frames.TEXT, websocket_frames.BINARY):
            if self.fragments is not None:
                raise FrameError(websocket_frames.PROTOCOL_ERROR, "a new message inside a fragmented one")
            if final:
                self._received(data)
            else:
                self.fragments = [data]
        else:
            raise FrameError(websocket_frames.PROTOCOL_ERROR, f"unknown opcode {opcode}")

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        if self.drain is not None and not self.drain.done():
            self.drain.set_result(None)
        self._schedule()

    def connection_lost(self, exc: Exception | None) -> None:
        """The socket is done: held connects are let go (their sessions can expire), nothing more is written."""
        self.transport = None
        self.server.connections.discard(self)
        for held in self.held.values():
            self.server.deadlines.stop(held)
            held.waiter.remove_done_callback(self._woken)
            held.session.release(held.waiter)
        self.held.clear()
        for session in self.sessions:
            if session.on_queued is self.notify:
                session.on_queued = None
        self.sessions.clear()
        self.due = None
        self.inbox.clear()
        if self.reader is not None:
            self.reader.cancel()
        if self.drain is not None and not self.drain.done():
            self.drain.cancel()

    def close(self, code: int = websocket_frames.NORMAL, reason: str = "") -> None:
        """Say goodbye with `code` and close (what is buffered is still sent)."""
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.write(websocket_frames.close_frame(code, reason))
            transport.close()

    # ----- batches in ------------------------------------------------------------------------------

    def _received(self, payload: bytes) -> None:
        self.inbox.append(payload)
        if len(self.inbox) >= INBOX and self.transport is not None:
            self.transport.pause_reading()  # a client that sends without reading stops being read
        if self.reader is None:
            self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        server, context, inbox = self.server, self.context, self.inbox
        try:
            while inbox and self.transport is not None:
                payload = inbox.pop(0)
                if len(inbox) == INBOX - 1 and not self.writing_paused:
                    self.transport.resume_reading()
                try:
                    decoded = orjson.loads(payload)
                except orjson.JSONDecodeError as problem:
                    self.answer([{"successful": False, "error": error_string(400, f"malformed JSON: {problem}")}], None)
                    continue
                outcome = await server.process(decoded if isinstance(decoded, list) else [decoded], context)
                del decoded
                if self.transport is None:  # gone while the policy was asked
                    if outcome.held is not None:
                        outcome.held.session.release(outcome.held.waiter)
                    return
                self.answer(outcome.replies, outcome.held)
                del outcome
                if self.writing_paused:
                    await self._drained()
        except Exception:
            # A policy or an extension failed on this batch: as an HTTP request would get a 500, the
            # socket ends (1011) rather than leave the client waiting for replies that will not come.
            log.exception("websocket batch failed")
            self.close(1011, "internal error")
        finally:
            self.reader = None

    async def _drained(self) -> None:
        """Until the transport takes what it was given, within the session expiry time, else close."""
        transport = self.transport
        if transport is None:
            return
        transport.pause_reading()
        self.drain = asyncio.get_running_loop().create_future()
        patience = (self.server.options.interval + self.server.options.max_interval) / 1000
        try:
            await asyncio.wait_for(self.drain, patience)
        except TimeoutError:
            transport.abort()  # the peer stopped reading: the connection cannot go on
            return
        if self.transport is not None:
            self.transport.resume_reading()

    # ----- frames out ------------------------------------------------------------------------------

    def answer(self, replies: list[Any], held: HeldConnect | None) -> None:
        """Write a batch's replies and hold its connect (or answer it now, after the replies, when due).

        Connects that became due before (a /meta/disconnect in this batch wakes its session's held
        connect) go out first, as with the reference server: the CometD client closes its websocket on a
        /meta/disconnect reply only when no /meta/connect is outstanding.
        """
        if held is not None:
            session = held.session
            if session.on_queued is not self.notify:
                session.on_queued = self.notify
                self.sessions = [s for s in self.sessions if s.on_queued is self.notify]
                self.sessions.append(session)
            waiter = held.waiter
            if held.timeout > 0 and not waiter.done():
                self.server.deadlines.start(held)
                waiter.add_done_callback(self._woken)
            else:
                expire(waiter)
            self.held[waiter] = held
        self._flush(replies, held)

    def queued(self, session: ServerSession) -> None:
        """`session`'s queue is no longer empty (its `on_queued`): write at the end of this loop turn.

        A session whose messages leave only with connect replies is not pushed to: the flush answers its
        held connect, if it has one here; otherwise its next connect takes the messages."""
        if not session.connect_delivery_only:
            if self.due is None:
                self.due = {session}
            else:
                self.due.add(session)
        self._schedule()

    def _woken(self, waiter: asyncio.Future[None]) -> None:
        """A held connect is due: superseded, its session ended, or its timeout passed."""
        if waiter in self.held:
            self._schedule()

    def _schedule(self) -> None:
        if not self.scheduled and self.transport is not None:
            self.scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self, replies: list[Any] | None = None, last: HeldConnect | None = None) -> None:
        """One frame: the connect replies that are due and the messages to push, then `replies`, then
        `last`'s reply if it is due. While the peer does not read, only `replies` are written."""
        if replies is None:
            self.scheduled = False
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        items: list[Any] = []
        paused = self.writing_paused
        if not paused:
            server = self.server
            tail: list[Any] = []
            for waiter, held in list(self.held.items()):
                session = held.session
                if waiter.done() or (session.connect_delivery_only and session.has_messages()):
                    del self.held[waiter]
                    if held.slot:
                        server.deadlines.stop(held)
                        waiter.remove_done_callback(self._woken)
                    if self.due is not None:
                        self.due.discard(session)
                    (tail if held is last else items).extend(server.finish(held))
            if self.due:
                limit = server.options.max_reply_bytes
                for session in self.due:
                    if session.on_queued is self.notify and not session.connect_delivery_only:
                        taken = session.take(limit)
                        session.delivered(taken)
                        items.extend(fragment for fragment, _ in taken)
                self.due = {s for s in self.due if s.has_messages() and s.on_queued is self.notify} or None
            if replies:
                items.extend(replies)
            items.extend(tail)
        elif replies:
            items.extend(replies)
        if items:
            transport.write(websocket_frames.frame(orjson.dumps(items)))
        if self.due and not self.writing_paused:
            self._schedule()  # a backlog over the reply bound: the rest in the next frame
        # While paused, `resume_writing` schedules the next flush.

    def _write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)
