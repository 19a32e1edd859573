"""The World's lease: which process of a cluster owns the World, held as a Redis key with a time to live.

One key names the World's process (its id and the URL the others forward operations to). The holder
renews the key well within its time to live; when the holder dies, the key expires and the next process
to try takes it. Renewal compares the value first (a script Redis runs atomically), so a process that
was paused past the time to live and lost the key cannot renew it back from under its successor: it
learns it is no longer the World instead.

Every taking of the lease increments an epoch, so a process can tell that the World it forwarded to is
no longer the one that answers, and a newcomer that finds an epoch already counted knows that an earlier
World existed and that its state, held in that process alone, is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
import redis.asyncio as redis

log = logging.getLogger("gwsim.cluster")

# Renew the key only while it is still ours: 1 when renewed, 0 when another process holds it (or nobody).
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""


@dataclass(frozen=True)
class Holder:
    """The World's process as the lease names it."""

    process: str
    url: str
    epoch: int
    since: float  # wall-clock time the lease was taken

    def encode(self) -> bytes:
        return orjson.dumps({"process": self.process, "url": self.url, "epoch": self.epoch, "since": self.since})

    @staticmethod
    def decode(raw: bytes | None) -> Holder | None:
        if raw is None:
            return None
        value = orjson.loads(raw)
        return Holder(str(value["process"]), str(value["url"]), int(value["epoch"]), float(value["since"]))


class Lease:
    """Tries to take the World's key, renews it while held, and says when it is taken or lost.

    `on_taken(holder, first)` is called when this process becomes the World (`first`: no World held the
    lease before in this Redis), `on_lost()` when it stops being it without having let it go.
    """

    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        process: str,
        url: str,
        ttl: float,
        on_taken: Callable[[Holder, bool], Awaitable[None]],
        on_lost: Callable[[], None],
    ) -> None:
        self.client = client
        self.key = f"{prefix}world"
        self.epoch_key = f"{prefix}epoch"
        self.first_key = f"{prefix}first-world"  # the first World's holder, kept: every later one took over
        self.process = process
        self.url = url
        self.ttl = ttl
        self.holder: Holder | None = None  # the World as last read (this process when `held`)
        self.held = False
        self._mine: bytes | None = None
        self._on_taken = on_taken
        self._on_lost = on_lost
        self._renew = client.register_script(_RENEW)
        self._task: asyncio.Task[None] | None = None
        self.changed = asyncio.Event()  # set at every change of holder seen, for those waiting on a takeover

    async def start(self) -> None:
        """Take the lease if it is free, then keep it or watch it in the background."""
        await self._tick()
        self._task = asyncio.create_task(self._run(), name="gwsim-lease")

    async def stop(self) -> None:
        """Stop renewing and let the lease go at once, so that another process takes over without waiting."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._task), 2)
            self._task = None
        if self.held and self._mine is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                release = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
                await self.client.eval(release, 1, self.key, self._mine)
        self.held = False

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.ttl / 3)
            try:
                await self._tick()
            except (redis.RedisError, OSError) as problem:
                log.warning("cluster: Redis unreachable (%s)", problem)
                if self.held and self._mine is not None and time.monotonic() > self._expires:
                    self._lose("its lease expired while Redis was unreachable")

    async def _tick(self) -> None:
        ttl_ms = int(self.ttl * 1000)
        if self.held and self._mine is not None:
            started = time.monotonic()
            if await self._renew(keys=[self.key], args=[self._mine, ttl_ms]):
                self._expires = started + self.ttl
                return
            self._lose("another process holds its lease")
        epoch = int(await self.client.incr(self.epoch_key)) if await self._free() else 0
        if epoch:
            holder = Holder(self.process, self.url, epoch, time.time())
            started = time.monotonic()
            if await self.client.set(self.key, holder.encode(), nx=True, px=ttl_ms):
                self._mine, self.held, self._expires = holder.encode(), True, started + self.ttl
                self._seen(holder)
                first = bool(await self.client.set(self.first_key, self._mine, nx=True))
                await self._on_taken(holder, first)
                return
        raw: Any = await self.client.get(self.key)
        self._seen(Holder.decode(raw))

    async def _free(self) -> bool:
        return not await self.client.exists(self.key)

    async def read(self) -> Holder | None:
        """The World's process as Redis says now (not as last seen)."""
        raw: Any = await self.client.get(self.key)
        holder = Holder.decode(raw)
        self._seen(holder)
        return holder

    def _seen(self, holder: Holder | None) -> None:
        if holder != self.holder:
            self.holder = holder
            self.changed.set()
            self.changed = asyncio.Event()

    def _lose(self, why: str) -> None:
        log.error("cluster: this process is no longer the World: %s", why)
        self.held, self._mine = False, None
        self._on_lost()
