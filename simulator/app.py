"""The aiohttp application: REST API, control API and Bayeux endpoint over one world, composed in one place."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web

import bayeux

from . import health, journal, notify
from .api import routes
from .api.auth import Authenticator
from .api.keys import AUTH, CENTER, NOTIFIER, WORLD
from .api.middleware import api_middleware
from .core.contact_center import ContactCenter
from .core.voice import AsyncioClock, Clock
from .core.voice.clock import TimerHandle
from .core.world import World


class RunningLoop:
    """The event loop serving the app, found when asked: the app is built before `run_app` makes its loop."""

    def time(self) -> float:
        return asyncio.get_running_loop().time()

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return asyncio.get_running_loop().call_later(delay, callback)


def create_app(
    center: ContactCenter,
    bayeux_options: bayeux.Options | None = None,
    *,
    clock: Clock | None = None,
    base_url: str | None = None,
    journal_size: int = journal.DEFAULT_SIZE,
) -> web.Application:
    """The simulator over `center`. `clock` defaults to real time; tests and scenarios pass a
    `VirtualClock`. `base_url` is the root in documents' URIs (default: learnt from the first request).
    `journal_size` requests are kept for GET /sim/journal (0: none recorded)."""
    authenticator = Authenticator(center)
    server = notify.create_server(authenticator, bayeux_options)
    notifier = notify.Notifier(server, center, base_url)
    world = World(center, clock or AsyncioClock(RunningLoop()))
    world.events.subscribe(notifier)
    notifier.start()
    requests = journal.Journal(journal_size)
    recording = [journal.middleware(requests)] if journal_size > 0 else []
    app = web.Application(middlewares=[*recording, api_middleware(authenticator, excluded=(notify.PATH,))])
    app[journal.JOURNAL] = requests
    app[CENTER] = center
    app[AUTH] = authenticator
    app[WORLD] = world
    app[NOTIFIER] = notifier
    bayeux.mount(app, notify.PATH, server)
    table = routes.install(app)
    for route in journal.routes():
        table.add(route)  # in the OpenAPI document too
        app.router.add_route(route.method, route.full_path, route.handler)
    app.router.add_get(health.PATH, health.health)
    return app
