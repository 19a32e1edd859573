"""A `/meta/connect` that waits for messages or its timeout, and the timeouts of all of them."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field

from .session import Message, Queued, ServerSession


@dataclass(slots=True)
class HeldConnect:
    """A `/meta/connect` reply that waits for messages or the timeout."""

    session: ServerSession
    reply: Message
    timeout: float
    waiter: asyncio.Future[None] = field(repr=False)
    taken: list[Queued] | None = field(default=None, repr=False)  # what `finish` put in the reply
    kept: bool = False  # an extension keeps `taken` pending until the client acknowledges it
    slot: int = 0  # where `Deadlines` keeps its timeout, 0 while it has none


class Deadlines:
    """The timeouts of a server's held connects, in slots of `resolution` seconds.

    A slot is one dict of the connects due at its end and one timer, shared by every connect that falls
    in it: with thousands of held connects, a connect costs an entry in a dict rather than a timer handle
    of its own (with its copied context and its place in the event loop's heap), and answering it early
    takes it out of the dict instead of leaving a cancelled handle behind. A connect is due at the end of
    the slot its timeout ends in: never early, late by less than `resolution`.
    """

    __slots__ = ("resolution", "_slots")

    def __init__(self, resolution: float = 0.05) -> None:
        self.resolution = resolution
        self._slots: dict[int, dict[asyncio.Future[None], None]] = {}

    def __len__(self) -> int:
        """How many held connects wait for their timeout (counted over the slots: for tests and tools)."""
        return sum(len(due) for due in self._slots.values())

    def start(self, held: HeldConnect) -> None:
        """Make `held` due once its timeout has passed (unless something else made it due before)."""
        loop = asyncio.get_running_loop()
        slot = math.ceil((loop.time() + held.timeout) / self.resolution)
        due = self._slots.get(slot)
        if due is None:
            due = self._slots[slot] = {}
            loop.call_at(slot * self.resolution, self._expire, slot)
        due[held.waiter] = None
        held.slot = slot

    def stop(self, held: HeldConnect) -> None:
        """`held` no longer waits for its timeout: it is due for another reason, or its client left."""
        if held.slot:
            due = self._slots.get(held.slot)
            if due is not None:
                due.pop(held.waiter, None)
                if not due:
                    del self._slots[held.slot]  # its timer finds nothing to do
            held.slot = 0

    def _expire(self, slot: int) -> None:
        for waiter in self._slots.pop(slot, ()):
            if not waiter.done():
                waiter.set_result(None)


def expire(waiter: asyncio.Future[None]) -> None:
    """A held connect due now: make it so (unless it already was)."""
    if not waiter.done():
        waiter.set_result(None)
