"""Running a scenario: log its agents in, then play its steps in order, stopping at the first that fails.

Time: against a virtual clock, a notification expected `within` seconds is looked for after each small
advance of the clock (`TICK`), so timers fire in the order they would in real time and the wait ends at
the first match; `wait` advances the clock at once. Against a real clock both are waited for in real
time. A step's timing is reported in real milliseconds and in simulated seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass, field
from typing import Any

from . import statistic, target, values
from .agent import AgentClient, LoginRefused
from .model import (
    VISITOR_ACTIONS,
    WORLD_ACTIONS,
    Email,
    Expect,
    ExpectStatistic,
    Operation,
    Reply,
    Request,
    Scenario,
    Step,
    Traffic,
    Visitor,
    Wait,
    World,
)
from .traffic import INTERVAL, TrafficLine, TrafficRun

TICK = 0.5  # simulated seconds between looks for an expected notification on a virtual clock


class StepFailed(Exception):
    """A step did not get what it expected; the message says what it got instead."""


@dataclass
class StepResult:
    step: Step
    passed: bool
    message: str
    real: float  # seconds of wall time
    simulated: float  # the simulator's time when the step ended, from the scenario's start


@dataclass
class ScenarioResult:
    scenario: Scenario
    copy: int = 0
    steps: list[StepResult] = field(default_factory=list)
    error: str | None = None  # the run could not start or broke outside a step
    saved: dict[str, Any] = field(default_factory=dict)  # what steps saved with `save:`, by name
    real: float = 0.0

    @property
    def passed(self) -> bool:
        return self.error is None and len(self.steps) == len(self.scenario.steps) and all(s.passed for s in self.steps)

    @property
    def failure(self) -> str | None:
        if self.error is not None:
            return self.error
        for result in self.steps:
            if not result.passed:
                return f"step {result.step.number} (line {result.step.line}) {result.step.describe()}: {result.message}"
        return None


StepListener = Callable[[ScenarioResult, StepResult], None]


@dataclass
class TrafficWatch:
    """Who is told a traffic step's lines (`listener(result, step, line)`), every `interval` simulated s."""

    listener: Callable[[ScenarioResult, Traffic, TrafficLine], None]
    interval: float = INTERVAL


async def run(
    scenario: Scenario,
    url: str | None = None,
    copy: int = 0,
    on_step: StepListener | None = None,
    watch: TrafficWatch | None = None,
) -> ScenarioResult:
    """Run the scenario on a fresh in-process simulator (virtual clock), or against the one at `url`;
    `watch` is told how each traffic step goes as it goes."""
    result = ScenarioResult(scenario, copy)
    started = time.perf_counter()
    try:
        async with AsyncExitStack() as stack:
            if url is None:
                simulator = await stack.enter_async_context(target.in_process(scenario.contact_center, scenario.admin))
            else:
                simulator = await stack.enter_async_context(target.running(url, scenario.admin))
            play = _Play(scenario, simulator, result, on_step, stack, watch)
            play.acknowledge = acknowledging(scenario, url)
            await play.play()
    except Exception as problem:  # the report must say what broke, whatever it was
        prefix = "" if result.steps else "could not start: "
        result.error = f"{prefix}{type(problem).__name__}: {problem}"
        if isinstance(problem, LoginRefused) and url is not None and scenario.contact_center is not None:
            result.error += (
                f"; with --url the scenario's contactCenter ({scenario.contact_center}) is not loaded: run it "
                f"against `gwsim serve --contact-center {scenario.contact_center}`"
            )
    result.real = time.perf_counter() - started
    return result


def acknowledging(scenario: Scenario, url: str | None) -> bool:
    """Whether the agents' Bayeux clients use the acknowledge extension: whenever a notification could be
    lost on its way. Against a simulator at `url`, the network between may drop a connection; in process,
    only injected faults do, so the extension is used when the scenario puts a fault plan in force (its
    `faults:` section, or a request step on /sim/faults, or one whose path is only known when it runs).
    Otherwise a delivery costs one frame instead of a frame and a connect, about a tenth of a long traffic
    run's time."""
    if url is not None or scenario.faults is not None:
        return True
    for step in scenario.steps:
        path = getattr(step, "path", None)
        if isinstance(step, Request) and (not isinstance(path, str) or "${" in path or "/sim/faults" in path):
            return True
    return False


class _Play:
    def __init__(
        self,
        scenario: Scenario,
        simulator: target.Simulator,
        result: ScenarioResult,
        on_step: StepListener | None,
        stack: AsyncExitStack,
        watch: TrafficWatch | None = None,
    ) -> None:
        self.watch = watch
        self.scenario = scenario
        self.simulator = simulator
        self.result = result
        self.on_step = on_step
        self.stack = stack
        self.agents: dict[str, AgentClient] = {}
        self.variables: dict[str, Any] = dict(scenario.variables)
        self.start = 0.0
        self.acknowledge = True  # see `acknowledging`

    async def play(self) -> None:
        for spec in self.scenario.agents:
            agent = AgentClient(spec, self.simulator.url, self.acknowledge)
            self.stack.push_async_callback(agent.close)
            await agent.start()
            self.agents[spec.name] = agent
            self.variables[spec.name] = dict(agent.variables)
        if self.scenario.faults is not None:
            status, body = await self.simulator.control("POST", "/sim/faults", self.scenario.faults)
            if status != 200:
                raise RuntimeError(f"POST /sim/faults answered {status}: {body.get('statusMessage', body)}")
            self.stack.push_async_callback(self.simulator.control, "DELETE", "/sim/faults")
        self.start = self.simulator.now()
        for step in self.scenario.steps:
            began = time.perf_counter()
            try:
                saved = await getattr(self, f"_{type(step).__name__.lower()}")(step)
                if step.save is not None:
                    self.variables[step.save] = self.result.saved[step.save] = saved
                passed, message = True, ""
            except (StepFailed, values.Unresolved) as failure:
                passed, message = False, str(failure)
            except TimeoutError:
                passed, message = False, "the simulator did not answer in time"
            except Exception as problem:  # a broken connection fails the step, with what broke
                passed, message = False, f"{type(problem).__name__}: {problem}"
            outcome = StepResult(step, passed, message, time.perf_counter() - began, self.simulator.now() - self.start)
            self.result.steps.append(outcome)
            if self.on_step is not None:
                self.on_step(self.result, outcome)
            if not passed:
                return

    # ------------------------------------------------------------------ steps

    async def _operation(self, step: Operation) -> Any:
        agent = self.agents[step.agent]
        if step.path is not None:
            path = values.resolve(step.path, self.variables)
        elif step.call is not None:
            path = f"/api/v2/me/calls/{values.resolve(step.call, self.variables)}"
        elif step.interaction is not None:
            path = f"/api/v2/me/interactions/{values.resolve(step.interaction, self.variables)}"
        elif step.operation == "Dial":
            path = f"/api/v2/devices/{agent.variables['deviceId']}/calls"
        elif step.operation in ("ForwardCallsOn", "ForwardCallsOff"):
            path = f"/api/v2/devices/{agent.variables['deviceId']}"
        else:
            path = "/api/v2/me"
        body = {"operationName": step.operation, **values.resolve(step.params, self.variables)}
        status, answer = await agent.request("POST", path, body)
        return self._check_reply(step.reply, status, answer, f"POST {path}")

    async def _request(self, step: Request) -> Any:
        path = values.resolve(step.path, self.variables)
        body = values.resolve(step.json, self.variables)
        status, answer = await self.agents[step.agent].request(step.method, path, body)
        return self._check_reply(step.reply, status, answer, f"{step.method} {path}")

    def _check_reply(self, reply: Reply, status: int, answer: Any, what: str) -> Any:
        said = answer.get("statusMessage") if isinstance(answer, dict) else None
        because = f" ({said})" if said else ""
        if reply.status is not None and status != reply.status:
            raise StepFailed(f"{what}: HTTP {status}, expected {reply.status}{because}")
        code = answer.get("statusCode") if isinstance(answer, dict) else None
        if reply.status_code is not None and code != reply.status_code:
            raise StepFailed(f"{what}: statusCode {code}, expected {reply.status_code}{because}")
        if reply.body is not None:
            problem = values.mismatch(
                values.resolve(reply.body, self.variables), answer, tolerance=self.simulator.tolerance
            )
            if problem:
                raise StepFailed(f"{what}: {problem}")
        return answer

    async def _world(self, step: World) -> Any:
        if step.action == "call":
            body: dict[str, Any] = {
                "from": values.resolve(step.caller, self.variables),
                "to": values.resolve(step.to, self.variables),
            }
            if step.user_data is not None:
                body["userData"] = values.resolve(step.user_data, self.variables)
            status, answer = await self.simulator.control("POST", "/sim/calls", body)
            self._check_reply(Reply(), status, answer, "POST /sim/calls")
            return {**body, **answer}
        call_id = values.resolve(step.call, self.variables)
        operation: dict[str, Any] = {"operationName": WORLD_ACTIONS[step.action]}
        if step.party is not None:
            operation["party"] = values.resolve(step.party, self.variables)
        if step.digits is not None:
            operation["digits"] = str(values.resolve(step.digits, self.variables))
        status, answer = await self.simulator.control("POST", f"/sim/calls/{call_id}", operation)
        return self._check_reply(Reply(), status, answer, f"POST /sim/calls/{call_id}")

    async def _visitor(self, step: Visitor) -> Any:
        fields = {"queue": step.queue, "nickname": step.nickname, "subject": step.subject, "text": step.text}
        body = {key: values.resolve(value, self.variables) for key, value in fields.items() if value is not None}
        if step.action == "chat":
            status, answer = await self.simulator.control("POST", "/sim/chats", body)
            self._check_reply(Reply(), status, answer, "POST /sim/chats")
            return {**body, **answer}
        chat_id = values.resolve(step.chat, self.variables)
        operation = {
            "operationName": VISITOR_ACTIONS[step.action],
            **({"text": body["text"]} if "text" in body else {}),
        }
        status, answer = await self.simulator.control("POST", f"/sim/chats/{chat_id}", operation)
        return self._check_reply(Reply(), status, answer, f"POST /sim/chats/{chat_id}")

    async def _email(self, step: Email) -> Any:
        fields = {
            "from": step.sender, "to": step.to, "cc": step.cc, "queue": step.queue, "subject": step.subject,
            "text": step.text, "attachments": step.attachments,
        }  # fmt: skip
        body = {key: values.resolve(value, self.variables) for key, value in fields.items() if value is not None}
        status, answer = await self.simulator.control("POST", "/sim/emails", body)
        self._check_reply(Reply(), status, answer, "POST /sim/emails")
        return {**body, **answer}

    async def _traffic(self, step: Traffic) -> Any:
        names = step.spec.agents or tuple(self.agents)
        to = str(values.resolve(step.spec.to, self.variables))
        agents = {name: self.agents[name] for name in names}
        watch = self.watch
        if watch is None:
            return await TrafficRun(step.spec, to, self.simulator, agents).play()

        def told(line: TrafficLine) -> None:
            watch.listener(self.result, step, line)

        return await TrafficRun(step.spec, to, self.simulator, agents, told, watch.interval).play()

    async def _wait(self, step: Wait) -> None:
        await self.simulator.advance(step.seconds)

    async def _expect(self, step: Expect) -> Any:
        agent = self.agents[step.agent]
        wanted = values.resolve(step.match, self.variables)
        if step.count is not None:
            await self.simulator.advance(step.within)
            if self.simulator.virtual:
                await agent.settle()
            return self._count(agent, step, wanted, self.simulator.tolerance)
        found = await await_notification(agent, self.simulator, step.topic, wanted, step.within)
        if found is None:
            raise StepFailed(self._nothing_matched(agent, step, wanted))
        return found

    async def _expectstatistic(self, step: ExpectStatistic) -> Any:
        try:
            return await statistic.expect(step, self.simulator, self.variables)
        except statistic.StatisticFailed as failure:
            raise StepFailed(str(failure)) from None

    @staticmethod
    def _count(agent: AgentClient, step: Expect, wanted: dict[str, Any], tolerance: float) -> Any:
        messages = agent.inbox[step.topic]
        start = agent.cursor[step.topic]
        matching = [
            i for i in range(start, len(messages)) if values.mismatch(wanted, messages[i], tolerance=tolerance) is None
        ]
        if len(matching) != step.count:
            raise StepFailed(f"{len(matching)} matching {step.topic} notifications, expected {step.count}")
        if matching:
            agent.cursor[step.topic] = matching[-1] + 1
            return messages[matching[-1]]
        return None

    @staticmethod
    def _nothing_matched(agent: AgentClient, step: Expect, wanted: dict[str, Any]) -> str:
        unread = agent.inbox[step.topic][agent.cursor[step.topic] :]
        if not unread:
            return f"no {step.topic} notification within {step.within:g} s"
        closest = values.mismatch(wanted, unread[-1])
        return f"none of {len(unread)} {step.topic} notifications matched within {step.within:g} s; last: {closest}"


async def await_notification(
    agent: AgentClient, simulator: target.Simulator, topic: str, wanted: Any, within: float
) -> Any:
    """The first unread notification on `topic` matching `wanted` that arrives within `within` simulated
    seconds (marking it and those before it read), or None. On a virtual clock the clock is advanced by
    `TICK` between looks; on a real one the wait ends when a notification arrives."""
    deadline = simulator.now() + within
    while True:
        if simulator.virtual:
            await agent.settle()
        found = agent.take(topic, wanted, simulator.tolerance)
        if found is not None:
            return found
        left = deadline - simulator.now()
        if left <= 0:
            return None
        if simulator.virtual:
            await simulator.advance(min(TICK, left))
        else:
            agent.received.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(agent.received.wait(), left)
