"""A Bayeux server mounted alone in a bare aiohttp application, for protocol-level tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from raw_bayeux import RawClient

import bayeux

WAIT = 10  # seconds: the bound of every wait on an expected event
USER_HEADER = "X-User"


class ByUserHeader(bayeux.SecurityPolicy):
    """Credentials reduced to a header naming the user: what an application's authentication decides."""

    async def authenticate(self, request: web.Request, message: dict[str, Any]) -> str | None:
        return request.headers.get(USER_HEADER)


class Harness:
    def __init__(self, server: bayeux.BayeuxServer, url: str) -> None:
        self.server = server
        self.url = url
        self.removed: dict[str, asyncio.Future[str]] = {}
        server.on_removed(self._on_removed)

    def _on_removed(self, session: bayeux.ServerSession, reason: str) -> None:
        future = self.removed.setdefault(session.id, asyncio.get_running_loop().create_future())
        if not future.done():
            future.set_result(reason)

    async def wait_removed(self, client_id: str) -> str:
        future = self.removed.setdefault(client_id, asyncio.get_running_loop().create_future())
        return await asyncio.wait_for(future, WAIT)


@pytest.fixture
async def bare() -> AsyncIterator[Callable[..., Any]]:
    """Mount a Bayeux server at /cometd in an application that has nothing else."""
    runners: list[web.AppRunner] = []
    clients: list[RawClient] = []

    async def make(policy: bayeux.SecurityPolicy | None = None, **options: Any) -> tuple[Harness, Callable]:
        server = bayeux.BayeuxServer(bayeux.Options(**options), policy)
        app = web.Application()
        bayeux.mount(app, "/cometd", server)
        runner = web.AppRunner(app, handler_cancellation=True)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        harness = Harness(server, f"http://127.0.0.1:{port}/cometd")

        def client(user: str | None = None) -> RawClient:
            made = RawClient(harness.url, auth=None, headers={USER_HEADER: user} if user else None)
            clients.append(made)
            return made

        return harness, client

    yield make
    for made in clients:
        await made.close()
    for runner in runners:
        await runner.cleanup()


async def until(condition: Callable[[], bool]) -> None:
    """Wait, within the bound, for a condition that the server's own progress makes true."""
    async with asyncio.timeout(WAIT):
        while not condition():  # noqa: ASYNC110 - server state with no event of its own
            await asyncio.sleep(0.005)


async def subscribed(client: RawClient, channel: str, ack: bool = False) -> None:
    assert (await client.handshake(ack=ack))["successful"]
    first = await client.connect()
    assert first[-1]["successful"], first
    reply = await client.send("/meta/subscribe", subscription=channel)
    assert reply["successful"], reply
