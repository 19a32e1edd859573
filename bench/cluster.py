"""The simulator over 1, 2 and 3 `gwsim serve` processes with Redis, beside the single process.

Two measurements, one run (`python -m bench.cluster`, see bench/README.md):

- **The simulator under load** (`simulator_load.drive`, the call-cycle loop of `python -m bench
  --load-only`): the same agents against one process in memory, then against N processes over one
  redis-server, the agents spread over the processes in turn (each agent posts to, and keeps its
  websocket on, its own process, so (N-1)/N of the operations are forwarded to the World). CPU is read
  per process: the World's, the other processes' together, redis-server's.
- **Delivery through Redis** (in this process, no HTTP): `--sessions` sessions of as many users on R
  Bayeux servers, and `--messages` notifications delivered to them, first straight into one server
  (`BayeuxServer.deliver`, what the single process does), then through the Redis Stream (the World's
  `StreamSink`, and R `StreamReader`s, one per server, as R processes would). The difference of CPU per
  delivered message, split between this process and redis-server, is what Redis adds to each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import platform
import resource
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil

import bayeux
from bayeux.session import ServerSession

from .report import table
from .servers import HOST, ServerSpec, free_port
from .simulator_load import LoadResult, contact_center, describe, drive, load_table, simulator

ROOT = Path(__file__).resolve().parents[1]
REDIS = ("redis-server", "--save", "", "--appendonly", "no", "--bind", HOST)


@dataclass
class Processes:
    """Several processes measured as one server: what `simulator_load.drive` reads."""

    spec: ServerSpec
    url: str
    urls: list[str]
    world: psutil.Process
    fronts: list[psutil.Process]
    redis: psutil.Process
    popens: list[asyncio.subprocess.Process] = field(default_factory=list)

    def cpu_seconds(self) -> float:
        return sum(_cpu(process) for process in (self.world, *self.fronts, self.redis))

    def split(self) -> tuple[float, float, float]:
        return _cpu(self.world), sum(_cpu(process) for process in self.fronts), _cpu(self.redis)


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def _start(*command: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )


async def _healthy(http: aiohttp.ClientSession, url: str, world: bool) -> None:
    """Until `url` answers /health (and, with `world`, names itself the World)."""
    async with asyncio.timeout(30):
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(url + "/health") as reply:
                    cluster = (await reply.json()).get("cluster", {})
                    if not world or cluster.get("isWorld"):
                        return
            await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def cluster(agents: int, count: int) -> AsyncIterator[Processes]:
    """redis-server and `count` gwsim processes over a generated contact center of `agents` agents."""
    popens: list[asyncio.subprocess.Process] = []
    with tempfile.TemporaryDirectory(prefix="gwsim-cluster-") as folder:
        center = Path(folder) / "center.yaml"
        center.write_text(json.dumps(contact_center(agents), indent=1))
        redis_port = free_port()
        try:
            popens.append(await _start(*REDIS, "--port", str(redis_port)))
            engine = f"redis://{HOST}:{redis_port}"
            urls: list[str] = []
            async with aiohttp.ClientSession() as http:
                for index in range(count):
                    port = free_port()
                    popens.append(await _start(sys.executable, "-m", "simulator.cli", "serve", "--contact-center",
                                               str(center), "--engine", engine, "--port", str(port)))  # fmt: skip
                    urls.append(f"http://{HOST}:{port}")
                    await _healthy(http, urls[-1], world=index == 0)  # the first takes the lease
            label = f"{count} process{'es' if count > 1 else ''} + Redis"
            processes = [psutil.Process(popen.pid) for popen in popens]
            yield Processes(ServerSpec("cluster", label, ("websocket",), ()), urls[0], urls, processes[1],
                            processes[2:], processes[0], popens)  # fmt: skip
        finally:
            for popen in reversed(popens):
                if popen.returncode is None:
                    popen.terminate()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(popen.wait(), 10)
                if popen.returncode is None:
                    popen.kill()
                    await popen.wait()


@dataclass
class Split:
    label: str
    world: float
    fronts: float
    redis: float
    operations: int


async def simulator_load(agents: int, seconds: float, counts: list[int]) -> tuple[list[LoadResult], list[Split]]:
    def progress(text: str) -> None:
        print(text, flush=True)

    results: list[LoadResult] = []
    splits: list[Split] = []
    progress(f"== one process, in memory: {agents} agents, call cycles for {seconds:.0f} s")
    async with simulator(agents, ROOT) as server:
        measured = await drive(server, agents, seconds, True, progress)
    measured.server = "1 process, in memory"
    progress(f"   {describe(measured)}")
    results.append(measured)
    for count in counts:
        progress(f"== {count} process(es) + Redis: {agents} agents spread over them, call cycles for {seconds:.0f} s")
        async with cluster(agents, count) as processes:
            before = processes.split()
            measured = await drive(processes, agents, seconds, True, progress)
            after = processes.split()
        progress(f"   {describe(measured)}")
        results.append(measured)
        world, fronts, redis = (a - b for a, b in zip(after, before, strict=True))
        splits.append(Split(measured.server, world, fronts, redis, measured.operations))
    return results, splits


def split_table(splits: list[Split]) -> str:
    def us(seconds: float, operations: int) -> str:
        return f"{1e6 * seconds / operations:.0f}" if operations else ""

    rows = [
        [s.label, s.operations, us(s.world, s.operations), us(s.fronts, s.operations), us(s.redis, s.operations),
         us(s.world + s.fronts + s.redis, s.operations)]
        for s in splits
    ]  # fmt: skip
    header = ["simulator", "REST ops", "World CPU us/op", "other processes CPU us/op", "redis-server CPU us/op"]
    return table([*header, "total CPU us/op"], rows)


# ---------------------------------------------------------------------------------------------- delivery


@dataclass
class Delivery:
    label: str
    messages: int
    delivered: int
    seconds: float
    own_cpu: float
    redis_cpu: float

    @property
    def us_per_delivered(self) -> float:
        return 1e6 * (self.own_cpu + self.redis_cpu) / self.delivered if self.delivered else 0.0


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _servers(count: int, sessions: int) -> tuple[list[bayeux.BayeuxServer], list[ServerSession]]:
    """`count` Bayeux servers, the `sessions` sessions (one user each) spread over them."""
    servers = [bayeux.BayeuxServer(bayeux.Options(max_queue=10**9, max_queue_bytes=10**12)) for _ in range(count)]
    made: list[ServerSession] = []
    for index in range(sessions):
        server = servers[index % count]
        session = server.store.create(f"user{index}", None, 10**9, 10**12)
        session.subscriptions.add("/v2/me/calls")
        server._adopt(session)
        made.append(session)
    return servers, made


CALL = {"id": "0" * 32, "state": "Established", "participants": [{"number": "5001"}], "pad": "x" * 400}
DOCUMENT = {"messageType": "CallStateChangeMessage", "notificationType": "StatusChange", "call": CALL}


async def delivery(messages: int, sessions: int, readers: list[int]) -> list[Delivery]:
    """Straight into one server, then through Redis to each count of readers."""
    servers, made = _servers(1, sessions)
    begin, cpu = time.perf_counter(), _own_cpu()
    for index in range(messages):
        servers[0].deliver(f"user{index % sessions}", "/v2/me/calls", DOCUMENT)
    seconds = time.perf_counter() - begin
    results = [Delivery("in memory (one process)", messages, messages, seconds, _own_cpu() - cpu, 0.0)]
    for count in readers:
        port = free_port()
        popen = await _start(*REDIS, "--port", str(port))
        try:
            results.append(await _through_redis(port, psutil.Process(popen.pid), count, messages, sessions))
        finally:
            popen.kill()
            await popen.wait()
    return results


async def _through_redis(port: int, redis_process: psutil.Process, count: int, messages: int,
                         sessions: int) -> Delivery:  # fmt: skip
    import redis.asyncio as redis

    from simulator.cluster.stream import StreamReader, StreamSink

    clients = [redis.Redis(host=HOST, port=port) for _ in range(count + 1)]  # the World's, then each reader's
    async with asyncio.timeout(10):
        while True:
            with contextlib.suppress(redis.RedisError, OSError):
                await clients[0].ping()
                break
            await asyncio.sleep(0.05)
    servers, made = _servers(count, sessions)
    sink = StreamSink(clients[0], "bench:stream", 300.0, lambda: 1)
    readers = [
        StreamReader(client, "bench:stream", server) for client, server in zip(clients[1:], servers, strict=True)
    ]
    handed = 0
    done = asyncio.Event()

    def count_one(_entry_id: str, _entry: list[object]) -> None:
        nonlocal handed
        handed += 1
        if handed == messages * count:
            done.set()

    for reader in readers:
        reader.listeners.append(count_one)
        await reader.start()
    sink.start()
    begin, cpu, redis_cpu = time.perf_counter(), _own_cpu(), _cpu(redis_process)
    for index in range(messages):
        sink.deliver(f"user{index % sessions}", "/v2/me/calls", DOCUMENT)
        if index % 500 == 499:
            await asyncio.sleep(0)  # the World's loop turns between operations
    await sink.flushed()
    await asyncio.wait_for(done.wait(), 120)
    seconds = time.perf_counter() - begin
    delivered = sum(session.pending for session in made)
    own, redis_used = _own_cpu() - cpu, _cpu(redis_process) - redis_cpu
    for reader in readers:
        await reader.stop()
    await sink.stop()
    for client in clients:
        await client.aclose()
    label = f"through Redis, {count} reader{'s' if count > 1 else ''}"
    return Delivery(label, messages, delivered, seconds, own, redis_used)


def delivery_table(results: list[Delivery]) -> str:
    base = results[0].us_per_delivered if results else 0.0
    rows = [
        [r.label, r.delivered, f"{r.delivered / r.seconds:.0f}", f"{1e6 * r.own_cpu / r.delivered:.1f}",
         f"{1e6 * r.redis_cpu / r.delivered:.1f}", f"{r.us_per_delivered:.1f}", f"{r.us_per_delivered - base:.1f}"]
        for r in results
    ]  # fmt: skip
    header = ["delivery", "delivered", "delivered/s", "gwsim CPU us/msg", "redis-server CPU us/msg", "total us/msg"]
    return table([*header, "added by Redis us/msg"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=200, help="agents of the simulator load (200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of call cycles per simulator (10)")
    parser.add_argument("--processes", default="1,2,3", help="process counts over Redis (1,2,3)")
    parser.add_argument("--messages", type=int, default=50_000, help="notifications of the delivery step (50000)")
    parser.add_argument("--sessions", type=int, default=1000, help="sessions of the delivery step (1000)")
    parser.add_argument("--no-load", action="store_true", help="only the delivery step")
    parser.add_argument("--no-save", action="store_true", help="print, do not write results/")
    args = parser.parse_args(argv)
    counts = [int(part) for part in args.processes.split(",") if part]
    sections = [
        f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"machine: {psutil.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}",
        f"command: `python -m bench.cluster {' '.join(argv if argv is not None else sys.argv[1:])}`",
        f"load of other processes during the run: {psutil.getloadavg()[0]:.1f} (1-minute load average at the start)",
    ]
    deliveries = asyncio.run(delivery(args.messages, args.sessions, counts))
    sections += ["### Delivery through Redis", delivery_table(deliveries)]
    if not args.no_load:
        results, splits = asyncio.run(simulator_load(args.agents, args.seconds, counts))
        sections += ["### The simulator under load", load_table(results), "### CPU per operation, by process",
                     split_table(splits)]  # fmt: skip
    text = "\n\n".join(sections) + "\n"
    print(text)
    if not args.no_save:
        out = ROOT / "bench" / "results" / f"{time.strftime('%Y-%m-%d-%H%M', time.gmtime())}-cluster.md"
        out.write_text(text)
        print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
