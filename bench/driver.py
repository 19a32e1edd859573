"""A load-driver process: many subscribed Bayeux clients, optionally the publisher, and their measurements.

The orchestrator (`bench.fanout`) starts one or more of these with `python -m bench.driver` and speaks to
each in JSON lines over stdin and stdout, so the clients of one run can be spread over several processes
(and cores) while one process publishes. Every message carries its step number and the CLOCK_MONOTONIC
time of its publication, a clock all processes of the machine share, so any process can measure the
latency of what it receives and attribute it to the right step without talking to the others.

Commands, one JSON object a line, one reply each:
  connect {url, transport, clients: [index...], rooms, per_client, seed, publisher}
  begin   {step}                      start counting CPU and deliveries of a step
  publish {step, rate, duration, batch}   (publisher only) paced batches, bounded in count
  drain   {step, per_room, bound}   wait for the step's expected deliveries; return its figures
  close   {}
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import resource
import sys
import time
from typing import Any

import orjson

from .histogram import Histogram
from .wire import CLIENTS, Client, Message, http_session

PAYLOAD_SIZE = 50
CONNECT_CONCURRENCY = 64  # handshakes in flight at once; more only overflows listen backlogs
PUBLISH_IN_FLIGHT = 64  # long-polling publish requests outstanding before the publisher waits
LIFETIME = 3600.0  # seconds: a driver that was never told to close stops by itself
QUIET = 1.0  # seconds without a delivery after which a drain gives up waiting for the rest


def payload(step: int, now_ns: int) -> str:
    """A 50-character message body: the step, the publication time, and padding."""
    head = f"{step:04d}{now_ns:019d}"
    return head + "x" * (PAYLOAD_SIZE - len(head))


def rooms_of(index: int, rooms: int, per_client: int, seed: int) -> list[int]:
    """The rooms client `index` joins: a fixed random choice, the same in every process and run."""
    return random.Random(seed * 1_000_003 + index).sample(range(rooms), min(per_client, rooms))


def room_channel(room: int) -> str:
    return f"/rooms/{room}"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class StepStats:
    """What one process received of one step."""

    __slots__ = ("histogram", "delivered", "last_ns")

    def __init__(self) -> None:
        self.histogram = Histogram()
        self.delivered = 0
        self.last_ns = 0


class Recorder:
    """Turns received data messages into latencies, by the step written in each payload."""

    def __init__(self) -> None:
        self.steps: dict[str, StepStats] = {}

    def on_data(self, replies: list[Message]) -> None:
        now = time.monotonic_ns()
        steps = self.steps
        for message in replies:
            data = message.get("data")
            if data.__class__ is not str or len(data) != PAYLOAD_SIZE:
                continue
            key = data[:4]
            stats = steps.get(key)
            if stats is None:
                stats = steps[key] = StepStats()
            stats.histogram.record((now - int(data[4:23])) // 1000)
            stats.delivered += 1
            stats.last_ns = now

    def of(self, step: int) -> StepStats:
        return self.steps.setdefault(f"{step:04d}", StepStats())


class Driver:
    """The clients of one process and the commands that drive them."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self.clients: list[Client] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.publisher: Client | None = None
        self.publish_failures = 0
        self.local_subscribers: list[int] = []
        self.rooms = 0
        self.next_room = 0
        self.http: Any = None
        self.began: dict[int, tuple[float, int]] = {}

    async def connect(self, url: str, transport: str, clients: list[int], rooms: int, per_client: int, seed: int,
                      publisher: bool) -> dict[str, Any]:  # fmt: skip
        """Start every client (bounded concurrency) and, in one process, the publisher."""
        self.http = http_session()
        self.rooms = rooms
        self.local_subscribers = [0] * rooms
        kind = CLIENTS[transport]
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        failures: list[str] = []
        started = time.monotonic()

        async def start(index: int) -> None:
            joined = rooms_of(index, rooms, per_client, seed)
            client = kind(url, self.recorder.on_data, self.http)
            async with gate:
                try:
                    await asyncio.wait_for(client.start([room_channel(r) for r in joined]), 30)
                except Exception as problem:  # noqa: BLE001 - a client that fails to start is counted and reported
                    failures.append(f"{type(problem).__name__}: {problem}"[:300])
                    await client.close()
                    return
            for room in joined:
                self.local_subscribers[room] += 1
            self.clients.append(client)
            self.tasks.append(asyncio.create_task(client.run()))

        await asyncio.gather(*(start(index) for index in clients))
        if publisher:
            self.publisher = kind(url, self._on_publish_replies, self.http)
            await asyncio.wait_for(self.publisher.start([]), 30)
            self.tasks.append(asyncio.create_task(self.publisher.run()))
        return {
            "connected": len(self.clients),
            "failed": len(failures),
            "failures": failures[:3],
            "seconds": time.monotonic() - started,
        }

    def _on_publish_replies(self, replies: list[Message]) -> None:
        for message in replies:
            name = message.get("channel", "")
            if name.startswith("/rooms/") and message.get("successful") is False:
                self.publish_failures += 1

    def begin(self, step: int) -> dict[str, Any]:
        self.began[step] = (cpu_seconds(), time.monotonic_ns())
        self.recorder.of(step)
        return {"ok": True}

    async def publish(self, step: int, rate: float, duration: float, batch: int) -> dict[str, Any]:
        """Publish `rate` messages a second in batches for `duration` seconds: a bounded count of batches."""
        publisher = self.publisher
        if publisher is None:
            raise RuntimeError("this driver has no publisher")
        interval = batch / rate
        batches = max(1, round(rate * duration / batch))
        per_room = [0] * self.rooms
        in_flight = asyncio.Semaphore(PUBLISH_IN_FLIGHT)
        pending: set[asyncio.Task[None]] = set()
        failures_before = self.publish_failures
        long_polling = publisher.transport == "long-polling"

        async def post(body: bytes) -> None:
            try:
                self._on_publish_replies(await publisher.send(body))  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001 - a lost publish is counted, the run goes on
                self.publish_failures += 1
            finally:
                in_flight.release()

        start_ns = time.monotonic_ns()
        start = time.monotonic()
        for number in range(batches):
            delay = start + number * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            rooms = [(self.next_room + offset) % self.rooms for offset in range(batch)]
            self.next_room = (self.next_room + batch) % self.rooms
            stamp = payload(step, time.monotonic_ns())
            body = publisher.publish_batch([room_channel(r) for r in rooms], [stamp] * batch)
            if long_polling:
                await in_flight.acquire()
                task = asyncio.create_task(post(body))
                pending.add(task)
                task.add_done_callback(pending.discard)
            else:
                await publisher.send(body)
            for room in rooms:
                per_room[room] += 1
        elapsed = time.monotonic() - start + interval  # the last batch's share of the time runs on after it
        if pending:
            await asyncio.wait(pending, timeout=30)
        return {
            "published": batches * batch,
            "per_room": per_room,
            "start_ns": start_ns,
            "seconds": elapsed,
            "failures": self.publish_failures - failures_before,
        }

    async def drain(self, step: int, per_room: list[int], bound: float) -> dict[str, Any]:
        """Wait until this process has its share of the step, or nothing came for a while, or the bound."""
        expected = sum(count * subscribers for count, subscribers in zip(per_room, self.local_subscribers, strict=True))
        stats = self.recorder.of(step)
        deadline = time.monotonic() + bound
        seen, quiet_since = -1, time.monotonic()
        while stats.delivered < expected and time.monotonic() < deadline:
            if stats.delivered != seen:
                seen, quiet_since = stats.delivered, time.monotonic()
            elif time.monotonic() - quiet_since > QUIET:
                break
            await asyncio.sleep(0.02)
        cpu_start, wall_start = self.began.get(step, (cpu_seconds(), time.monotonic_ns()))
        return {
            "expected": expected,
            "delivered": stats.delivered,
            "last_ns": stats.last_ns,
            "histogram": stats.histogram.to_json(),
            "cpu": cpu_seconds() - cpu_start,
            "wall": (time.monotonic_ns() - wall_start) / 1e9,
            "errors": sum(client.errors for client in self.clients),
        }

    async def close(self) -> dict[str, Any]:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.gather(*(client.close() for client in self.clients), return_exceptions=True)
        if self.publisher is not None:
            await self.publisher.close()
        if self.http is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.http.close(), 5)
        return {"ok": True}

    async def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        name = command.pop("cmd")
        if name == "connect":
            return await self.connect(**command)
        if name == "begin":
            return self.begin(**command)
        if name == "publish":
            return await self.publish(**command)
        if name == "drain":
            return await self.drain(**command)
        if name == "close":
            return await self.close()
        raise ValueError(f"unknown command {name!r}")


async def serve() -> None:
    """Answer commands from stdin until `close`, end of input, or the lifetime bound."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    driver = Driver()
    try:
        async with asyncio.timeout(LIFETIME):
            while line := await reader.readline():
                command = orjson.loads(line)
                closing = command.get("cmd") == "close"
                try:
                    result = await driver.handle(command)
                except Exception as problem:  # noqa: BLE001 - the orchestrator reports it
                    result = {"error": f"{type(problem).__name__}: {problem}"}
                sys.stdout.write(orjson.dumps(result).decode() + "\n")
                sys.stdout.flush()
                if closing:
                    return
    finally:
        await driver.close()


def main() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop  # the driver's own socket reads cost it less than half with uvloop's loop
    except ImportError:
        asyncio.run(serve())
    else:
        uvloop.run(serve())


if __name__ == "__main__":
    main()
