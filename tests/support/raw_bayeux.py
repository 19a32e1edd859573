"""A minimal hand-written Bayeux client over raw HTTP, for testing the protocol's error paths exactly."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp


def basic(credentials: tuple[str, str]) -> dict[str, str]:
    """The Authorization header of HTTP Basic credentials."""
    token = base64.b64encode(":".join(credentials).encode()).decode()
    return {"Authorization": f"Basic {token}"}


class RawClient:
    """Posts batches as they are given and returns the decoded reply; keeps cookies like a browser."""

    def __init__(
        self,
        url: str,
        auth: tuple[str, str] | None = ("agent1@example.com", "password"),
        headers: dict[str, str] | None = None,
    ) -> None:
        self.url = url
        # unsafe=True: keep cookies of IP-address hosts such as 127.0.0.1, as browsers do.
        self.http = aiohttp.ClientSession(
            headers={**(basic(auth) if auth else {}), **(headers or {})}, cookie_jar=aiohttp.CookieJar(unsafe=True)
        )
        self.client_id: str | None = None
        self._ids = 0

    async def close(self) -> None:
        await self.http.close()

    def next_id(self) -> str:
        self._ids += 1
        return str(self._ids)

    async def post(self, body: Any, path: str = "", raw: bytes | None = None) -> tuple[int, Any]:
        data = raw if raw is not None else None
        kwargs: dict[str, Any] = {"data": data} if raw is not None else {"json": body}
        async with self.http.post(self.url + path, **kwargs) as response:
            return response.status, await response.json(content_type=None)

    async def send(self, channel: str, **fields: Any) -> dict[str, Any]:
        """Send one message (with this client's clientId) and return the reply on the same channel."""
        message = {"channel": channel, "id": self.next_id(), **fields}
        if self.client_id is not None and "clientId" not in fields:
            message["clientId"] = self.client_id
        status, replies = await self.post([message], "/" + channel.rsplit("/", 1)[-1])
        assert status == 200, (status, replies)
        return next(r for r in replies if r.get("id") == message["id"])

    async def handshake(self, ack: bool = False) -> dict[str, Any]:
        fields: dict[str, Any] = {"version": "1.0", "supportedConnectionTypes": ["long-polling"]}
        if ack:
            fields["ext"] = {"ack": True}
        reply = await self.send("/meta/handshake", **fields)
        if reply.get("successful"):
            self.client_id = reply["clientId"]
        return reply

    async def connect(self, **fields: Any) -> list[dict[str, Any]]:
        """One /meta/connect; returns the whole reply batch (delivered messages and the connect reply)."""
        message = {"channel": "/meta/connect", "clientId": self.client_id, "connectionType": "long-polling"}
        message.update(id=self.next_id(), **fields)
        status, replies = await self.post([message], "/connect")
        assert status == 200, (status, replies)
        return replies
