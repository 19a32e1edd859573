"""The aiohttp application: REST API, control API, Bayeux endpoint and the console over one world, composed
in one place."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

from aiohttp import web

import bayeux

from . import health, journal, notify
from .api import routes
from .api.auth import Authenticator
from .api.cors import cors_layer
from .api.crosssite import crosssite_layer
from .api.keys import AUTH, CENTER, ENGINE, NOTIFIER, RECORDED_CALLS, STATISTICS, WORLD
from .api.middleware import API, CONTROL, STATS, api_layer
from .core.clock import TimerHandle
from .core.contact_center import ContactCenter
from .core.site import SiteOptions
from .core.voice import AsyncioClock, Clock
from .core.world import World
from .engine import Engine
from .faults import FAULTS, Faults, bayeux_faults, http_faults
from .faults import control as faults_control
from .layers import compose
from .recorded_calls import RecordedCalls
from .recording import Recording
from .recording import capture as recording_capture
from .recording import control as recording_control
from .statistics import Statistics
from .web import install as install_console


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
    journal_size: int = journal.DEFAULT_SIZE,
    engine: Engine | None = None,
) -> web.Application:
    """The simulator over `center`. `clock` defaults to real time; tests and scenarios pass a
    `VirtualClock`. `base_url` is the root in documents' URIs (default: learnt from the first request).
    How the app faces browsers (CORS, CSRF, the release profile, sessions) is `center.site`.
    `journal_size` requests are kept for GET /sim/journal (0: none recorded). `engine` shares the
    simulator with other processes (see `simulator.engine`); without it everything is in this process."""
    clock = clock or AsyncioClock(RunningLoop())
    authenticator = Authenticator(center, clock.now, center.site)
    # The Bayeux server's own Origin checks (websocket upgrades, callback-polling) take the same allowed
    # origins when its options have them: see `_bayeux_options`.
    server = notify.create_server(authenticator, _bayeux_options(bayeux_options, center.site))
    feed = notify.ConsoleFeed(server if engine is None else engine.delivery(), center)
    notifier = notify.Notifier(feed, center, base_url)
    world = World(center, clock)
    world.events.subscribe(notifier)
    world.events.subscribe(feed)
    notifier.start()
    statistics = Statistics(center, world.clock)
    world.events.subscribe(statistics)
    recorded_calls = RecordedCalls(center, world.wall_time)
    world.events.subscribe(recorded_calls)
    requests = journal.Journal(journal_size)
    recording = Recording(world)
    faults = Faults(world, server)
    prefixes = (API, CONTROL, STATS)
    layers = [
        *([journal.layer(requests)] if journal_size > 0 else []),  # outermost: it records every refusal
        cors_layer(center.site, prefixes),
        crosssite_layer(center.site, prefixes, json_exempt=(notify.PATH,)),
        bayeux_faults.layer(faults, notify.PATH),
        api_layer(authenticator, excluded=(notify.PATH,)),
        http_faults.layer(faults, excluded=(notify.PATH,)),  # inside: it knows the user; outside the recording's
        recording_capture.layer(recording, excluded=(notify.PATH,)),  # innermost: it sees the user and the refusal
    ]
    app = web.Application(
        middlewares=[
            *(engine.middlewares() if engine is not None else ()),  # which process answers, before all else
            compose(layers),
        ]
    )
    app[journal.JOURNAL] = requests
    app[CENTER] = center
    app[AUTH] = authenticator
    app[WORLD] = world
    app[NOTIFIER] = notifier
    app[STATISTICS] = statistics
    app[recording_capture.RECORDING] = recording
    app[FAULTS] = faults
    app[RECORDED_CALLS] = recorded_calls
    if engine is not None:
        app[ENGINE] = engine
        engine.attach(app, server, world, authenticator)
    app.on_startup.append(lambda _app: _start(statistics))
    bayeux.mount(app, notify.PATH, server)
    routes.install(app, extra=(*journal.routes(), *recording_control.routes(), *faults_control.routes()))
    app.router.add_get(health.PATH, health.health)
    install_console(app)
    return app


def _bayeux_options(options: bayeux.Options | None, site: SiteOptions) -> bayeux.Options:
    """The Bayeux options with the site's allowed origins. Every reply goes back through the app's
    middlewares (no direct writes): the faults on demand act on connect replies as they leave."""
    return dataclasses.replace(
        options or bayeux.Options(), allowed_origins=tuple(site.allow_origins), direct_writes=False
    )
