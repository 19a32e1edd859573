"""Time for the core (voice, media, routing, statistics): a clock interface, and a virtual clock that
tests and scenarios advance.

The core never sleeps and never reads the wall clock. Everything that happens "later" (a remote party
answering, a ringing timeout, the end of after-call work) is a callback scheduled on the clock it was given,
so the same inputs and the same advances give the same events in the same order.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What the core needs from time: the current time in seconds, and callbacks at a later time."""

    def now(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle: ...


@dataclass(order=True)
class _Timer:
    when: float
    seq: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class VirtualClock:
    """A clock that only moves when told to; due callbacks run in time order, ties in scheduling order."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._seq = 0
        self._heap: list[_Timer] = []

    def now(self) -> float:
        return self._now

    def call_later(self, delay: float, callback: Callable[[], None]) -> _Timer:
        self._seq += 1
        timer = _Timer(self._now + max(0.0, delay), self._seq, callback)
        heapq.heappush(self._heap, timer)
        return timer

    def advance(self, seconds: float) -> None:
        """Move time forward, running every callback due on the way (including ones they schedule)."""
        target = self._now + max(0.0, seconds)
        while self._heap and self._heap[0].when <= target:
            timer = heapq.heappop(self._heap)
            if timer.cancelled:
                continue
            self._now = timer.when
            timer.callback()
        self._now = target

    def pending(self) -> int:
        """How many live callbacks are waiting; part of the state a test compares before and after."""
        return sum(1 for timer in self._heap if not timer.cancelled)


class AsyncioClock:
    """The real-time clock for serving: asyncio's loop time and `call_later`, nothing else."""

    def __init__(self, loop: object) -> None:
        self._loop = loop

    def now(self) -> float:
        return self._loop.time()  # type: ignore[attr-defined, no-any-return]

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return self._loop.call_later(max(0.0, delay), callback)  # type: ignore[attr-defined, no-any-return]
