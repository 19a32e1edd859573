"""The fan-out benchmark: the orchestrator of driver processes, one load step, and the search for the knee.

The load is the reference CometD benchmark's: C clients, R rooms, each client in a fixed random choice of
10 rooms, one publisher client publishing batches of 50-byte messages to the rooms in turn at a set rate.
Everything goes over the wire as a Bayeux client would send it, so the same driver measures every server.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psutil

from .histogram import Histogram
from .servers import RunningServer

KNEE_P99_MS = 50.0
SATURATED_P99_MS = 4 * KNEE_P99_MS  # a step this far over the bound ends the knee search
DELIVERED_FLOOR = 0.99  # a step that delivers less than this share of what it should is over the knee
QUIET_WAIT = 60.0  # seconds a step waits at most for other processes to calm down (--quiet)
COMMAND_BOUND = 300.0  # seconds any one driver command may take


@dataclass(frozen=True)
class Load:
    clients: int = 1000
    rooms: int = 100
    per_client: int = 10
    batch: int = 10
    drivers: int = 1
    seed: int = 1
    quiet: float | None = None  # wait before each step until other processes use less than this % of a core


@dataclass
class StepResult:
    """The figures of one server, one transport, one rate."""

    server: str
    transport: str
    rate: float
    published: int = 0
    publish_seconds: float = 0.0
    expected: int = 0
    delivered: int = 0
    window: float = 0.0
    histogram: Histogram = field(default_factory=Histogram)
    driver_cpu: float = 0.0  # seconds, all driver processes together
    driver_wall: float = 0.0
    server_cpu: float = 0.0
    machine_busy: float = 0.0  # CPU seconds of every process on the machine, all cores, during the step
    wall: float = 0.0
    errors: int = 0
    publish_failures: int = 0
    note: str = ""

    @property
    def delivered_per_second(self) -> float:
        return self.delivered / self.window if self.window > 0 else 0.0

    @property
    def published_per_second(self) -> float:
        return self.published / self.publish_seconds if self.publish_seconds > 0 else 0.0

    @property
    def delivered_share(self) -> float:
        return self.delivered / self.expected if self.expected else 0.0

    def ms(self, percent: float) -> float:
        return self.histogram.percentile(percent) / 1000

    @property
    def driver_cpu_percent(self) -> float:
        """CPU of the driver processes as a percentage of one core over the step (100 = one core busy)."""
        return 100 * self.driver_cpu / self.driver_wall if self.driver_wall > 0 else 0.0

    @property
    def server_cpu_percent(self) -> float:
        return 100 * self.server_cpu / self.wall if self.wall > 0 else 0.0

    @property
    def others_cpu_percent(self) -> float:
        """CPU that neither the server nor the driver used: other work on the machine competing with both."""
        others = self.machine_busy - self.server_cpu - self.driver_cpu
        return max(0.0, 100 * others / self.wall) if self.wall > 0 else 0.0

    @property
    def server_us_per_delivery(self) -> float:
        """Server CPU per delivered message: the cost figure least disturbed by other load on the machine."""
        return 1e6 * self.server_cpu / self.delivered if self.delivered else 0.0

    def holds(self) -> bool:
        """Under the knee: p99 within the bound and (nearly) everything delivered."""
        return self.ms(99) <= KNEE_P99_MS and self.delivered_share >= DELIVERED_FLOOR and not self.note


class DriverPool:
    """Driver processes speaking JSON lines; process 0 also publishes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self, count: int) -> None:
        for _ in range(count):
            self.processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bench.driver",
                    cwd=self.root,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    limit=1 << 24,
                )
            )

    async def call(self, index: int, command: dict[str, Any], bound: float = COMMAND_BOUND) -> dict[str, Any]:
        process = self.processes[index]
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(orjson.dumps(command) + b"\n")
        await process.stdin.drain()
        line = await asyncio.wait_for(process.stdout.readline(), bound)
        if not line:
            raise RuntimeError(f"driver {index} exited (code {await process.wait()})")
        result = orjson.loads(line)
        if "error" in result:
            raise RuntimeError(f"driver {index}: {result['error']}")
        return result

    async def all(self, command: dict[str, Any]) -> list[dict[str, Any]]:
        return list(await asyncio.gather(*(self.call(i, dict(command)) for i in range(len(self.processes)))))

    async def close(self) -> None:
        for index, process in enumerate(self.processes):
            if process.returncode is None:
                with contextlib.suppress(RuntimeError, TimeoutError, ConnectionError):
                    await self.call(index, {"cmd": "close"}, 30)
            if process.returncode is None:
                try:
                    await asyncio.wait_for(process.wait(), 10)
                except TimeoutError:
                    process.kill()
                    await process.wait()
        self.processes.clear()


class FanOut:
    """One server, one transport: connected clients that load steps run on one after another."""

    def __init__(self, server: RunningServer, transport: str, load: Load, root: Path) -> None:
        self.server = server
        self.transport = transport
        self.load = load
        self.pool = DriverPool(root)
        self.step_number = 0
        self.connected = 0
        self.connect_seconds = 0.0

    async def __aenter__(self) -> FanOut:
        await self.pool.start(self.load.drivers)
        shares = [list(range(i, self.load.clients, self.load.drivers)) for i in range(self.load.drivers)]
        replies = await asyncio.gather(
            *(
                self.pool.call(
                    i,
                    {
                        "cmd": "connect",
                        "url": self.server.url,
                        "transport": self.transport,
                        "clients": share,
                        "rooms": self.load.rooms,
                        "per_client": self.load.per_client,
                        "seed": self.load.seed,
                        "publisher": i == 0,
                    },
                )
                for i, share in enumerate(shares)
            )
        )
        self.connected = sum(r["connected"] for r in replies)
        self.connect_seconds = max(r["seconds"] for r in replies)
        failures = [f for r in replies for f in r["failures"]]
        if failures:
            print(f"    {self.load.clients - self.connected} clients failed to connect, e.g. {failures[0]}", flush=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.pool.close()

    async def step(self, rate: float, duration: float) -> StepResult:
        """Publish at `rate` messages/s for `duration` s; wait (bounded) for delivery; gather the figures."""
        self.step_number += 1
        number = self.step_number
        result = StepResult(self.server.spec.label, self.transport, rate)
        if self.load.quiet is not None:
            await self._wait_quiet(self.load.quiet)
        server_cpu, machine, started = self.server.cpu_seconds(), _busy_seconds(), time.monotonic()
        await self.pool.all({"cmd": "begin", "step": number})
        published = await self.pool.call(
            0, {"cmd": "publish", "step": number, "rate": rate, "duration": duration, "batch": self.load.batch}
        )
        drained = await self.pool.all(
            {"cmd": "drain", "step": number, "per_room": published["per_room"], "bound": max(5.0, duration)}
        )
        result.server_cpu = self.server.cpu_seconds() - server_cpu
        result.machine_busy = _busy_seconds() - machine
        result.wall = time.monotonic() - started
        result.published = published["published"]
        result.publish_seconds = published["seconds"]
        result.publish_failures = published["failures"]
        result.expected = sum(d["expected"] for d in drained)
        result.delivered = sum(d["delivered"] for d in drained)
        last = max(d["last_ns"] for d in drained)
        result.window = (last - published["start_ns"]) / 1e9 if last else 0.0
        result.histogram = Histogram.merged(Histogram.from_json(d["histogram"]) for d in drained)
        result.driver_cpu = sum(d["cpu"] for d in drained)
        result.driver_wall = max(d["wall"] for d in drained)
        result.errors = sum(d["errors"] for d in drained)
        if self.connected < self.load.clients:
            result.note = f"{self.load.clients - self.connected} clients not connected"
        return result

    async def _wait_quiet(self, percent: float) -> None:
        """Until the rest of the machine has used less than `percent` of a core for a second; bounded."""
        ours = [psutil.Process(self.server.pid), *(psutil.Process(p.pid) for p in self.pool.processes)]

        def own() -> float:
            return sum(sum(p.cpu_times()[:2]) for p in ours)

        deadline = time.monotonic() + QUIET_WAIT
        while time.monotonic() < deadline:
            busy, mine = _busy_seconds(), own()
            await asyncio.sleep(1.0)
            others = 100 * ((_busy_seconds() - busy) - (own() - mine))
            if others < percent:
                return
            print(f"    waiting for a quieter machine: other processes at {others:.0f}% of a core", flush=True)


def combined(rounds: list[StepResult]) -> StepResult:
    """Rounds of the same step as one: counts, times and CPU added up, histograms merged."""
    if len(rounds) == 1:
        return rounds[0]
    first = rounds[0]
    total = StepResult(first.server, first.transport, first.rate, note=first.note)
    for part in rounds:
        total.histogram.merge(part.histogram)
        for name in ("published", "publish_seconds", "expected", "delivered", "window", "driver_cpu", "driver_wall",
                     "server_cpu", "machine_busy", "wall", "errors", "publish_failures"):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(part, name))
    return total


def _busy_seconds() -> float:
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def knee_rates(start: float, factor: float, maximum: float) -> list[float]:
    """Geometric steps from `start` up to `maximum`: a bounded list."""
    rates, rate = [], start
    while rate <= maximum and len(rates) < 40:
        rates.append(round(rate))
        rate *= factor
    return rates


async def find_knee(
    fan: FanOut, rates: list[float], duration: float, progress: Callable[[StepResult], None]
) -> tuple[StepResult | None, list[StepResult]]:
    """Step the rate up until the server is clearly saturated; the knee is the highest step that held.

    p99 is not monotonic in the rate at the low end: one batch a second is a burst that wakes most clients
    at once, while faster batches spread the same work out. So a step over the bound does not end the
    search; a step far over it (`SATURATED_P99_MS`) or one that fails to deliver does.
    """
    held: StepResult | None = None
    tried: list[StepResult] = []
    for rate in rates:
        result = await fan.step(rate, duration)
        tried.append(result)
        progress(result)
        if result.holds():
            held = result
        elif result.ms(99) > SATURATED_P99_MS or result.delivered_share < DELIVERED_FLOOR or result.note:
            break
        await asyncio.sleep(0.5)  # let held connects come back before the next step
    return held, tried


def describe(result: StepResult) -> str:
    """One progress line."""
    return (
        f"{result.rate:>7.0f} msg/s: {result.delivered_per_second:>9.0f} delivered/s "
        f"({100 * result.delivered_share:5.1f}%), p50 {result.ms(50):7.1f} ms, p99 {result.ms(99):7.1f} ms, "
        f"CPU: server {result.server_cpu_percent:3.0f}% ({result.server_us_per_delivery:.0f} us/msg), "
        f"driver {result.driver_cpu_percent:3.0f}%, others {result.others_cpu_percent:3.0f}%"
    )
