"""The World's notifications on a Redis Stream, and every process delivering them to its own sessions.

The World's notifier renders each event of the World's stream into the documents of the users it
concerns, which needs the World's state; what travels is therefore what the notifier delivers: (user,
channel, document) in the stream's order, plus the ends of a user's sessions (a password changed). Every
process, the World's included, reads the Redis Stream from where it joined and hands each entry to its
own Bayeux server, which delivers it to the sessions of that user it holds; the others hold none.

The World appends during the operation (synchronously, as the stream's subscribers run); a single writer
task sends the appended entries to Redis in order, in pipelines, and the World answers a request only
once what it appended is in Redis (`flushed`) and the answering process has handed it on to its own
sessions (`StreamReader.reached`, with the number of the World's last entry, which a forwarded answer
carries), so a client whose session and requests share a process gets a notification before the answer
that caused it, as from one process; on other processes it is behind by the readers' latency at most.
Entries are kept for `retention` seconds (trimmed by id, which is
the time they were added), long enough for a session resumed on another process to replay what it has
not acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Hashable
from typing import Any

import orjson
import redis.asyncio as redis

import bayeux

log = logging.getLogger("gwsim.cluster")

DELIVER = "d"  # [DELIVER, user, channel, data]
END = "e"  # [END, user]: the user's credentials changed, their sessions end
LOST = "l"  # [LOST, details]: a new World restarted the world, which every process's /health tells
BATCH = 500  # entries per pipeline or read
EPOCH_SHIFT = 30  # an entry's number: the World's epoch above, its count of entries below


def newer(a: str, b: str) -> bool:
    """Whether stream id `a` comes after `b`."""
    return _id(a) > _id(b)


def _id(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def decode(raw: bytes) -> list[Any]:
    return list(orjson.loads(raw))


async def stop_task(task: asyncio.Task[None] | None, bound: float = 2.0) -> None:
    """Cancel a background task and wait for it, boundedly: a Redis read can let a cancellation pass
    (it arrives as the answer does), and its loop's next turn, which checks `running`, ends it."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await asyncio.wait_for(asyncio.shield(task), bound)


class StreamSink:
    """What the World's notifier delivers to: appends to the Redis Stream instead of local sessions.

    Only the World appends (`epoch` names its epoch while this process is it, None otherwise): a process
    that lost the lease must not add a stale world's notifications after its successor's. Each entry is
    numbered, increasing along the stream across Worlds (epoch, then count), so that a session's batches
    can say up to which entry its client has received.
    """

    def __init__(self, client: redis.Redis, key: str, retention: float, epoch: Callable[[], int | None]) -> None:
        self.client = client
        self.key = key
        self.retention = retention
        self._epoch = epoch
        self._pending: list[tuple[bytes, int]] = []
        self._appended = 0
        self._written = 0
        self._wake = asyncio.Event()
        self._progress = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.running = True

    def deliver(self, user: Hashable, name: str, data: Any) -> int:
        """The notifier's and console feed's delivery: queued for Redis, in order. Returns 1 (or 0 when
        this process is not the World): the sessions it reaches are on every process."""
        return self._append([DELIVER, user, name, data])

    def end_sessions(self, user: Hashable) -> None:
        self._append([END, user])

    def last_number(self) -> int:
        """The number of the last entry appended (0 when this process is not the World): a process that
        has handed it on has delivered every notification caused so far."""
        epoch = self._epoch()
        return 0 if epoch is None else (epoch << EPOCH_SHIFT) + self._appended

    def announce_loss(self, details: dict[str, Any]) -> None:
        self._append([LOST, details])

    def _append(self, entry: list[Any]) -> int:
        epoch = self._epoch()
        if epoch is None:
            return 0
        self._appended += 1
        self._pending.append((orjson.dumps(entry), (epoch << EPOCH_SHIFT) + self._appended))
        self._wake.set()
        return 1

    async def flushed(self) -> None:
        """Return once everything appended so far is in Redis."""
        target = self._appended
        while self._written < target:
            progress = self._progress
            await progress.wait()

    def start(self) -> None:
        self._task = asyncio.create_task(self._write(), name="gwsim-stream-writer")

    async def stop(self) -> None:
        if self._task is not None:
            with contextlib.suppress(asyncio.TimeoutError, redis.RedisError, OSError):
                await asyncio.wait_for(self.flushed(), 2)
            self.running = False
            await stop_task(self._task)

    async def _write(self) -> None:
        while self.running:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch = self._pending[:BATCH]
                oldest = f"{int((time.time() - self.retention) * 1000)}-0"
                try:
                    async with self.client.pipeline(transaction=False) as pipe:
                        for entry, number in batch:
                            pipe.xadd(self.key, {"m": entry, "n": number}, minid=oldest, approximate=True)
                        await pipe.execute()
                except (redis.RedisError, OSError) as problem:
                    log.warning("cluster: cannot append notifications to Redis (%s); retrying", problem)
                    await asyncio.sleep(0.2)
                    continue
                del self._pending[: len(batch)]
                self._written += len(batch)
                self._progress.set()
                self._progress = asyncio.Event()


class StreamReader:
    """Reads the Redis Stream from where this process joined and delivers each entry to its own sessions.

    `position` is the id of the last entry handed on and `number` its number: a session resumed here
    replays the entries after what it acknowledged up to this position, and takes the rest live.
    """

    def __init__(self, client: redis.Redis, key: str, server: bayeux.BayeuxServer) -> None:
        self.client = client
        self.key = key
        self.server = server
        self.position = "0-0"
        self.number = 0
        self.listeners: list[Callable[[str, list[Any]], None]] = []
        self._task: asyncio.Task[None] | None = None
        self._moved = asyncio.Event()
        self.running = True

    async def reached(self, number: int) -> None:
        """Return once the entry numbered `number` (or a later one) is handed on to this process's sessions."""
        while self.number < number:
            moved = self._moved
            await moved.wait()

    async def start(self) -> None:
        last: Any = await self.client.xrevrange(self.key, count=1)
        self.position = last[0][0].decode() if last else "0-0"
        self.number = int(last[0][1][b"n"]) if last else 0  # what came before joining counts as handed on
        self._task = asyncio.create_task(self._read(), name="gwsim-stream-reader")

    async def stop(self) -> None:
        self.running = False
        await stop_task(self._task)

    async def _read(self) -> None:
        while self.running:
            try:
                answer: Any = await self.client.xread({self.key: self.position}, count=BATCH, block=1000)
            except (redis.RedisError, OSError) as problem:
                log.warning("cluster: cannot read notifications from Redis (%s); retrying", problem)
                await asyncio.sleep(0.2)
                continue
            for _key, entries in answer or ():
                for entry_id, fields in entries:
                    self.position = entry_id.decode()
                    self.number = int(fields[b"n"])
                    self.hand_on(self.position, decode(fields[b"m"]))
            if answer:
                self._moved.set()
                self._moved = asyncio.Event()

    def hand_on(self, entry_id: str, entry: list[Any]) -> None:
        if entry[0] == DELIVER:
            self.server.deliver(entry[1], entry[2], entry[3])
        elif entry[0] == END:
            for session in self.server.sessions_of(entry[1]):
                self.server.disconnect(session, "the user's credentials changed")
        for listener in self.listeners:
            listener(entry_id, entry)
