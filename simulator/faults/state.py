"""The faults in force in one application: the plan, the seeded generators that decide each draw, what
was injected so far, and the rate limit's windows.

Every rule draws from a generator of its own, seeded from the plan's seed and the rule's place, so one
rule's draws never shift another's and the same requests in the same order meet the same faults. The
rate limit and `dropEvery` count simulated time (the World's clock), so on a virtual clock they fall at
the same points of a run every time; latency and late connects are real time, as a network's are.
"""

from __future__ import annotations

import asyncio
import fnmatch
import math
import random
from collections import deque
from typing import Any

from aiohttp import web

import bayeux

from ..api.responses import Failure
from ..core.clock import TimerHandle
from ..core.refusals import INVALID
from ..core.world import World
from .plan import FaultPlan, document

KINDS = ("latency", "errors", "rateLimited", "dropped", "late")


def matches(pattern: str, method: str | None, request_method: str, path: str) -> bool:
    return (method is None or method == request_method) and fnmatch.fnmatchcase(path, pattern)


class Faults:
    def __init__(self, world: World, server: bayeux.BayeuxServer) -> None:
        self.world = world
        self.server = server
        self.plan = FaultPlan()
        self.injected = dict.fromkeys(KINDS, 0)
        self._randoms: dict[str, random.Random] = {}
        self._windows: dict[str, deque[float]] = {}
        self._drop_timer: TimerHandle | None = None
        self.to_drop: set[str] = set()  # Bayeux sessions whose next connect reply is lost with its connection
        self.sockets: set[asyncio.BaseTransport] = set()  # the websockets open now, to cut at a drop
        self._pruned_at = 0  # how many sockets were kept when closed ones were last forgotten

    # ------------------------------------------------------------------ the plan

    def apply(self, plan: FaultPlan) -> None:
        """Put `plan` in force instead of the one before: services it names go down, those only the old
        one named come back up. Every service is found before any changes."""
        down = [self._service_id(name, f"servicesDown[{i}]") for i, name in enumerate(plan.services_down)]
        was_down = [self._service_id(name, "") for name in self.plan.services_down if self._known(name)]
        self.plan = plan
        self.injected = dict.fromkeys(KINDS, 0)
        self._randoms = {}
        self._windows = {}
        self.to_drop = set()
        for service_id in was_down:
            if service_id not in down:
                self.world.set_service_state(service_id, "Active")
        for service_id in down:
            self.world.set_service_state(service_id, "Inactive")
        if self._drop_timer is not None:
            self._drop_timer.cancel()
            self._drop_timer = None
        if plan.bayeux.drop_every is not None:
            self._arm(plan.bayeux.drop_every)

    def document(self) -> dict[str, Any]:
        """The plan as it was given, with what was injected since it was put in force."""
        return {**document(self.plan), "injected": dict(self.injected)}

    def _known(self, name: str) -> bool:
        return any(name in (service.id, service.name) for service in self.world.center.services.values())

    def _service_id(self, name: str, where: str) -> str:
        for service in self.world.center.services.values():
            if name in (service.id, service.name):
                return service.id
        known = ", ".join(service.name for service in self.world.center.services.values())
        raise Failure(INVALID, f"{where}: no service {name!r} (services: {known})")

    # ------------------------------------------------------------------ draws

    def draw(self, rule: str) -> random.Random:
        """The generator of one rule (`latency[0]`, `errors[1]`, `bayeux.dropRate`...)."""
        generator = self._randoms.get(rule)
        if generator is None:
            generator = self._randoms[rule] = random.Random(f"{self.plan.seed}:{rule}")
        return generator

    def count(self, kind: str) -> None:
        self.injected[kind] += 1

    # ------------------------------------------------------------------ the rate limit

    def over_limit(self, key: str) -> float | None:
        """None when one more request of `key` (a user) fits in the window; else seconds until it would."""
        limit = self.plan.rate_limit
        if limit is None:
            return None
        now = self.world.clock.now()
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - limit.per:
            window.popleft()
        if len(window) >= limit.requests:
            return max(1.0, math.ceil(window[0] + limit.per - now))
        window.append(now)
        return None

    # ------------------------------------------------------------------ dropped connections

    def watch(self, socket: asyncio.BaseTransport) -> None:
        """Keep an open websocket's connection, to cut at a drop. Closed ones are forgotten each time the set
        has doubled, so opening one costs the same however many are open."""
        if len(self.sockets) >= 2 * self._pruned_at:
            self.sockets.difference_update([kept for kept in self.sockets if kept.is_closing()])
            self._pruned_at = max(len(self.sockets), 16)
        self.sockets.add(socket)

    def _arm(self, every: float) -> None:
        def tick() -> None:
            self.to_drop = set(self.server.sessions)
            for socket in tuple(self.sockets):
                self.sockets.discard(socket)
                if not socket.is_closing():
                    self.count("dropped")
                    socket.close()
            self._arm(every)

        self._drop_timer = self.world.clock.call_later(every, tick)


FAULTS = web.AppKey("faults", Faults)
