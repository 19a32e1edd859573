"""The simulator under load: agents at desktops, customers calling them, every call operation over REST.

`--load-agents` agents (500) of a contact-center file generated for the run each log in over REST
(StartContactCenterSession, Ready) and keep a Bayeux websocket subscribed to /v2/me/calls and
/v2/me/devices, as a desktop does. Each agent's loop then runs call cycles until `--load-seconds` pass:
a customer calls the agent's number (POST /sim/calls, as the admin), the agent's desktop is told it
rings, and the agent answers, holds, retrieves and hangs up (POST /api/v2/me/calls/{id}). Each step waits
for its REST answer and for the notification that shows its effect (Ringing, Established, Held,
Established, Released) before the next, as an agent reacting to the desktop would; so the figures are
those of a closed loop with one operation in flight per agent.

Measured: REST operations a second; REST latency (request written to answer parsed); notification
latency (request written to the CallStateChangeMessage showing its effect parsed by that agent's
client); the simulator's CPU (`gwsim serve`, a process of its own, real-time clock) and the driver's
(this process), so a saturated driver shows. The same REST loop, without notifications to wait for,
runs against `bare_server.py` (aiohttp answering a fixed JSON body) in the same run: the simulator's
throughput as a share of that ceiling.

The driver speaks HTTP/1.1 over one keep-alive connection per agent with requests it writes itself
(`http1.py`), because aiohttp's client would cost the driver more CPU per request than the server
spends on a bare answer. Like a browser desktop, it sends each user's Basic credentials until an answer
sets the session cookie, and the cookie from then on.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psutil

from .histogram import Histogram
from .http1 import Connection, HttpError
from .report import table
from .servers import HOST, RunningServer, ServerSpec, running
from .wire import Message, WebSocketClient, http_session

PASSWORD = "password"
ADMIN = "admin@load.test"
SESSION_COOKIE = "JSESSIONID"  # the simulator's session cookie, which the driver keeps as a desktop does
FIRST_NUMBER = 100_000  # agent i has phone number FIRST_NUMBER + i
SETUP_CONCURRENCY = 32  # agents logging in and subscribing at once
STEP_BOUND = 10.0  # seconds one operation may take, answer and notification, before the cycle is abandoned
PROGRESS_EVERY = 2.0  # seconds between progress lines
CYCLE = ("Ringing", "Answer", "Hold", "Retrieve", "Hangup")  # the five REST operations of one cycle
STATE_AFTER = {"Ringing": "Ringing", "Answer": "Established", "Hold": "Held", "Retrieve": "Established",
               "Hangup": "Released"}  # fmt: skip

SIMULATOR = ServerSpec("simulator", "simulator (gwsim serve)", ("websocket",), ())
BARE = ServerSpec("bare", "bare aiohttp", ("http",), (sys.executable, "-m", "bench.bare_server", "--port"))


def contact_center(agents: int) -> dict[str, Any]:
    """A contact center of `agents` agents, each with a device, and one admin to place the customers' calls."""
    users: list[dict[str, Any]] = [
        {"userName": ADMIN, "password": PASSWORD, "firstName": "Load", "lastName": "Admin", "roles": ["ROLE_ADMIN"]}
    ]
    users += [
        {
            "userName": agent_name(index),
            "password": PASSWORD,
            "firstName": "Agent",
            "lastName": str(index),
            "roles": ["ROLE_AGENT"],
            "devices": [{"phoneNumber": str(FIRST_NUMBER + index)}],
        }
        for index in range(agents)
    ]
    return {"name": f"Load test: {agents} agents", "seed": 1, "users": users}


def agent_name(index: int) -> str:
    return f"agent{index}@load.test"


def basic(user: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{PASSWORD}".encode()).decode()


@dataclass
class LoadResult:
    """The figures of one server under the call-cycle loop."""

    server: str
    agents: int = 0
    connected: int = 0
    setup_seconds: float = 0.0
    cycles: int = 0
    operations: int = 0
    errors: int = 0
    timeouts: int = 0
    unmatched: int = 0  # operations whose notification never came within the bound
    rest: Histogram = field(default_factory=Histogram)
    notified: Histogram = field(default_factory=Histogram)
    window: float = 0.0
    server_cpu: float = 0.0
    driver_cpu: float = 0.0
    machine_busy: float = 0.0
    with_notifications: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def operations_per_second(self) -> float:
        return self.operations / self.window if self.window > 0 else 0.0

    @property
    def matched(self) -> int:
        return self.notified.total

    def percent(self, seconds: float) -> float:
        return 100 * seconds / self.window if self.window > 0 else 0.0

    @property
    def server_cpu_percent(self) -> float:
        return self.percent(self.server_cpu)

    @property
    def driver_cpu_percent(self) -> float:
        return self.percent(self.driver_cpu)

    @property
    def others_cpu_percent(self) -> float:
        return max(0.0, self.percent(self.machine_busy - self.server_cpu - self.driver_cpu))

    @property
    def server_us_per_operation(self) -> float:
        return 1e6 * self.server_cpu / self.operations if self.operations else 0.0


class Agent:
    """One agent: a REST connection of its own, a desktop's websocket, and the notification it waits for."""

    def __init__(self, index: int, host: str, port: int) -> None:
        self.index = index
        self.number = str(FIRST_NUMBER + index)
        self.customer = f"+1555{index:07d}"
        self.host, self.port = host, port
        self.headers = {"Authorization": basic(agent_name(index)), "Content-Type": "application/json"}
        self.admin = {"Authorization": basic(ADMIN), "Content-Type": "application/json"}
        self.connection = Connection(host, port)
        self.sessions: dict[str, str] = {}  # Authorization -> the JSESSIONID its first answer set
        self.socket: WebSocketClient | None = None
        self.task: asyncio.Task[None] | None = None
        self.expected: tuple[str | None, str] | None = None  # (call id or None for any, state)
        self.arrived: asyncio.Future[tuple[str, int]] | None = None

    def on_data(self, replies: list[Message]) -> None:
        """Resolve the awaited notification when a call message shows the expected state."""
        expected, arrived = self.expected, self.arrived
        if expected is None or arrived is None or arrived.done():
            return
        for message in replies:
            if message.get("channel") != "/v2/me/calls":
                continue
            call = (message.get("data") or {}).get("call") or {}
            call_id, state = call.get("id"), call.get("state")
            if state == expected[1] and expected[0] in (None, call_id):
                arrived.set_result((call_id, time.monotonic_ns()))
                return

    async def post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """One REST request on this agent's connection; a refusal or a broken answer raises HttpError.

        As a browser desktop does, each user's requests send Basic credentials until an answer sets the
        session cookie, and then the cookie instead (the agent's and the admin's sessions apart)."""
        credentials = headers["Authorization"]
        session = self.sessions.get(credentials)
        if session is not None:
            headers = {name: value for name, value in headers.items() if name != "Authorization"}
            headers["Cookie"] = f"{SESSION_COOKIE}={session}"
        request = Connection.request(self.host, self.port, path, orjson.dumps(body), headers)
        try:
            reply = orjson.loads(await self.connection.post(request))
        except (HttpError, OSError, orjson.JSONDecodeError) as problem:
            self.reset_connection()
            self.sessions.pop(credentials, None)  # the next request logs in again
            raise HttpError(f"{path}: {problem}") from None
        if (cookie := self.connection.cookie(SESSION_COOKIE)) is not None:
            self.sessions[credentials] = cookie
        if reply.get("statusCode") != 0:
            raise HttpError(f"{path}: statusCode {reply.get('statusCode')}: {reply.get('statusMessage')}")
        return reply

    def reset_connection(self) -> None:
        """After a refusal the connection's buffer may hold an unread answer: start afresh."""
        self.connection.close()
        self.connection = Connection(self.host, self.port)

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task
        if self.socket is not None:
            await self.socket.close()
        self.connection.close()


async def _set_up(agent: Agent, url: str, http: Any, notifications: bool) -> None:
    """Log the agent in over REST and, when notifications are measured, open its subscribed websocket."""
    if not notifications:
        return
    socket = WebSocketClient(f"{url}/api/v2/notifications", agent.on_data, http, {"Authorization": agent.headers[
        "Authorization"]})  # fmt: skip
    await socket.start(["/v2/me/calls", "/v2/me/devices"])
    agent.socket = socket
    agent.task = asyncio.create_task(socket.run())
    await agent.post("/api/v2/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]}, agent.headers)
    await agent.post("/api/v2/me", {"operationName": "Ready"}, agent.headers)


async def _cycles(agent: Agent, result: LoadResult, deadline: float, notifications: bool,
                  interval: float | None = None, offset: float = 0.0) -> None:  # fmt: skip
    """Call cycles until the deadline: every step bounded, a failed cycle hung up and counted.

    Closed loop (`interval` None): each step starts when the last one is done. Open loop: the agent's
    steps are due every `interval` seconds (from `offset`), whatever the server's speed, and each is timed
    from when it was due, so a slow server shows as latency instead of as a lower offered rate."""
    call_id = "bare"
    due = time.monotonic() + offset
    while time.monotonic() < deadline:
        try:
            for step in CYCLE:
                if interval is not None:
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                    scheduled_ns = int(due * 1e9)
                    due += interval
                if step == "Ringing":
                    path, body, headers = "/sim/calls", {"from": agent.customer, "to": agent.number}, agent.admin
                    wanted: str | None = None
                else:
                    path, body, headers = f"/api/v2/me/calls/{call_id}", {"operationName": step}, agent.headers
                    wanted = call_id
                if notifications:
                    agent.expected = (wanted, STATE_AFTER[step])
                    agent.arrived = asyncio.get_running_loop().create_future()
                started = time.monotonic_ns() if interval is None else min(scheduled_ns, time.monotonic_ns())
                async with asyncio.timeout(STEP_BOUND):
                    reply = await agent.post(path, body, headers)
                    answered = time.monotonic_ns()
                    result.rest.record((answered - started) // 1000)
                    result.operations += 1
                    if step == "Ringing":
                        call_id = reply.get("id", call_id)
                    if notifications and agent.arrived is not None:
                        _, arrived_ns = await agent.arrived
                        result.notified.record((arrived_ns - started) // 1000)
            result.cycles += 1
        except TimeoutError:
            result.timeouts += 1
            result.unmatched += 1
            await _abandon(agent, call_id)
        except HttpError as problem:
            result.errors += 1
            if len(result.problems) < 3:
                result.problems.append(str(problem)[:300])
            await _abandon(agent, call_id)
        finally:
            agent.expected = agent.arrived = None


async def _abandon(agent: Agent, call_id: str) -> None:
    """Hang up whatever is left of a failed cycle, so the next one starts from an idle device."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(STEP_BOUND):
            await agent.post(f"/api/v2/me/calls/{call_id}", {"operationName": "Hangup"}, agent.headers)
    await asyncio.sleep(0.1)


def _busy_seconds() -> float:
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def drive(server: RunningServer, agents: int, seconds: float, notifications: bool,
                progress: Callable[[str], None], rate: float | None = None) -> LoadResult:  # fmt: skip
    """Set up `agents` agents on `server`, run cycles for `seconds`, and measure the window; with `rate`,
    open loop: `rate` REST operations a second offered in all, spread evenly over the agents."""
    urls = getattr(server, "urls", None) or [server.url]  # several processes of one simulator: agents spread
    result = LoadResult(server.spec.label, agents, with_notifications=notifications)
    crowd = [Agent(index, HOST, int(urls[index % len(urls)].rsplit(":", 1)[1])) for index in range(agents)]
    http = http_session()
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)
    started = time.monotonic()

    async def set_up(agent: Agent) -> Agent | None:
        async with gate:
            try:
                async with asyncio.timeout(30):
                    await _set_up(agent, urls[agent.index % len(urls)], http, notifications)
                return agent
            except Exception as problem:  # noqa: BLE001 - an agent that fails to start is counted and reported
                if len(result.problems) < 3:
                    result.problems.append(f"set-up: {type(problem).__name__}: {problem}"[:300])
                await agent.close()
                return None

    try:
        ready = [a for a in await asyncio.gather(*(set_up(a) for a in crowd)) if a is not None]
        result.connected = len(ready)
        result.setup_seconds = time.monotonic() - started
        progress(f"   {len(ready)} agents ready in {result.setup_seconds:.1f} s")
        cpu_server, cpu_driver, busy = server.cpu_seconds(), _own_cpu(), _busy_seconds()
        begin = time.monotonic()
        deadline = begin + seconds
        interval = len(ready) / rate if rate else None
        loops = [
            asyncio.create_task(
                _cycles(agent, result, deadline, notifications, interval, (interval or 0) * index / len(ready))
            )
            for index, agent in enumerate(ready)
        ]
        pending = set(loops)
        while pending:
            _, pending = await asyncio.wait(pending, timeout=PROGRESS_EVERY)
            elapsed = time.monotonic() - begin
            progress(f"   {elapsed:4.1f} s: {result.cycles} cycles, {result.operations} operations, "
                     f"{result.errors + result.timeouts} failed")  # fmt: skip
            if elapsed > seconds + 3 * STEP_BOUND:  # every step is bounded; this is the belt to those braces
                for loop in pending:
                    loop.cancel()
        result.window = time.monotonic() - begin
        result.server_cpu = server.cpu_seconds() - cpu_server
        result.driver_cpu = _own_cpu() - cpu_driver
        result.machine_busy = _busy_seconds() - busy
    finally:
        await asyncio.gather(*(agent.close() for agent in crowd), return_exceptions=True)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(http.close(), 5)
    return result


@contextlib.contextmanager
def exported(ref: str, root: Path) -> Iterator[tuple[Path, str]]:
    """The simulator and bayeux packages as of git revision `ref` in a temporary folder, and its short name."""
    with tempfile.TemporaryDirectory(prefix="gwsim-baseline-") as folder:
        archive = subprocess.run(["git", "archive", ref, "simulator", "bayeux"], cwd=root, check=True,
                                 capture_output=True)  # fmt: skip
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        short = subprocess.run(["git", "rev-parse", "--short", ref], cwd=root, check=True, capture_output=True)
        yield Path(folder), short.stdout.decode().strip()


@contextlib.asynccontextmanager
async def simulator(agents: int, root: Path, source: tuple[Path, str] | None = None) -> AsyncIterator[RunningServer]:
    """`gwsim serve` on a free port, real-time clock, over a generated contact center of `agents` agents;
    with `source`, the simulator exported from a git revision instead of the working tree's."""
    with tempfile.TemporaryDirectory(prefix="gwsim-load-") as folder:
        center = Path(folder) / "center.yaml"
        center.write_text(json.dumps(contact_center(agents), indent=1))  # JSON is YAML
        serve = ("serve", "--contact-center", str(center), "--port")
        if source is None:
            label, script = SIMULATOR.label, (sys.executable, "-m", "simulator.cli", *serve)
        else:
            start = (
                f"import sys; sys.path.insert(0, {str(source[0])!r}); from simulator.cli import main; sys.exit(main())"
            )
            label, script = f"simulator @{source[1]}", (sys.executable, "-c", start, *serve)
        spec = ServerSpec(SIMULATOR.name, label, SIMULATOR.transports, script)
        async with running(spec, root) as server:
            server.url = server.url.removesuffix("/cometd")
            yield server


@contextlib.asynccontextmanager
async def bare(root: Path) -> AsyncIterator[RunningServer]:
    async with running(BARE, root) as server:
        server.url = server.url.removesuffix("/cometd")
        yield server


def describe(result: LoadResult) -> str:
    notified = f", notification p50 {result.notified.percentile(50) / 1000:.1f} ms" if result.matched else ""
    return (
        f"{result.operations_per_second:.0f} ops/s, REST p50 {result.rest.percentile(50) / 1000:.1f} ms{notified}, "
        f"server CPU {result.server_cpu_percent:.0f} %, driver CPU {result.driver_cpu_percent:.0f} %"
    )


def combined(rounds: list[LoadResult]) -> LoadResult:
    """Rounds of one server as one result: counts, windows and CPU added, histograms merged."""
    total = LoadResult(rounds[0].server, rounds[0].agents, with_notifications=rounds[0].with_notifications)
    for part in rounds:
        for name in ("cycles", "operations", "errors", "timeouts", "unmatched", "window", "server_cpu",
                     "driver_cpu", "machine_busy", "setup_seconds"):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(part, name))
        total.connected = min(part.connected for part in rounds)
        total.rest.merge(part.rest)
        total.notified.merge(part.notified)
        total.problems += part.problems[: 3 - len(total.problems)]
    return total


async def run_load(agents: int, seconds: float, bare_seconds: float, root: Path,
                   progress: Callable[[str], None] = lambda text: print(text, flush=True), baseline: str | None = None,
                   repeat: int = 1, rate: float | None = None) -> list[LoadResult]:  # fmt: skip
    """The simulator under the call-cycle loop (and, with `baseline`, the simulator as of that revision,
    round after round so that the machine's other load falls on both alike), then the bare endpoint."""
    rounds: dict[str, list[LoadResult]] = {}
    with contextlib.ExitStack() as stack:
        sources: list[tuple[Path, str] | None] = [None]
        if baseline:
            sources.append(stack.enter_context(exported(baseline, root)))
        for number in range(max(1, repeat)):
            for source in sources:
                name = "working tree" if source is None else f"@{source[1]}"
                note = f", round {number + 1} of {repeat}" if repeat > 1 else ""
                progress(f"== simulator under load ({name}{note}): {agents} agents, call cycles for {seconds:.0f} s")
                async with simulator(agents, root, source) as server:
                    measured = await drive(server, agents, seconds, True, progress, rate)
                progress(f"   {describe(measured)}")
                rounds.setdefault(measured.server, []).append(measured)
    results = [combined(parts) for parts in rounds.values()]
    if bare_seconds > 0:
        progress(f"== bare aiohttp endpoint: the same REST loop, {agents} connections, {bare_seconds:.0f} s")
        async with bare(root) as server:
            results.append(await drive(server, agents, bare_seconds, False, progress, rate))
        progress(f"   {describe(results[-1])}")
    return results


def _ms(histogram: Histogram, percent: float) -> str:
    return f"{histogram.percentile(percent) / 1000:.1f}" if histogram.total else ""


def load_table(results: list[LoadResult]) -> str:
    """One row per server; the notification columns are empty for the bare endpoint, which sends none."""
    rows = [
        [
            r.server,
            f"{r.connected}/{r.agents}",
            r.cycles,
            r.operations,
            f"{r.operations_per_second:.0f}",
            _ms(r.rest, 50),
            _ms(r.rest, 99),
            f"{r.matched}" if r.with_notifications else "",
            _ms(r.notified, 50),
            _ms(r.notified, 99),
            f"{r.server_cpu_percent:.0f}",
            f"{r.server_us_per_operation:.0f}",
            f"{r.driver_cpu_percent:.0f}",
            f"{r.others_cpu_percent:.0f}",
            r.errors + r.timeouts,
        ]
        for r in results
    ]
    header = ["server", "agents", "cycles", "REST ops", "ops/s", "REST p50 ms", "REST p99 ms", "notifications matched"]
    header += ["notification p50 ms", "notification p99 ms", "server CPU %", "server CPU us/op", "driver CPU %"]
    return table([*header, "others' CPU %", "failed cycles"], rows)


def ratio_table(results: list[LoadResult]) -> str:
    """The simulator against the bare endpoint (and the working tree against a baseline revision):
    throughput, latencies and server CPU per operation."""
    simulators = [r for r in results if r.with_notifications]
    pairs = [(ours, ceiling) for ours in simulators for ceiling in results if not ceiling.with_notifications]
    pairs += [(simulators[0], other) for other in simulators[1:]]
    if not pairs:
        return ""

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if b > 0 else "n/a"

    rows = [
        [
            f"{a.server} / {b.server}",
            ratio(a.operations_per_second, b.operations_per_second),
            ratio(a.rest.percentile(50), b.rest.percentile(50)),
            ratio(a.rest.percentile(99), b.rest.percentile(99)),
            ratio(a.notified.percentile(50), b.notified.percentile(50)) if b.matched else "",
            ratio(a.notified.percentile(99), b.notified.percentile(99)) if b.matched else "",
            ratio(a.server_us_per_operation, b.server_us_per_operation),
        ]
        for a, b in pairs
    ]
    header = ["ratio", "REST ops/s", "REST p50", "REST p99", "notification p50", "notification p99"]
    return table([*header, "server CPU per op"], rows)
