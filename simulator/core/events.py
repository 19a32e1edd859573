"""The one ordered stream of events of a World.

Every change of the simulation (a call leg, a device, a chat, a channel, a password, the contact center
provisioned at run time) is appended here as a plain typed change, numbered in order and stamped with
the simulated time. Notification, statistics, the console and recording are subscribers: each is handed
every event in order, during the action that caused it, and none knows of the others.

A subscriber must not raise: a failing subscriber is a bug in it, so the stream lets the exception
through to the action (tests see it at once) rather than hide it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .changes import CenterChanged, PasswordChanged, QueueCallChanged, ServiceStateChanged, WorldReset
from .clock import Clock
from .media.events import ChannelChanged, InteractionMessage, WorkbinMessage
from .voice.events import CallOperationFailed, CallStateChanged, DeviceStateChanged

Change = (
    CallStateChanged
    | CallOperationFailed
    | DeviceStateChanged
    | InteractionMessage
    | WorkbinMessage
    | ChannelChanged
    | PasswordChanged
    | CenterChanged
    | QueueCallChanged
    | ServiceStateChanged
    | WorldReset
)

Subscriber = Callable[["Event"], None]


@dataclass(frozen=True, slots=True)
class Event:
    """One change, in its place in the stream: `seq` counts from 1 in each World, `time` is the
    simulator's clock when it happened."""

    seq: int
    time: float
    change: Change

    @property
    def kind(self) -> str:
        return type(self.change).__name__


class EventStream:
    """Appends changes in order and hands each to every subscriber, in the order they subscribed."""

    __slots__ = ("_clock", "_seq", "_subscribers")

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._seq = 0
        self._subscribers: list[Subscriber] = []

    @property
    def seq(self) -> int:
        """The sequence number of the last event appended (0 before the first)."""
        return self._seq

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Hand every event from now on to `subscriber`; returns the function that stops it."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def append(self, change: Change) -> Event:
        self._seq += 1
        event = Event(self._seq, self._clock.now(), change)
        for subscriber in tuple(self._subscribers):
            subscriber(event)
        return event

    def extend(self, changes: Iterable[Change]) -> None:
        for change in changes:
            self.append(change)


def plain(event: Event) -> dict[str, Any]:
    """The event as plain data (for recording, comparing and the console): kind, seq, time and fields."""
    change = event.change
    fields = {name: _plain(getattr(change, name)) for name in change.__dataclass_fields__}
    return {"seq": event.seq, "time": event.time, "kind": event.kind, **fields}


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
