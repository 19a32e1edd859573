"""The aiohttp application: REST API, control API and Bayeux endpoint over one world, composed in one place."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web

import bayeux

from . import notify
from .api import routes
from .api.auth import Authenticator
from .api.keys import AUTH, CENTER, NOTIFIER, STATISTICS, WORLD
from .api.middleware import api_middleware
from .core.contact_center import ContactCenter
from .core.voice import AsyncioClock, Clock
from .core.voice.clock import TimerHandle
from .core.world import World
from .statistics import Statistics


class RunningLoop:
    """The event loop serving the app, found when asked: the app is built before `run_app` makes its loop."""

    def time(self) -> float:
        return asyncio.get_running_loop().time()

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return asyncio.get_running_loop().call_later(delay, callback)


async def _start(statistics: Statistics) -> None:
    statistics.start()  # its timers need the running loop under a real clock


def create_app(
    center: ContactCenter,
    bayeux_options: bayeux.Options | None = None,
    *,
    clock: Clock | None = None,
    base_url: str | None = None,
) -> web.Application:
    """The simulator over `center`. `clock` defaults to real time; tests and scenarios pass a
    `VirtualClock`. `base_url` is the root in documents' URIs (default: learnt from the first request)."""
    authenticator = Authenticator(center)
    server = notify.create_server(authenticator, bayeux_options)
    notifier = notify.Notifier(server, center, base_url)
    world = World(center, clock or AsyncioClock(RunningLoop()))
    world.events.subscribe(notifier)
    notifier.start()
    statistics = Statistics(center, world.clock)
    world.events.subscribe(statistics)
    app = web.Application(middlewares=[api_middleware(authenticator, excluded=(notify.PATH,))])
    app[CENTER] = center
    app[AUTH] = authenticator
    app[WORLD] = world
    app[NOTIFIER] = notifier
    app[STATISTICS] = statistics
    app.on_startup.append(lambda _app: _start(statistics))
    bayeux.mount(app, notify.PATH, server)
    routes.install(app)
    return app
