"""What the statistics know of the contact center, kept from the World's event stream alone.

Queues: the calls waiting (since when) and, since the World started or was reset, the calls answered and
abandoned with their waits. Agents: each one's status as Stat Server's AgentStatus names it
(WaitForNextCall, NotReadyForNextCall, in a call, logged out) and since when. A device's status comes
from its DeviceStateChanged and its live call legs from CallStateChanged; an agent is in a call when a
device of theirs has a live leg, else ready when a device is Ready, else not ready when one is NotReady.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field

from ..core.changes import ABANDONED, ANSWERED, ENTERED, QueueCallChanged
from ..core.voice.events import CallStateChanged, DeviceStateChanged

READY, NOT_READY, IN_CALL, LOGGED_OUT = "WaitForNextCall", "NotReadyForNextCall", "InCall", "LoggedOut"
RELEASED = "Released"


@dataclass
class QueueTally:
    """The calls of one queue; times are seconds on the simulator's clock.

    The waits are kept sorted, so that a sample counts the waits within a time range with two binary
    searches instead of a pass over every call of the day."""

    waiting: dict[str, float] = field(default_factory=dict)  # call id -> time it entered
    answered_waits: list[float] = field(default_factory=list)  # sorted
    abandoned_waits: list[float] = field(default_factory=list)  # sorted
    total_wait: float = 0.0  # of the answered and abandoned calls

    @staticmethod
    def within(waits: list[float], left: float, right: float) -> int:
        """How many of `waits` (one of the sorted lists) are from `left` to `right`, both included."""
        return bisect_right(waits, right) - bisect_left(waits, left)

    @staticmethod
    def longer(waits: list[float], than: float) -> int:
        """How many of `waits` (one of the sorted lists) are longer than `than`."""
        return len(waits) - bisect_right(waits, than)


@dataclass
class _Device:
    user_id: str | None = None
    state: str = "LoggedOut"  # the userState.state of its last DeviceStateChanged
    calls: set[str] = field(default_factory=set)  # ids of its live legs


class Tally:
    """Queues and agents as the events told them."""

    def __init__(self) -> None:
        self.queues: dict[str, QueueTally] = {}
        self._devices: dict[str, _Device] = {}
        self._devices_of: dict[str, set[str]] = {}  # user id -> ids of the devices they hold
        self.agent_status: dict[str, tuple[str, float]] = {}  # user id -> (status, since)

    def queue(self, queue_id: str) -> QueueTally:
        return self.queues.setdefault(queue_id, QueueTally())

    def queue_call(self, change: QueueCallChanged, now: float) -> None:
        tally = self.queue(change.queue_id)
        if change.what == ENTERED:
            tally.waiting[change.call_id] = now
            return
        since = tally.waiting.pop(change.call_id, now)
        if change.what == ANSWERED:
            insort(tally.answered_waits, now - since)
            tally.total_wait += now - since
        elif change.what == ABANDONED:
            insort(tally.abandoned_waits, now - since)
            tally.total_wait += now - since

    def device(self, change: DeviceStateChanged, now: float) -> None:
        device = self._devices.setdefault(change.device.device_id, _Device())
        previous = device.user_id
        device.user_id = change.user_id
        if previous is not None:
            self._devices_of.get(previous, set()).discard(change.device.device_id)
        if change.user_id is not None:
            self._devices_of.setdefault(change.user_id, set()).add(change.device.device_id)
        device.state = change.device.user_state.get("state", "LoggedOut")
        if previous is not None and previous != change.user_id:
            self._status_of(previous, now)
        self._status_of(change.user_id, now)

    def call(self, change: CallStateChanged, now: float) -> None:
        device = self._devices.get(change.device_id)
        if device is None:
            device = self._devices[change.device_id] = _Device(user_id=change.user_id)
            if change.user_id is not None:
                self._devices_of.setdefault(change.user_id, set()).add(change.device_id)
        if change.call.state == RELEASED:
            device.calls.discard(change.call.id)
        else:
            device.calls.add(change.call.id)
        self._status_of(device.user_id, now)

    def _status_of(self, user_id: str | None, now: float) -> None:
        if user_id is None:
            return
        status = LOGGED_OUT  # in a call on any device, else ready on one, else not ready on one
        for device_id in self._devices_of.get(user_id, ()):
            device = self._devices[device_id]
            if device.calls:
                status = IN_CALL
                break
            if device.state == "Ready":
                status = READY
            elif device.state == "NotReady" and status == LOGGED_OUT:
                status = NOT_READY
        current = self.agent_status.get(user_id)
        if current is None or current[0] != status:
            self.agent_status[user_id] = (status, now)
