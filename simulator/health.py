"""`GET /health`: whether the simulator is up, for load balancers, container checks and test harnesses.

No credentials, nothing computed: the version, the contact center's name and the clock's mode, and when
the simulator is shared by several processes, this process's view of the cluster (`cluster`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import __version__
from .api.keys import CENTER, ENGINE, WORLD
from .api.responses import json_response
from .core.voice import VirtualClock

PATH = "/health"


async def health(request: web.Request) -> web.Response:
    clock = "virtual" if isinstance(request.app[WORLD].clock, VirtualClock) else "real"
    body: dict[str, Any] = {
        "status": "ok",
        "version": __version__,
        "contactCenter": request.app[CENTER].name,
        "clock": clock,
    }
    engine = request.app.get(ENGINE)
    if engine is not None:
        body["cluster"] = engine.health()
    return json_response(200, body)
