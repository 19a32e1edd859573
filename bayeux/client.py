"""A small Bayeux 1.0 client over long-polling or a websocket, with the acknowledge extension.

Enough to take part in a CometD conversation from Python code that is not a browser: handshake (with
whatever credentials the aiohttp session or `headers` carry), subscribe, publish, and a connect loop that
hands every delivered message to `on_message`. With the acknowledge extension (on by default) the client
echoes the batch number of each connect reply, so a reconnect loses nothing; when the server forgets the
session (`reconnect: handshake`) the client handshakes again and renews its subscriptions. After a
failed connect it tries again at once, then backs off by `backoff` seconds more at each failure.

    async with BayeuxClient(url, headers={"Authorization": "Basic ..."}, on_message=print) as client:
        await client.subscribe("/news/today")
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from .client_transport import LongPolling, Message, WebSocket

MessageListener = Callable[[dict[str, Any]], None]


class BayeuxError(Exception):
    """The server refused a meta request; `reply` is its message (with `error` in `code:args:message` form)."""

    def __init__(self, reply: dict[str, Any]) -> None:
        super().__init__(f"{reply.get('channel')}: {reply.get('error', 'refused')}")
        self.reply = reply


TRANSPORTS = ("long-polling", "websocket")


class BayeuxClient:
    """One Bayeux session over `transport` (long-polling or websocket). Use as an async context manager,
    or `start()` / `close()`."""

    def __init__(
        self,
        url: str,
        *,
        http: aiohttp.ClientSession | None = None,
        headers: Mapping[str, str] | None = None,
        on_message: MessageListener | None = None,
        on_session: Callable[[str], None] | None = None,
        ack: bool = True,
        timeout: float = 30.0,
        transport: str = "long-polling",
        backoff: float = 1.0,
    ) -> None:
        if transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}, not {transport!r}")
        self.url = url
        self.transport = transport
        self.client_id: str | None = None
        self._http = http
        self._owns_http = http is None
        self._headers = dict(headers or {})  # sent with every request: credentials, for one
        self._on_message = on_message or (lambda message: None)
        # told the new clientId when the server forgot the session and a new one holds the subscriptions
        self._on_session = on_session or (lambda client_id: None)
        self._ack = ack
        self._acked: int | None = None
        self._timeout = timeout
        self._backoff = backoff
        self._wire: LongPolling | WebSocket | None = None
        self._ids = itertools.count(1)
        self._subscriptions: list[str] = []
        self._loop_task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> BayeuxClient:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Handshake, then keep a connect outstanding until `close()`."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        if self.transport == "websocket":
            self._wire = WebSocket(self._http, self.url, self._headers, self._deliver)
        else:
            self._wire = LongPolling(self._http, self.url, self._headers)
        await self._handshake()
        self._loop_task = asyncio.create_task(self._connect_loop())

    async def close(self) -> None:
        """Disconnect politely (best effort) and release the HTTP session if this client made it."""
        task, self._loop_task = self._loop_task, None
        if self.client_id is not None and self._http is not None and not self._http.closed:
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                await self._send([{"channel": "/meta/disconnect", "clientId": self.client_id}], limit=5)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, aiohttp.ClientError):
                await task
        if self._wire is not None:
            await self._wire.close()
        if self._owns_http and self._http is not None:
            await self._http.close()

    async def subscribe(self, *channels: str) -> None:
        """Subscribe to each channel (or pattern); raises BayeuxError if one is refused."""
        for name in channels:
            await self._meta({"channel": "/meta/subscribe", "subscription": name})
            self._subscriptions.append(name)

    async def publish(self, channel: str, data: Any) -> None:
        """Publish `data` on `channel`; raises BayeuxError if the server refuses it."""
        await self._meta({"channel": channel, "data": data})

    # ------------------------------------------------------------------ protocol

    async def _handshake(self) -> None:
        message: dict[str, Any] = {
            "channel": "/meta/handshake",
            "version": "1.0",
            "supportedConnectionTypes": [self.transport],
        }
        if self._ack:
            message["ext"] = {"ack": True}
        reply = await self._meta(message, with_client=False)
        self.client_id = reply["clientId"]
        self._acked = None

    async def _meta(self, message: dict[str, Any], *, with_client: bool = True) -> dict[str, Any]:
        message = {**message, "id": str(next(self._ids))}
        if with_client:
            message["clientId"] = self.client_id
        for reply in await self._send([message]):
            if reply.get("id") == message["id"] and reply.get("channel") == message["channel"]:
                if not reply.get("successful", False):
                    raise BayeuxError(reply)
                return reply
            self._deliver(reply)
        raise BayeuxError({"channel": message["channel"], "error": "no reply"})

    async def _send(self, messages: list[Message], limit: float | None = None) -> list[Message]:
        assert self._wire is not None
        for message in messages:
            message.setdefault("id", str(next(self._ids)))
        return await self._wire.exchange(messages, limit or self._timeout + 30)

    async def _connect_loop(self) -> None:
        first = True
        delay = 0.0
        while True:
            message: dict[str, Any] = {
                "channel": "/meta/connect",
                "clientId": self.client_id,
                "connectionType": self.transport,
                "id": str(next(self._ids)),
            }
            if first:
                message["advice"] = {"timeout": 0}
            if self._ack:
                message["ext"] = {"ack": self._acked if self._acked is not None else -1}
            try:
                replies = await self._send([message])
            except (aiohttp.ClientError, TimeoutError, ValueError):
                await asyncio.sleep(delay)  # the server or the network went away for a moment
                delay = min(delay + self._backoff, 30.0)
                continue
            first = False
            delay = 0.0
            advice: dict[str, Any] = {}
            for reply in replies:
                if reply.get("channel") == "/meta/connect":
                    advice = reply.get("advice") or {}
                    batch = (reply.get("ext") or {}).get("ack")
                    if isinstance(batch, int) and not isinstance(batch, bool):
                        self._acked = batch
                else:
                    self._deliver(reply)
            reconnect = advice.get("reconnect", "retry")
            if reconnect == "none":
                return
            if reconnect == "handshake":
                await self._handshake()
                renewed, self._subscriptions = self._subscriptions, []
                await self.subscribe(*renewed)
                self._on_session(self.client_id or "")
                first = True
            interval = advice.get("interval", 0)
            if isinstance(interval, int | float) and interval > 0:
                await asyncio.sleep(interval / 1000)

    def _deliver(self, message: dict[str, Any]) -> None:
        if "data" in message and not str(message.get("channel", "")).startswith("/meta/"):
            self._on_message(message)
