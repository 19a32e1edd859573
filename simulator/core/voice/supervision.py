"""The monitoring operations of `Telephony` (its base, as `CallOperations` is) and how the supervisor's
leg follows the monitored calls. The table and readings are in `monitoring`.

The operation takes the engine's one path: find the devices, read the parameters, ask the table (and
whether another supervisor monitors the device), then change. The supervisor's legs are kept by one pass
over the calls an action touched, run before the engine tells anyone (`monitor_pass`): a monitored
device's established leg gets its supervisor, a supervisor's leg whose monitoring ended or whose agent
left (scope Agent) is released. So every way a call changes (an operation, a timer, the world) is
followed without any of them knowing about monitoring.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .call import ESTABLISHED, LIVE, Call, Leg
from .monitoring import (
    ALL_CALLS,
    CANCEL,
    NEXT_CALL,
    SCOPE_AGENT,
    SUPERVISOR_OPERATIONS,
    Monitoring,
    read_monitor_params,
)
from .refusal import INVALID, Refusal, bad_parameter, invalid_state, not_found

if TYPE_CHECKING:
    from .device import DeviceVoice
    from .directory import Directory, Line


class SupervisorMonitoring:
    """ListenIn, Coach, Bargain and CancelSupervisorMonitoring, and the supervisor's legs."""

    _monitorings: dict[str, Monitoring]
    _supervising: dict[str, dict[str, None]]  # a supervisor's device -> the devices it monitors
    _directory: Directory
    _device_legs: dict[str, list[Leg]]
    _dirty_calls: dict[Call, None]
    _dirty_devices: dict[str, None]

    if TYPE_CHECKING:  # the engine's helpers (see telephony.Telephony)

        def _line(self, device_id: str) -> Line: ...
        def _device(self, device_id: str) -> DeviceVoice: ...
        def _touch(self, leg: Leg) -> None: ...
        def _touch_call(self, call: Call) -> None: ...
        def _flush(self) -> None: ...
        def _new_leg(self, call: Call, line: Line, state: str, *, placed_by: str | None = None) -> Leg: ...
        def _release_leg(self, leg: Leg, trigger: str, *, wrap_up: bool = True) -> None: ...
        def _settle(self, call: Call) -> None: ...

    def supervise(
        self, supervisor_id: str, device_id: str, operation: str, params: Mapping[str, Any] | None = None
    ) -> None:
        """A monitoring operation by a supervisor on an agent's device (POST /devices/{id})."""
        if operation not in SUPERVISOR_OPERATIONS:
            raise bad_parameter("operationName", f"{operation!r} is not a supervisor monitoring operation")
        line = self._line(device_id)
        own = self._supervisor_device(supervisor_id, line)
        values = read_monitor_params(operation, params or {})
        monitor = self._monitorings.get(device_id) or Monitoring(device_id)
        if monitor.active and monitor.supervisor_id != supervisor_id:
            what = f"{operation} on device {device_id}: another supervisor is monitoring it"
            raise Refusal(INVALID, what, state=monitor.state)
        if not monitor.may(operation):
            state = monitor.state if monitor.active else "absent"
            raise invalid_state(f"{operation} on device {device_id} (supervisorMonitoringState {state})", monitor.state)
        self._device(device_id)  # a first look at the device is not a change
        self._monitorings[device_id] = monitor
        if operation == CANCEL:
            self._end_monitoring(monitor, CANCEL)
        else:
            if not monitor.active:
                monitor.supervisor_id, monitor.supervisor_device = supervisor_id, own
                monitor.mode, monitor.scope = ALL_CALLS, SCOPE_AGENT
                monitor.joined, monitor.left = False, None
                self._supervising.setdefault(own, {})[device_id] = None
            monitor.fire(operation)
            monitor.mode = values.get("supervisorMonitoringMode") or monitor.mode
            monitor.scope = values.get("supervisorMonitoringScope") or monitor.scope
            self._dirty_devices[device_id] = None
        for device in (device_id, own):  # who sees whom changes with the state, on both phones' calls
            for leg in self._device_legs.get(device, ()):
                self._touch_call(leg.call)
        self._flush()

    def _supervisor_device(self, supervisor_id: str, line: Line) -> str:
        devices = list(self._directory.devices_of_user(supervisor_id))
        if not devices:
            raise not_found(f"a device of supervisor {supervisor_id} to monitor with")
        if line.user_id == supervisor_id or line.device_id in devices:
            raise bad_parameter("device", f"{line.device_id} is the supervisor's own device")
        return devices[0]

    def supervisor_capabilities(self, device_id: str, supervisor_id: str) -> tuple[str, ...]:
        """The monitoring operations `supervisor_id` may post on the device now: none while another
        supervisor monitors it, none on one's own device or without a device to monitor with."""
        line = self._directory.line_of_device(device_id)
        if line is None:
            return ()
        try:
            self._supervisor_device(supervisor_id, line)
        except Refusal:
            return ()
        monitor = self._monitorings.get(device_id)
        if monitor is None:
            monitor = Monitoring(device_id)
        elif monitor.active and monitor.supervisor_id != supervisor_id:
            return ()
        return tuple(name for name in SUPERVISOR_OPERATIONS if monitor.may(name))

    def monitoring_of(self, device_id: str) -> Monitoring | None:
        monitor = self._monitorings.get(device_id)
        return monitor if monitor is not None and monitor.active else None

    # ------------------------------------------------------------------ the supervisor's legs

    def _monitor_pass(self) -> None:
        """Join and leave the calls this action touched, as the monitorings say (nothing to do in a
        contact center where nobody ever monitored)."""
        if not self._monitorings:
            return
        calls = dict(self._dirty_calls)
        for device_id in self._dirty_devices:
            for leg in self._device_legs.get(device_id, ()):
                calls[leg.call] = None
        for call in calls:
            for party in list(call.parties):
                if not isinstance(party, Leg) or not party.live:
                    continue
                if party.monitor is not None:
                    self._keep_or_release(party)
                elif party.state == ESTABLISHED:
                    monitor = self._monitorings.get(party.device_id)
                    if monitor is not None and monitor.active:
                        self._join(monitor, party)

    def _join(self, monitor: Monitoring, agent: Leg) -> None:
        call = agent.call
        if monitor.left == call.id or (monitor.mode == NEXT_CALL and monitor.joined):
            return
        if any(getattr(party, "monitor", None) is monitor for party in call.live_parties()):
            return
        device = monitor.supervisor_device
        line = self._directory.line_of_device(device) if device is not None else None
        if line is None or any(leg.state in LIVE for leg in self._device_legs.get(line.device_id, ())):
            return  # the supervisor's phone is busy (or gone): this call goes unmonitored
        leg = self._new_leg(call, line, ESTABLISHED)
        leg.monitor = monitor
        leg.ever_established = False  # monitoring is not a call the supervisor handled: no after-call work
        monitor.joined = True
        self._touch_call(call)

    def _keep_or_release(self, leg: Leg) -> None:
        monitor = leg.monitor
        assert monitor is not None
        gone = not monitor.active or monitor.supervisor_device != leg.device_id
        if gone or (monitor.scope == SCOPE_AGENT and leg.call.leg_of(monitor.device_id) is None):
            self._release_leg(leg, "released", wrap_up=False)
            self._settle(leg.call)

    def _monitor_left(self, leg: Leg) -> None:
        """The supervisor's leg is released: NextCall monitoring is over; AllCalls skips this call."""
        monitor = leg.monitor
        if monitor is None or not monitor.active or monitor.supervisor_device != leg.device_id:
            return
        if monitor.mode == NEXT_CALL:
            self._end_monitoring(monitor, "monitoring_over")
        else:
            monitor.left = leg.call.id

    def _end_monitoring(self, monitor: Monitoring, trigger: str) -> None:
        """The one way a monitoring ends (cancelled, its one call over, a device of it taken back, its
        supervisor demoted): the monitored device is told (through its next flush) and the supervisor's
        device no longer leads to it."""
        monitor.fire(trigger)
        monitor.supervisor_id = None
        device = monitor.supervisor_device
        if device is not None:
            monitored = self._supervising.get(device)
            if monitored is not None:
                monitored.pop(monitor.device_id, None)
                if not monitored:
                    del self._supervising[device]
        self._dirty_devices[monitor.device_id] = None

    def end_supervision(self, device_ids: Iterable[str]) -> None:
        """The user holding these devices is a supervisor no more (ROLE_SUPERVISOR taken away): every
        monitoring they conduct ends as when their devices are taken from them (removed), told the same
        way, and their legs on the monitored calls are released."""
        for device_id in device_ids:
            self._end_monitorings_by(device_id)
        if self._dirty_devices:
            self._flush()

    def end_every_supervision(self) -> None:
        """Supervisor monitoring is switched off: every monitoring ends, told as when a supervisor is
        demoted, rather than go on where no supervisor could start one or cancel it."""
        self.end_supervision(list(self._supervising))

    def _end_monitorings_by(self, device_id: str) -> None:
        """End every monitoring the supervisor conducts from `device_id` (the device is being taken from
        them): its next holder must not listen in on agents it never chose."""
        for monitored in list(self._supervising.get(device_id, ())):
            monitor = self._monitorings[monitored]
            if monitor.active:
                self._end_monitoring(monitor, "monitoring_over")
