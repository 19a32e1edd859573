"""A small REST client for tests: requests to /api/v2 as any user of the default contact center.

The `rest` fixture of conftest.py gives one per user: `rest(ADMIN)`, `rest(AGENT1)`, `rest(None)`.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

PASSWORD = "password"
ADMIN = "admin@example.com"
SUPERVISOR = "supervisor@example.com"
AGENT1 = "agent1@example.com"
AGENT2 = "agent2@example.com"
AGENT3 = "agent3@example.com"


def browser() -> aiohttp.ClientSession:
    """A client that keeps the cookies of 127.0.0.1 (an IP address) as a browser does."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


def basic(user: str, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    headers: Any

    @property
    def code(self) -> int:
        return self.body["statusCode"]

    @property
    def message(self) -> str:
        return self.body["statusMessage"]


class Rest:
    """Requests to /api/v2 as one user (or anonymously when `user` is None)."""

    def __init__(self, http: aiohttp.ClientSession, url: str, user: str | None, password: str = PASSWORD) -> None:
        self.http = http
        self.base = f"{url}/api/v2"
        self.headers = basic(user, password) if user else {}

    async def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        data: bytes | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        url = path if path.startswith("http") else self.base + path
        async with self.http.request(
            method, url, json=json, data=data, params=params, headers={**self.headers, **(headers or {})}
        ) as response:
            body = await response.json(content_type=None)
            return Reply(response.status, body, response.headers)

    async def get(self, path: str, **params: str) -> Reply:
        return await self.request("GET", path, params=params or None)

    async def post(self, path: str, json: Any = None, data: bytes | None = None) -> Reply:
        return await self.request("POST", path, json=json, data=data)

    async def put(self, path: str, json: Any = None, data: bytes | None = None) -> Reply:
        return await self.request("PUT", path, json=json, data=data)

    async def delete(self, path: str, json: Any = None) -> Reply:
        return await self.request("DELETE", path, json=json)

    async def ok(self, method: str, path: str, json: Any = None, **params: str) -> dict[str, Any]:
        """The body of a request that must succeed with statusCode 0."""
        reply = await self.request(method, path, json=json, params=params or None)
        assert reply.status == 200 and reply.code == 0, (method, path, reply.status, reply.body)
        return reply.body


@asynccontextmanager
async def serving(center) -> AsyncIterator[str]:
    """A simulator of `center` on a loopback port, for tests that need a contact center of their own."""
    from aiohttp import web

    from simulator.app import create_app

    runner = web.AppRunner(create_app(center))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


def id_of(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[1]
