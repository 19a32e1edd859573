"""What the voice engine answers without changing anything: a user's calls, a device's state, whether
a device is free, the state as plain data. Every query reads an index (legs by device, calls by id), so
its cost does not grow with the contact center.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from ..clock import Clock
from .call import Call, Leg, RemoteParty
from .device import DeviceVoice
from .directory import Directory, Line
from .events import CallView, DeviceView
from .monitoring import Monitoring
from .refusal import not_found
from .views import call_data


class VoiceQueries:
    """The read-only queries of `Telephony`, its base."""

    _directory: Directory
    _clock: Clock
    _random: random.Random
    _seq: int
    _calls: dict[str, Call]
    _devices: dict[str, DeviceVoice]
    _device_legs: dict[str, list[Leg]]
    _told_devices: dict[str, DeviceView]
    _monitorings: dict[str, Monitoring]
    _supervising: dict[str, dict[str, None]]

    if TYPE_CHECKING:  # the engine's own helpers (see telephony.Telephony and telling)

        def _view(self, leg: Leg) -> CallView: ...
        def _device_view(self, line: Line) -> DeviceView: ...
        def _device(self, device_id: str) -> DeviceVoice: ...
        def _leg_for(self, user_id: str, call_id: str) -> Leg: ...

    def call_view(self, user_id: str, call_id: str) -> CallView:
        """The user's leg of the call, as GET /me/calls/{id} shows it."""
        return self._view(self._leg_for(user_id, call_id))

    def calls_of_user(self, user_id: str) -> list[CallView]:
        """The user's live legs on all their devices, as GET /me/calls lists them."""
        devices = self._directory.devices_of_user(user_id)
        return [view for device_id in devices for view in self.calls_of_device(device_id)]

    def calls_of_device(self, device_id: str) -> list[CallView]:
        return [self._view(leg) for leg in self._device_legs.get(device_id, [])]

    def device_free(self, device_id: str) -> bool:
        """Whether the device could take a call now: it exists, has no call at all, is Ready (not in
        after-call work) and not in Do Not Disturb. A lookup of the device alone: what routing asks of
        every device an action touched."""
        if self._device_legs.get(device_id) or self._directory.line_of_device(device_id) is None:
            return False
        device = self._devices.get(device_id)
        return device is not None and device.available

    def has_call(self, call_id: str) -> bool:
        return call_id in self._calls

    def leg_state(self, device_id: str, call_id: str) -> str | None:
        """The state of the device's leg of the call, None when it has none."""
        for leg in self._device_legs.get(device_id, ()):
            if leg.call.id == call_id:
                return leg.state
        return None

    def device_view(self, device_id: str) -> DeviceView:
        line = self._directory.line_of_device(device_id)
        if line is None:
            raise not_found(f"device {device_id}")
        return self._device_view(line)

    def logged_in(self, user_id: str) -> bool:
        """Whether a session goes on on one of the agent's devices."""
        return any(self._device(device_id).logged_in for device_id in self._directory.devices_of_user(user_id))

    def operations_of_device(self, device_id: str) -> tuple[str, ...]:
        """The agent-state operations valid on the device now (not part of the reference's capabilities)."""
        return self._device(device_id).agent_operations

    def remote_parties(self, call_id: str) -> list[tuple[str, str]]:
        """The external parties of a call as (number, state), for the world's control API."""
        call = self._calls.get(call_id)
        if call is None:
            raise not_found(f"call {call_id}")
        remote = [p for p in call.parties if isinstance(p, RemoteParty) and p.live and not p.unreachable]
        return [(party.number, party.state) for party in remote]

    def consultation(self, user_id: str, call_id: str) -> tuple[str, str] | None:
        """(original call id, consult call id) if the user's leg of this call is part of a consultation it
        started with InitiateTransfer / InitiateConference; what CompleteTransfer/Conference act on."""
        leg = self._leg_for(user_id, call_id)
        call = leg.call
        if call.consult_of is not None and call.consult_device == leg.device_id:
            return call.consult_of.id, call.id
        consult = call.consults.get(leg.device_id)
        return (call.id, consult.id) if consult is not None else None

    def call_snapshot(self, call_id: str) -> dict[str, Any]:
        """One call going on as plain data, as `snapshot` shows it."""
        call = self._calls.get(call_id)
        if call is None:
            raise not_found(f"call {call_id}")
        return call_data(call)

    def call_ids(self) -> list[str]:
        """Every call still going on, including ones only external parties remain on."""
        return list(self._calls)

    def sizes(self) -> dict[str, int]:
        """How many entries the engine's tables of calls and devices hold (tests check that devices which
        come and go leave none behind)."""
        return {
            "calls": len(self._calls),
            "devices": len(self._devices),
            "device legs": len(self._device_legs),
            "devices told": len(self._told_devices),
            "monitorings": len(self._monitorings),
            "supervising": len(self._supervising) + sum(map(len, self._supervising.values())),
        }

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain data: equal before and after a refused operation, by construction."""
        calls = {call.id: call_data(call) for call in self._calls.values()}
        devices = {
            device_id: {
                "agent": device.agent_state,
                "dnd": device.dnd,
                "forwarding": device.forwarding,
                "forwardTo": device.forward_to,
                "reason": device.reason,
                "workMode": device.work_mode,
                "wrapUp": device.wrap_up_token,
                "legs": [leg.call.id for leg in self._device_legs.get(device_id, [])],
            }
            for device_id, device in self._devices.items()
            if not device.untouched() or self._device_legs.get(device_id)
        }
        pending = getattr(self._clock, "pending", None)
        return {
            "seq": self._seq,
            "random": self._random.getstate(),
            "calls": calls,
            "devices": devices,
            "monitoring": {device_id: monitor.data() for device_id, monitor in self._monitorings.items()},
            "timers": pending() if callable(pending) else None,
        }
