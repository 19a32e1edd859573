"""Shared fixtures: a real simulator listening on a real loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

import bayeux
from simulator.app import create_app
from simulator.center_file import load_default
from simulator.core.contact_center import ContactCenter
from simulator.core.site import SiteOptions
from simulator.core.voice import Clock

AGENT1 = ("agent1@example.com", "password")
AGENT2 = ("agent2@example.com", "password")

pytest_plugins = ["cluster_fixtures"]  # redis_url, cluster, http: for tests/cluster


@dataclass
class LiveServer:
    """A simulator served over HTTP on 127.0.0.1, and its Bayeux server for publishing from tests."""

    url: str
    app: web.Application

    @property
    def bayeux(self) -> bayeux.BayeuxServer:
        return self.app[bayeux.SERVER_KEY]

    @property
    def notifications_url(self) -> str:
        return f"{self.url}/api/v2/notifications"

    def user_id(self, user_name: str) -> str:
        from simulator.api.keys import CENTER

        user = self.app[CENTER].user_named(user_name)
        assert user is not None, user_name
        return user.id


async def start_server(
    options: bayeux.Options | None = None,
    prepare: Callable[[web.Application], None] | None = None,
    clock: Clock | None = None,
    center: ContactCenter | None = None,
) -> tuple[web.AppRunner, LiveServer]:
    """Serve a fresh simulator; `prepare` may add routes first, while the app's router can still change.
    `clock` is real time unless a test brings a `VirtualClock` to move with POST /sim/clock; `center` is
    the built-in contact center unless a test brings its own."""
    app = create_app(center or load_default(), options, clock=clock)
    if prepare is not None:
        prepare(app)
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, LiveServer(f"http://127.0.0.1:{port}", app)


@pytest.fixture
async def live_server() -> AsyncIterator[LiveServer]:
    runner, server = await start_server()
    yield server
    await runner.cleanup()


@pytest.fixture
async def server_factory() -> AsyncIterator[Callable]:
    """Start simulators with custom Bayeux options; all are stopped when the test ends."""
    runners: list[web.AppRunner] = []

    async def make(options: bayeux.Options) -> LiveServer:
        runner, server = await start_server(options)
        runners.append(runner)
        return server

    yield make
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def serve() -> AsyncIterator[Callable]:
    """`await serve(clock=None, **site_options)`: a simulator whose contact center has those server options
    (`SiteOptions`: allowed origins, CSRF, session lifetimes...), on real time unless given a clock."""
    runners: list[web.AppRunner] = []

    async def make(clock: Clock | None = None, **options: Any) -> LiveServer:
        center = load_default()
        center.site = SiteOptions(**options)
        runner, server = await start_server(center=center, clock=clock)
        runners.append(runner)
        return server

    yield make
    for runner in runners:
        await runner.cleanup()


from bayeux_harness import bare  # noqa: E402,F401  (fixture: a Bayeux server alone in a bare app)


@pytest.fixture
async def rest(live_server: LiveServer) -> AsyncIterator[Callable]:
    """`rest(user)`: a REST client of the live server authenticated as `user` (None: anonymous)."""
    import aiohttp
    from rest_client import PASSWORD, Rest

    async with aiohttp.ClientSession() as http:

        def client(user: str | None, password: str = PASSWORD) -> Rest:
            return Rest(http, live_server.url, user, password)

        yield client
