"""Many time bounds under one timer of the event loop.

A client that bounds every exchange (the Bayeux client's batches, the scenario runner's HTTP requests and
settle markers) would otherwise set and cancel a timer for each, through `asyncio.timeout` or `call_at`;
on uvloop a timer alone costs more than a short exchange's own parsing, and almost every bound is
removed long before it is due.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Hashable
from typing import Any

RESOLUTION = 0.001  # seconds: the coarsest event-loop timer the bounds are armed on (uvloop's)


class Deadlines:
    """Calls `expire(key)` for each key added whose deadline (in the loop's time) passes before it is
    removed. One timer is armed, at the earliest deadline that may be due: adding and removing a key in
    time costs a dict entry, and the timer fires at most once per deadline that was the earliest."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[float, Callable[[Any], object]]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._armed = math.inf  # when the timer fires

    def add(self, key: Hashable, deadline: float, expire: Callable[[Any], object]) -> None:
        self._entries[key] = (deadline, expire)
        if deadline < self._armed:
            self._arm(deadline)

    def remove(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def close(self) -> None:
        """Forget every bound and the timer."""
        self._entries.clear()
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._armed = None, math.inf

    def _arm(self, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_at(when, self._fire)
        self._armed = when

    def _fire(self) -> None:
        self._timer, self._armed = None, math.inf
        # uvloop rounds a timer to the millisecond and moves its clock once a pass: a timer may fire up to a
        # millisecond before its deadline, which is taken as reached rather than armed again at once
        now = asyncio.get_running_loop().time() + RESOLUTION
        for key in [key for key, (deadline, _) in self._entries.items() if deadline <= now]:
            entry = self._entries.pop(key, None)
            if entry is not None:
                entry[1](key)
        if self._entries:  # a timer that fired a little early is armed again for the same deadline
            self._arm(min(deadline for deadline, _ in self._entries.values()))


def time_out(future: asyncio.Future[Any]) -> None:
    """The `expire` of a bound future: it fails with TimeoutError, unless it is done already."""
    if not future.done():
        future.set_exception(TimeoutError())
