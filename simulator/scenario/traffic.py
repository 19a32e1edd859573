"""Inbound traffic as load tools describe it: gaps between arrivals, talk time, wrap-up time and the
customers' patience as distributions, drawn from a seeded generator so a run repeats exactly.

Customers call a number (a queue's, usually) for `duration` simulated seconds; a customer not answered
within their patience hangs up (abandons). The agents of the step behave like a disciplined workforce:
an agent whose phone rings answers at once, talks for a drawn time, hangs up, enters AfterCallWork for a
drawn wrap-up time and goes Ready again. Every action goes through the simulator's HTTP API, and agents
learn of calls from their own Bayeux notifications, so the traffic exercises the whole stack; between
actions the virtual clock jumps straight to the next one, which is why an hour runs in seconds.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from .agent import AgentClient
from .model import TrafficSpec
from .target import Simulator

CALLERS = "+1555"  # customers are numbered from this prefix
INTERVAL = 60.0  # simulated seconds between two lines of a traffic step's live report
CALLS = "/v2/me/calls"
RINGING = {"notificationType": "StatusChange", "call.state": "Ringing"}


@dataclass
class TrafficCounters:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    total_wait: float = 0.0
    longest_wait: float = 0.0
    handled: dict[str, int] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        return {
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "averageWait": round(self.total_wait / self.answered, 3) if self.answered else 0.0,
            "longestWait": round(self.longest_wait, 3),
            "handled": dict(self.handled),
        }


@dataclass(frozen=True)
class TrafficLine:
    """The traffic of one step as it stood `time` simulated seconds after it began, like one of SIPp's
    periodic lines: calls offered, answered and abandoned so far, waiting now (queued or ringing), and the
    average and longest wait of the answered ones. `final` for the line at the end of the step."""

    time: float
    to: str
    offered: int
    answered: int
    abandoned: int
    waiting: int
    average_wait: float
    longest_wait: float
    final: bool = False


IntervalListener = Callable[[TrafficLine], None]


class TrafficRun:
    """One traffic step being played: a queue of timed actions, applied in time order. With `on_interval`,
    it is told a `TrafficLine` every `interval` simulated seconds, and at the end."""

    def __init__(
        self,
        spec: TrafficSpec,
        to: str,
        simulator: Simulator,
        agents: dict[str, AgentClient],
        on_interval: IntervalListener | None = None,
        interval: float = INTERVAL,
    ) -> None:
        self.spec = spec
        self.on_interval = on_interval
        self.interval = interval
        self.to = to
        self.simulator = simulator
        self.agents = agents
        self.random = random.Random(spec.seed)
        self.counters = TrafficCounters(handled=dict.fromkeys(agents, 0))
        self._events: list[tuple[float, int, Callable[[], Awaitable[None]]]] = []
        self._seq = itertools.count()
        self._arrived: dict[str, float] = {}  # call id -> arrival time, until answered or abandoned
        self._customers = itertools.count(1)
        # agents Ready and without a call: only they can be offered one, so only they are checked after an
        # arrival; an agent going Ready again is checked alone. Hang-ups and abandons ring nobody.
        self._free: dict[str, AgentClient] = dict(agents)
        self._by_device = {agent.variables.get("deviceId"): name for name, agent in agents.items()}
        self._check: dict[str, AgentClient] = {}
        self._rung: str | None = None  # the call that rang the agents to check, set with them by an arrival

    async def play(self) -> dict[str, Any]:
        start = self._start = self.simulator.now()
        self._at(start + self.spec.arrivals.draw(self.random), self._arrival)
        self._end = start + self.spec.duration
        report = start + self.interval
        while self._events:
            when, _, action = heapq.heappop(self._events)
            if isinstance(action, _Abandon) and action.call_id not in self._arrived:
                continue  # answered in time: no need to move the clock there
            while self.on_interval is not None and report < when:  # every action up to the line is done
                if report > self.simulator.now():
                    await self.simulator.advance(report - self.simulator.now())
                self.on_interval(self._line(report - start))
                report += self.interval
            if when > self.simulator.now():
                await self.simulator.advance(when - self.simulator.now())
            await action()
            if self._check:
                await self._react()
        if self.on_interval is not None:
            self.on_interval(self._line(self.simulator.now() - start, final=True))
        return self.counters.document()

    def _line(self, time: float, final: bool = False) -> TrafficLine:
        counters = self.counters
        average = counters.total_wait / counters.answered if counters.answered else 0.0
        return TrafficLine(
            round(time, 3), self.to, counters.offered, counters.answered, counters.abandoned, len(self._arrived),
            round(average, 3), round(counters.longest_wait, 3), final,
        )  # fmt: skip

    def _at(self, when: float, action: Callable[[], Awaitable[None]]) -> None:
        heapq.heappush(self._events, (when, next(self._seq), action))

    async def _arrival(self) -> None:
        now = self.simulator.now()
        if now >= self._end:
            return
        caller = f"{CALLERS}{next(self._customers):07d}"
        status, body = await self.simulator.control("POST", "/sim/calls", {"from": caller, "to": self.to})
        if status != 200:
            raise RuntimeError(f"POST /sim/calls to {self.to}: HTTP {status} {body.get('statusMessage', body)}")
        call_id = str(body["id"])
        self._check = self._rung_by(body.get("call"))
        self._rung = call_id
        self.counters.offered += 1
        self._arrived[call_id] = now
        patience = self.spec.patience.draw(self.random)
        self._at(now + patience, _Abandon(self, call_id, caller))
        self._at(now + self.spec.arrivals.draw(self.random), self._arrival)

    def _rung_by(self, call: dict[str, Any] | None) -> dict[str, AgentClient]:
        """The agents whose phone the new call rang, from the call with its parties that placing it
        answered: only they need reading, however many agents the step has."""
        if call is None:
            return {}  # over already (a busy number)
        devices = {party.get("device") for party in call["parties"] if party.get("role") == "agent"}
        names = [self._by_device[device] for device in devices if device in self._by_device]
        return {name: self._free[name] for name in names if name in self._free}

    async def _abandon(self, call_id: str, caller: str) -> None:
        if call_id not in self._arrived:
            return  # answered in time
        del self._arrived[call_id]
        self.counters.abandoned += 1
        await self.simulator.control("POST", f"/sim/calls/{call_id}", {"operationName": "Hangup", "party": caller})

    async def _react(self) -> None:
        """Agents whose phone rang answer, once every notification caused so far has come. After an
        arrival that is once the call's Ringing has come (the server delivers in order, so all the agent was
        told before comes first), sparing a marker's round trip; an agent going Ready is offered the oldest
        waiting call or nothing, which only a marker tells apart. With no call waiting, nothing can ring."""
        checked, self._check = self._check, {}
        rung, self._rung = self._rung, None
        if not self._arrived:
            return
        if rung is not None:  # the call's Ringing comes after all the agent was told before
            wanted = {**RINGING, "call.id": rung}
            await _together([agent.until(CALLS, wanted) for agent in checked.values()])
        else:
            await _together([agent.settle() for agent in checked.values()])
        for name, agent in checked.items():
            while (ringing := agent.take(CALLS, RINGING)) is not None:
                await self._answer(name, agent, str(ringing["call"]["id"]))

    async def _answer(self, name: str, agent: AgentClient, call_id: str) -> None:
        arrived = self._arrived.pop(call_id, None)
        status, body = await agent.request("POST", f"/api/v2/me/calls/{call_id}", {"operationName": "Answer"})
        if status != 200 or arrived is None:
            return  # the customer gave up while it rang
        self._free.pop(name, None)
        wait = self.simulator.now() - arrived
        self.counters.answered += 1
        self.counters.total_wait += wait
        self.counters.longest_wait = max(self.counters.longest_wait, wait)
        self.counters.handled[name] += 1
        talk = self.spec.talk.draw(self.random)
        self._at(self.simulator.now() + talk, lambda: self._hang_up(name, agent, call_id))

    async def _hang_up(self, name: str, agent: AgentClient, call_id: str) -> None:
        # after-call work first: free and Ready for an instant, the agent would be offered the next call
        await agent.request("POST", "/api/v2/me", {"operationName": "AfterCallWork"})
        await agent.request("POST", f"/api/v2/me/calls/{call_id}", {"operationName": "Hangup"})
        wrap_up = self.spec.wrap_up.draw(self.random)
        self._at(self.simulator.now() + wrap_up, lambda: self._ready(name, agent))

    async def _ready(self, name: str, agent: AgentClient) -> None:
        await agent.request("POST", "/api/v2/me", {"operationName": "Ready"})
        self._free[name] = agent
        self._check, self._rung = {name: agent}, None  # offered the oldest waiting call, if any: unknown here


async def _together(waits: list[Coroutine[Any, Any, None]]) -> None:
    """Every wait in `waits` done, at once; one (the usual case: a call rings one agent) is awaited
    as it is, without the task gather would make of it."""
    if len(waits) == 1:
        await waits[0]
    else:
        await asyncio.gather(*waits)


@dataclass(frozen=True)
class _Abandon:
    """A customer's patience running out: an action the run can see is moot once the call was answered."""

    run: TrafficRun
    call_id: str
    caller: str

    def __call__(self) -> Awaitable[None]:
        return self.run._abandon(self.call_id, self.caller)
