"""Resident memory per idle Bayeux session on our server.

Each session is what a real idle client costs: a handshake, one subscription and a held `/meta/connect`
(a pending long-poll request, or an open websocket with its connect waiting). The server's RSS is read
before the sessions exist and once they all do and the server is quiet; the difference divided by the
count is the figure. It includes everything a session brings with it (socket, transport objects, request,
queue, future), which is what an operator has to provision for.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from .fanout import FanOut, Load
from .servers import ServerSpec, running


def settle(sessions: int) -> float:
    """Seconds for the server to be quiet (started, or done answering first connects) before a reading."""
    return 0.2 + sessions / 10_000


@dataclass
class MemoryResult:
    server: str
    transport: str
    sessions: int
    connected: int
    rss_before: int
    rss_after: int
    connect_seconds: float

    @property
    def per_session(self) -> float:
        """Bytes per connected session."""
        return (self.rss_after - self.rss_before) / self.connected if self.connected else 0.0


async def measure(spec: ServerSpec, transport: str, sessions: int, root: Path) -> MemoryResult:
    async with running(spec, root) as server:
        await asyncio.sleep(settle(sessions))
        before = server.rss()
        load = Load(clients=sessions, rooms=100, per_client=1, drivers=1)
        async with FanOut(server, transport, load, root) as fan:
            await asyncio.sleep(settle(sessions))
            after = server.rss()
            return MemoryResult(spec.label, transport, sessions, fan.connected, before, after, fan.connect_seconds)
