"""The simulator a scenario runs against: one started in this process on a virtual clock, or a running one.

Either way it is reached over HTTP, so a run exercises the whole stack. Time moves through the control
API: a virtual clock is advanced with `POST /sim/clock {"advance": s}`; a real clock is waited for.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from ..center_file import load, load_default
from ..core.voice import VirtualClock
from . import values
from .agent import RestClient, basic_auth


class Simulator:
    """A simulator's base URL, its admin credentials for /sim, and whether its clock is virtual."""

    def __init__(self, url: str, http: RestClient, admin: tuple[str, str], virtual: bool) -> None:
        self.url = url.rstrip("/")
        self.virtual = virtual
        self._http = http
        self._headers = basic_auth(*admin)
        self._virtual_now = 0.0

    @property
    def tolerance(self) -> float:
        """How far an expected number may be from the one found: 0 on a virtual clock."""
        return 0.0 if self.virtual else values.REAL_CLOCK_TOLERANCE

    async def control(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """A request to the control API (or any path) with the admin's credentials: (HTTP status, JSON body)."""
        return await self._http.exchange(method, self.url + path, body, self._headers)

    async def advance(self, seconds: float) -> None:
        """Let `seconds` of simulated time pass: advance a virtual clock, or wait in real time."""
        if not self.virtual:
            await asyncio.sleep(seconds)
            return
        status, body = await self.control("POST", "/sim/clock", {"advance": seconds})
        if status != 200:
            raise RuntimeError(f"POST /sim/clock answered {status}: {body}")
        self._virtual_now = float(body.get("clock", {}).get("now", self._virtual_now + seconds))

    def now(self) -> float:
        """Simulated seconds: the virtual clock's time, or the event loop's."""
        return self._virtual_now if self.virtual else asyncio.get_running_loop().time()


@asynccontextmanager
async def in_process(contact_center: str | None, admin: tuple[str, str]) -> AsyncIterator[Simulator]:
    """A fresh simulator on a virtual clock, served on a loopback port for the length of the block."""
    from ..app import create_app  # the application imports the whole API: only runs need it

    center = load(contact_center) if contact_center else load_default()
    app = create_app(center, clock=VirtualClock())
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    http = RestClient()
    try:
        yield Simulator(f"http://127.0.0.1:{port}", http, admin, virtual=True)
    finally:
        await http.close()
        await runner.cleanup()


@asynccontextmanager
async def running(url: str, admin: tuple[str, str]) -> AsyncIterator[Simulator]:
    """A simulator already running at `url`, reset to its contact center as loaded (so every run starts from
    the same world, whatever ran before); its clock's mode is read from /sim/state."""
    http = RestClient()
    try:
        simulator = Simulator(url, http, admin, virtual=False)
        status, body = await simulator.control("POST", "/sim/reset")
        if status != 200:
            raise RuntimeError(f"{url}: POST /sim/reset answered {status}: {body.get('statusMessage', body)}")
        status, body = await simulator.control("GET", "/sim/state")
        if status != 200:
            raise RuntimeError(f"{url}: GET /sim/state answered {status}: {body.get('statusMessage', body)}")
        clock = body.get("state", {}).get("clock", {})
        simulator.virtual = clock.get("mode") == "virtual"
        simulator._virtual_now = float(clock.get("now", 0.0))
        yield simulator
    finally:
        await http.close()
