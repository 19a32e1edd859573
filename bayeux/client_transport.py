"""How the Python client's batches travel: a POST each (long-polling), or frames on one websocket.

Both offer the one call the client needs, `exchange(messages)`: send a batch, return the replies to its
messages. Over long-polling the data messages that came in the same response are returned too, after
the replies they preceded; over a websocket the server pushes data messages whenever it likes, so they
go to `deliver` as their frame is read, in order, before the reply that followed them in the frame.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
import orjson

from .deadlines import Deadlines

Message = dict[str, Any]
Waiting = dict[tuple[Any, Any], "asyncio.Future[Message]"]  # (channel, id) of a message sent -> its reply


class LongPolling:
    name = "long-polling"

    def __init__(self, http: aiohttp.ClientSession, url: str, headers: Mapping[str, str]) -> None:
        self._http = http
        self._url = url
        self._headers = headers

    async def exchange(self, messages: list[Message], limit: float) -> list[Message]:
        timeout = aiohttp.ClientTimeout(total=limit)
        async with self._http.post(self._url, json=messages, headers=self._headers, timeout=timeout) as response:
            body = await response.json(content_type=None)
        return body if isinstance(body, list) else [body]

    async def close(self) -> None:
        """Nothing of its own: the connections belong to the HTTP session."""


class WebSocket:
    """One websocket, opened on the first exchange and again on the first exchange after it broke."""

    name = "websocket"

    def __init__(
        self, http: aiohttp.ClientSession, url: str, headers: Mapping[str, str], deliver: Callable[[Message], None]
    ) -> None:
        self._http = http
        self._url = url
        self._headers = headers
        self._deliver = deliver
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._opening = asyncio.Lock()
        self._waiting: Waiting = {}  # of the open socket
        self._deadlines = Deadlines()

    async def exchange(self, messages: list[Message], limit: float) -> list[Message]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        socket, waiting = self._socket, self._waiting
        if socket is None or socket.closed:
            async with asyncio.timeout_at(deadline):  # opening is rare: what this costs does not matter
                socket, waiting = await self._open()
        keys = [(message["channel"], message["id"]) for message in messages]
        futures = [waiting.setdefault(key, loop.create_future()) for key in keys]
        task = asyncio.current_task()
        assert task is not None
        bound = _Bound(task, futures)
        self._deadlines.add(bound, deadline, _Bound.expire)
        try:
            if socket.closed:  # its reader may have failed its waiters before these were added
                raise aiohttp.ClientConnectionError("the websocket closed")
            try:
                await socket.send_frame(orjson.dumps(messages), aiohttp.WSMsgType.TEXT)  # orjson's UTF-8 as it is
            except asyncio.CancelledError:
                # Part of the frame may have gone and the write was cancelled mid-way: the stream is no longer
                # one a peer can read frames from, so the socket is given up and the next batch opens another.
                self._abandon(socket)
                if bound.expired and task.uncancel() <= bound.cancelling:
                    raise TimeoutError from None
                raise
            bound.sending = False
            return [await future for future in futures]
        finally:
            self._deadlines.remove(bound)
            for key, future in zip(keys, futures, strict=True):
                waiting.pop(key, None)
                future.cancel()  # a reply nobody awaits any more (the batch failed first): not failed later

    async def close(self) -> None:
        self._deadlines.close()
        socket, self._socket = self._socket, None
        if socket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(socket.close(), 2)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    def _abandon(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        """Drop `socket` at once, without the closing handshake a backed-up socket could not send: its reader
        ends and fails the exchanges still waiting on it."""
        transport = socket.get_extra_info("transport")
        if transport is not None:
            transport.abort()
        if self._socket is socket:
            self._socket = None
            if self._reader is not None:
                self._reader.cancel()

    async def _open(self) -> tuple[aiohttp.ClientWebSocketResponse, Waiting]:
        async with self._opening:
            if self._socket is None or self._socket.closed:
                self._socket = await self._http.ws_connect(self._url, headers=self._headers, autoping=True)
                self._waiting = {}
                self._reader = asyncio.create_task(self._read(self._socket, self._waiting))
            return self._socket, self._waiting

    async def _read(self, socket: aiohttp.ClientWebSocketResponse, waiting: Waiting) -> None:
        try:
            async for frame in socket:
                if frame.type is not aiohttp.WSMsgType.TEXT and frame.type is not aiohttp.WSMsgType.BINARY:
                    continue
                decoded = orjson.loads(frame.data)
                for message in decoded if isinstance(decoded, list) else [decoded]:
                    waiter = waiting.get((message.get("channel"), message.get("id")))
                    if waiter is not None and "successful" in message and not waiter.done():
                        waiter.set_result(message)
                    else:
                        self._deliver(message)
        finally:
            # The socket is gone: every exchange still waiting on it fails, and the next one reopens.
            for waiter in waiting.values():
                if not waiter.done():
                    waiter.set_exception(aiohttp.ClientConnectionError("the websocket closed"))


class _Bound:
    """The time one exchange has, among the transport's deadlines rather than asyncio.timeout's timer at
    every batch: once it is up, a send still under way is cancelled and reported as TimeoutError, and after
    it the first reply not yet come fails with TimeoutError (the later ones, never awaited then, are left
    as they are)."""

    __slots__ = ("task", "futures", "cancelling", "sending", "expired")

    def __init__(self, task: asyncio.Task[Any], futures: list[asyncio.Future[Message]]) -> None:
        self.task = task
        self.futures = futures
        self.cancelling = task.cancelling()
        self.sending = True
        self.expired = False

    def expire(self) -> None:
        self.expired = True
        if self.sending:
            self.task.cancel()
            return
        for future in self.futures:
            if not future.done():
                future.set_exception(TimeoutError())
                return
