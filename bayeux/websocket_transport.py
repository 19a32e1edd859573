"""The websocket transport: batches arrive as text frames, replies and messages leave as text frames.

Messages are pushed: when something is queued for a session connected on this socket, it goes out at the
end of the event loop's turn, in one frame with whatever else became due in that turn, without waiting
for a `/meta/connect` round trip and without a task per delivery. A session whose messages must leave in
connect replies (`connect_delivery_only`, the acknowledge extension's sessions, whose batches are
numbered) has its held connect answered at once instead, in that same frame.

A held `/meta/connect` is no task either: its session's waiter future and a timer say when it is due,
and the frame that answers it is written in that same end-of-turn flush. The reader coroutine (the one
aiohttp runs for the request) is the only coroutine of an idle socket.

Frames are written straight to the transport (compression is not offered, and a text frame of the
server is a two-to-ten byte header and the payload). A client that does not read must cost bounded
memory: while the transport's buffer is over its high-water mark nothing more is taken from the session,
so messages wait where its bounds count them, the socket stops being read, and a buffer that does not
drain within the session's expiry time closes the connection.
"""

from __future__ import annotations

import asyncio
import struct
from typing import Any

import orjson
from aiohttp import WSMsgType, web

from . import origin
from .held import HeldConnect, expire
from .replies import error_string
from .server import BayeuxServer, Context
from .session import ServerSession

_HEADER_SHORT = struct.Struct("!BB")
_HEADER_MEDIUM = struct.Struct("!BBH")
_HEADER_LONG = struct.Struct("!BBQ")
_TEXT = 0x81  # FIN and the text opcode


def text_frame(payload: bytes) -> bytes:
    """A server's (unmasked, uncompressed) websocket text frame carrying `payload`."""
    size = len(payload)
    if size < 126:
        return _HEADER_SHORT.pack(_TEXT, size) + payload
    if size < 65536:
        return _HEADER_MEDIUM.pack(_TEXT, 126, size) + payload
    return _HEADER_LONG.pack(_TEXT, 127, size) + payload


async def handle(server: BayeuxServer, request: web.Request) -> web.StreamResponse:
    foreign = origin.refused(request, server.options.allowed_origins)
    if foreign is not None:
        error = error_string(403, f"websocket with cookies: {foreign}", "origin_denied")
        return web.json_response([{"successful": False, "error": error}], status=403)
    socket = web.WebSocketResponse(max_msg_size=server.options.max_message_size, autoping=True, compress=False)
    await socket.prepare(request)
    context = Context("websocket", request, request.cookies.get(server.options.browser_cookie))
    pipe = _Pipe(server, request)
    try:
        async for frame in socket:
            if frame.type == WSMsgType.TEXT or frame.type == WSMsgType.BINARY:
                try:
                    decoded = orjson.loads(frame.data)
                except orjson.JSONDecodeError as problem:
                    pipe.answer([{"successful": False, "error": error_string(400, f"malformed JSON: {problem}")}], None)
                    continue
                outcome = await server.process(decoded if isinstance(decoded, list) else [decoded], context)
                pipe.answer(outcome.replies, outcome.held)
                if pipe.paused():
                    await pipe.until_drained()  # a client that sends without reading stops being read
            elif frame.type == WSMsgType.ERROR:
                break
    finally:
        pipe.close()
    return socket


Entry = tuple[HeldConnect, asyncio.TimerHandle | None]


class _Pipe:
    """What one websocket writes: replies, pushed messages and held connects, one frame per loop turn."""

    __slots__ = ("server", "transport", "protocol", "held", "sessions", "due", "scheduled", "drain", "notify")

    def __init__(self, server: BayeuxServer, request: web.Request) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = request.transport  # type: ignore[assignment]
        self.protocol = request.protocol
        self.held: dict[asyncio.Future[None], Entry] = {}  # by the session's waiter future
        self.sessions: set[ServerSession] = set()  # those whose queue tells this pipe (`on_queued`)
        self.due: set[ServerSession] = set()  # sessions with messages to push
        self.scheduled = False
        self.drain: asyncio.Task[None] | None = None
        self.notify = self.queued  # the sessions' `on_queued`, bound once so that `is` tells whose it is

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
                self.sessions.add(session)
            waiter = held.waiter
            timer = None
            if held.timeout > 0 and not waiter.done():
                timer = asyncio.get_running_loop().call_later(held.timeout, expire, waiter)
                waiter.add_done_callback(self._woken)
            else:
                expire(waiter)
            self.held[waiter] = (held, timer)
        self._flush(replies, held)

    def paused(self) -> bool:
        """The transport's buffer is over its high-water mark: the peer is not reading fast enough."""
        return self.protocol is not None and self.protocol.writing_paused

    async def until_drained(self) -> None:
        if self.drain is None or self.drain.done():
            self.drain = asyncio.get_running_loop().create_task(self._drained())
        await self.drain

    async def _drained(self) -> None:
        """Until the transport takes what it was given, within the session expiry time, else close."""
        patience = (self.server.options.interval + self.server.options.max_interval) / 1000
        try:
            async with asyncio.timeout(patience):
                while self.paused() and self.transport is not None and not self.transport.is_closing():
                    await self.protocol._drain_helper()  # type: ignore[union-attr]  # aiohttp's own wait
        except TimeoutError:
            if self.transport is not None:
                self.transport.abort()  # half-read frames may wait: the connection cannot go on
            return
        except (ConnectionError, RuntimeError):
            return
        self._schedule()

    def close(self) -> None:
        """The socket is done: held connects are let go (their sessions can expire), nothing more is written."""
        self.transport = None
        for held, timer in self.held.values():
            if timer is not None:
                timer.cancel()
            held.waiter.remove_done_callback(self._woken)
            held.session.release(held.waiter)
        self.held.clear()
        for session in self.sessions:
            if session.on_queued is self.notify:
                session.on_queued = None
        self.sessions.clear()
        self.due.clear()
        if self.drain is not None:
            self.drain.cancel()

    def queued(self, session: ServerSession) -> None:
        """`session`'s queue is no longer empty (its `on_queued`): write at the end of this loop turn.

        A session whose messages leave only with connect replies is not pushed to: the flush answers its
        held connect, if it has one here; otherwise its next connect takes the messages."""
        if not session.connect_delivery_only:
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
        paused = self.paused()
        if not paused:
            server = self.server
            tail: list[Any] = []
            for waiter, (held, timer) in list(self.held.items()):
                session = held.session
                if waiter.done() or (session.connect_delivery_only and session.has_messages()):
                    del self.held[waiter]
                    if timer is not None:
                        timer.cancel()
                        waiter.remove_done_callback(self._woken)
                    self.due.discard(session)
                    (tail if held is last else items).extend(server.finish(held))
            if self.due:
                limit = server.options.max_reply_bytes
                for session in self.due:
                    if session.on_queued is self.notify and not session.connect_delivery_only:
                        taken = session.take(limit)
                        session.delivered(taken)
                        items.extend(fragment for fragment, _ in taken)
                self.due = {s for s in self.due if s.has_messages() and s.on_queued is self.notify}
            if replies:
                items.extend(replies)
            items.extend(tail)
        elif replies:
            items.extend(replies)
        if items:
            transport.write(text_frame(orjson.dumps(items)))
        if self.paused():
            if self.drain is None or self.drain.done():
                self.drain = asyncio.get_running_loop().create_task(self._drained())
        elif self.due:
            self._schedule()  # a backlog over the reply bound: the rest in the next frame
