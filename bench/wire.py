"""Raw Bayeux clients for the load driver: long-polling and websocket, over aiohttp.

A full CometD client does far more per message than a benchmark needs (listeners, extensions, timers);
these clients do only the protocol: handshake, subscribe, and a `/meta/connect` loop that hands every
data message to a callback. Each keeps its own `BAYEUX_BROWSER` cookie, as separate browsers would,
because the CometD project's server finds sessions by that cookie and every server limits the long polls
one browser may hold.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson
from yarl import URL

from .http1 import Connection, HttpError

Message = dict[str, Any]
OnData = Callable[[list[Message]], None]

COOKIE = "BAYEUX_BROWSER"
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=90)


class BayeuxError(Exception):
    """A meta reply that was not successful, or a transport that failed."""


def http_session() -> aiohttp.ClientSession:
    """One client session for many Bayeux clients: no shared cookie jar, no connection cap."""
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=None, keepalive_timeout=120)
    return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=HTTP_TIMEOUT)


class Client:
    """What both transports share: ids, the meta messages and the checks of their replies."""

    transport = ""

    def __init__(self, url: str, on_data: OnData) -> None:
        self.url = url
        self.on_data = on_data
        self.client_id = ""
        self.errors = 0
        self._ids = itertools.count(1)
        self._connect_body = b""

    def _handshake_message(self) -> Message:
        return {
            "channel": "/meta/handshake",
            "version": "1.0",
            "minimumVersion": "1.0",
            "supportedConnectionTypes": [self.transport],
            "id": str(next(self._ids)),
        }

    def _accept_handshake(self, replies: list[Message]) -> None:
        reply = next((m for m in replies if m.get("channel") == "/meta/handshake"), None)
        if reply is None or not reply.get("successful"):
            raise BayeuxError(f"handshake refused: {reply}")
        self.client_id = reply["clientId"]
        self._connect_body = orjson.dumps(
            [{"channel": "/meta/connect", "clientId": self.client_id, "connectionType": self.transport}]
        )

    def _subscribe_batch(self, channels: list[str]) -> list[Message]:
        return [
            {"channel": "/meta/subscribe", "clientId": self.client_id, "subscription": name, "id": str(next(self._ids))}
            for name in channels
        ]

    def _first_connect(self) -> bytes:
        """The first connect asks for an immediate reply, as the CometD clients do."""
        message = {
            "channel": "/meta/connect",
            "clientId": self.client_id,
            "connectionType": self.transport,
            "advice": {"timeout": 0},
            "id": str(next(self._ids)),
        }
        return orjson.dumps([message])

    def publish_batch(self, channels: list[str], data: list[str]) -> bytes:
        return orjson.dumps(
            [{"channel": c, "clientId": self.client_id, "data": d} for c, d in zip(channels, data, strict=True)]
        )

    @staticmethod
    def _check_subscribed(replies: list[Message], expected: int) -> None:
        done = [m for m in replies if m.get("channel") == "/meta/subscribe"]
        if len(done) < expected or not all(m.get("successful") for m in done):
            raise BayeuxError(f"subscribe failed: {replies}")

    def _connect_failed(self, replies: list[Message]) -> bool:
        """True when a connect reply tells the client to stop (session unknown, handshake again)."""
        for message in replies:
            if message.get("channel") == "/meta/connect" and not message.get("successful", False):
                self.errors += 1
                return True
        return False


class LongPollClient(Client):
    """A client over long-polling: every batch a POST, a connect held until messages or the timeout."""

    transport = "long-polling"

    def __init__(self, url: str, on_data: OnData, http: aiohttp.ClientSession) -> None:
        super().__init__(url, on_data)
        self.http = http
        self.headers = {"Content-Type": "application/json;charset=UTF-8"}

    async def _post(self, body: bytes) -> list[Message]:
        async with self.http.post(self.url, data=body, headers=self.headers) as response:
            raw = await response.read()
            if response.status != 200:
                raise BayeuxError(f"HTTP {response.status}: {raw[:200]!r}")
            cookie = response.cookies.get(COOKIE)
            if cookie is not None:
                self.headers = {**self.headers, "Cookie": f"{COOKIE}={cookie.value}"}
        return orjson.loads(raw)

    async def start(self, channels: list[str]) -> None:
        """Handshake, subscribe, and have the first connect answered."""
        self._accept_handshake(await self._post(orjson.dumps([self._handshake_message()])))
        if channels:
            self._check_subscribed(await self._post(orjson.dumps(self._subscribe_batch(channels))), len(channels))
        replies = await self._post(self._first_connect())
        if self._connect_failed(replies):
            raise BayeuxError(f"first connect failed: {replies}")

    async def run(self) -> None:
        """Connect after connect until cancelled, handing data messages to the callback.

        The loop posts over a connection of its own with the request prepared once (see `http1`): the
        same bytes every time, with this client's cookie.
        """
        url = URL(self.url)
        host, port = url.host or "127.0.0.1", url.port or 80
        request = Connection.request(host, port, url.raw_path_qs, self._connect_body, self.headers)
        connection = Connection(host, port)
        on_data, loads = self.on_data, orjson.loads
        try:
            while True:
                try:
                    replies = loads(await connection.post(request))
                except (HttpError, OSError, orjson.JSONDecodeError):
                    self.errors += 1
                    await asyncio.sleep(0.1)
                    continue
                on_data(replies)
                if self._connect_failed(replies):
                    return
        finally:
            connection.close()

    async def send(self, body: bytes) -> list[Message]:
        return await self._post(body)

    async def close(self) -> None:
        """Nothing to close: the connections belong to the shared client session."""


class WebSocketClient(Client):
    """A client over one websocket: text frames both ways, the next connect sent as soon as one is answered."""

    transport = "websocket"

    def __init__(
        self, url: str, on_data: OnData, http: aiohttp.ClientSession, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(url, on_data)
        self.http = http
        self.headers = headers or {}  # on the upgrade request: a server that authenticates it sees credentials
        self.socket: aiohttp.ClientWebSocketResponse | None = None

    async def _receive(self) -> list[Message]:
        assert self.socket is not None
        frame = await self.socket.receive()
        if frame.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
            raise BayeuxError(f"websocket frame {frame.type!r}")
        decoded = orjson.loads(frame.data)
        return decoded if isinstance(decoded, list) else [decoded]

    async def _until(self, channel: str, count: int = 1) -> list[Message]:
        """Frames until `count` replies on a meta channel have come (data may arrive in between)."""
        seen: list[Message] = []
        while sum(1 for m in seen if m.get("channel") == channel) < count:
            seen.extend(await self._receive())
        return seen

    async def start(self, channels: list[str]) -> None:
        self.socket = await self.http.ws_connect(self.url, autoping=True, max_msg_size=1 << 24, headers=self.headers)
        await self.socket.send_str(orjson.dumps([self._handshake_message()]).decode())
        self._accept_handshake(await self._until("/meta/handshake"))
        if channels:
            await self.socket.send_str(orjson.dumps(self._subscribe_batch(channels)).decode())
            self._check_subscribed(await self._until("/meta/subscribe", len(channels)), len(channels))
        await self.socket.send_str(self._first_connect().decode())
        replies = await self._until("/meta/connect")
        if self._connect_failed(replies):
            raise BayeuxError(f"first connect failed: {replies}")
        self.on_data(replies)
        await self.socket.send_str(self._connect_body.decode())

    async def run(self) -> None:
        """Read frames until cancelled; every connect reply is followed at once by the next connect."""
        socket, on_data, body = self.socket, self.on_data, self._connect_body.decode()
        assert socket is not None
        loads = orjson.loads
        while True:
            frame = await socket.receive()
            if frame.type is not aiohttp.WSMsgType.TEXT and frame.type is not aiohttp.WSMsgType.BINARY:
                self.errors += 1
                return
            replies = loads(frame.data)
            if replies.__class__ is not list:
                replies = [replies]
            on_data(replies)
            for message in replies:
                if message.get("channel") == "/meta/connect":
                    if not message.get("successful", False):
                        self.errors += 1
                        return
                    await socket.send_str(body)

    async def send(self, body: bytes) -> None:
        assert self.socket is not None
        await self.socket.send_str(body.decode())

    async def close(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.socket.close(), 2)


CLIENTS: dict[str, type[LongPollClient] | type[WebSocketClient]] = {
    "long-polling": LongPollClient,
    "websocket": WebSocketClient,
}
