"""Where the simulator's state lives: in this process (the default), or shared over Redis by a cluster.

`create_app` takes an `Engine` for the second case and composes it in one place: the engine says where
the notifier's documents go, adds its middleware in front of the others, and hooks itself to the Bayeux
server, the World and the authenticator. Without one, nothing of this module's second half is imported,
so the default needs nothing installed.
"""

from __future__ import annotations

from typing import Any, Protocol

from aiohttp import web

import bayeux

from .api.auth import Authenticator
from .core.site import is_engine
from .core.world import World
from .notify.notifier import Delivery

MEMORY = "memory"


class Engine(Protocol):
    """A cluster's share of one process: see `simulator.cluster.RedisEngine`."""

    def delivery(self) -> Delivery:
        """Where the World's notifier delivers (instead of this process's Bayeux server)."""
        ...

    def middlewares(self) -> list[Any]:
        """Middlewares in front of every other (they decide which process answers)."""
        ...

    def attach(self, app: web.Application, server: bayeux.BayeuxServer, world: World, auth: Authenticator) -> None:
        """Hook to the composed application, before it starts."""
        ...

    async def start(self, url: str) -> None:
        """Join the cluster once this process listens at `url`."""
        ...

    async def stop(self) -> None: ...

    def health(self) -> dict[str, Any]:
        """What `/health` says about the cluster."""
        ...


class EngineError(ValueError):
    """An engine URL that cannot be used, with why."""


def open_engine(url: str | None) -> Engine | None:
    """The engine an `--engine` URL names: None for `memory` (or nothing), a Redis cluster for
    `redis://HOST:PORT[/DB]`."""
    if not url or url == MEMORY:
        return None
    if not is_engine(url):
        raise EngineError(f"--engine {url!r}: expected {MEMORY} or redis://HOST:PORT")
    try:
        from .cluster import RedisEngine
    except ImportError as problem:
        raise EngineError(
            f"--engine {url}: the redis package is not installed ({problem.name}); pip install 'gws-simulator[redis]'"
        ) from None
    return RedisEngine(url)
