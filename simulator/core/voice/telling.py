"""How the voice engine tells: after each action it renders every leg and device the action touched,
compares each with what that user was last told, and emits the difference as events (see telephony's
docstring for which change gives which event). Then queue routing hears what was touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..clock import Clock
from .call import Call, Leg
from .device import DeviceVoice
from .directory import Directory, Line
from .events import CallStateChanged, CallView, DeviceStateChanged, DeviceView, VoiceEvent
from .monitoring import Monitoring, device_monitoring
from .options import VoiceOptions
from .queueing_hook import QueueRouting
from .views import kind_of_change, participants, user_data_copy
from .visibility import call_monitoring


class Telling:
    """The dirty sets and what each user was told, of `Telephony`, its base."""

    _directory: Directory
    _clock: Clock
    _options: VoiceOptions
    _wall_clock: Callable[[], float]
    _emit: Callable[[VoiceEvent], None]
    _calls: dict[str, Call]
    _devices: dict[str, DeviceVoice]
    _device_legs: dict[str, list[Leg]]
    _monitorings: dict[str, Monitoring]
    _told_calls: dict[Leg, CallView]
    _told_devices: dict[str, DeviceView]
    _dirty_calls: dict[Call, None]
    _dirty_devices: dict[str, None]
    _outbox: list[VoiceEvent]
    router: QueueRouting | None

    if TYPE_CHECKING:  # the engine's own helpers (see telephony.Telephony and supervision)

        def _device(self, device_id: str) -> DeviceVoice: ...
        def _user_of(self, device_id: str) -> str | None: ...
        def _monitor_pass(self) -> None: ...

    def _touch(self, leg: Leg) -> None:
        self._dirty_calls[leg.call] = None
        self._dirty_devices[leg.device_id] = None

    def _touch_call(self, call: Call) -> None:
        self._dirty_calls[call] = None

    def _wall_time(self) -> float:
        return self._wall_clock()

    def _timed(self, action: Callable[..., None], *args: Any) -> None:
        """A timer firing is an action like any other: change, then tell."""
        action(*args)
        self._flush()

    def _view(self, leg: Leg) -> CallView:
        call = leg.call
        monitoring, listening_in, user_muted = call_monitoring(leg) if self._monitorings else ({}, False, False)
        return CallView(
            id=call.id,
            state=leg.state,
            call_uuid=call.uuid,
            call_type=call.call_type,
            device_id=leg.device_id,
            phone_number=leg.number,
            participants=participants(leg),
            ani=call.ani,
            dnis=call.dnis,
            user_data=user_data_copy(call.user_data),
            duration=max(0, int(self._clock.now() - leg.started_at)),
            mute=leg.mute,
            recording_state=leg.recording_state if self._options.recording else None,
            capabilities=leg.capabilities,
            monitoring=monitoring,
            supervisor_listening_in=listening_in,
            monitored_user_muted=user_muted,
        )

    def _call_event(
        self, kind: str, leg: Leg, *, digits: str | None = None, sent_by: str | None = None
    ) -> CallStateChanged:
        return CallStateChanged(
            kind, self._user_of(leg.device_id), leg.device_id, leg.number, self._view(leg), digits, sent_by
        )

    def _device_view(self, line: Line) -> DeviceView:
        device = self._device(line.device_id)
        monitor = self._monitorings.get(line.device_id)
        return DeviceView(
            device_id=line.device_id,
            phone_number=line.phone_number,
            user_id=line.user_id,
            device_state=device.device_state,
            user_state=device.render_user_state(self._directory.agent_states().values()),
            do_not_disturb=device.dnd,
            forward_to=device.forward_to,
            capabilities=device.capabilities,
            supervisor_monitoring=device_monitoring(monitor),
            supervisor_id=monitor.supervisor_id if monitor is not None and monitor.active else None,
        )

    def _flush(self) -> None:
        """Tell every user what changed for them in this action, then forget released legs and ended calls."""
        self._monitor_pass()
        calls = dict(self._dirty_calls)
        for device_id in self._dirty_devices:
            for leg in self._device_legs.get(device_id, []):
                calls[leg.call] = None
        self._dirty_calls.clear()
        outbox, self._outbox = self._outbox, []
        for event in outbox:
            self._emit(event)
        for call in sorted(calls, key=lambda c: c.seq):
            for leg in [party for party in call.parties if isinstance(party, Leg)]:
                view = self._view(leg)
                told = self._told_calls.get(leg)
                kind = kind_of_change(told, view)
                if told is None and not leg.live:
                    kind = None  # rung and dropped within one action: its user never saw it, nothing to undo
                if kind is not None:
                    self._emit(CallStateChanged(kind, self._user_of(leg.device_id), leg.device_id, leg.number, view))
                if leg.live:
                    self._told_calls[leg] = view
                else:
                    self._told_calls.pop(leg, None)
            call.parties = [party for party in call.parties if party.live]
            if not call.parties and self._calls.get(call.id) is call:
                del self._calls[call.id]
        devices = list(self._dirty_devices)
        self._dirty_devices.clear()
        touched = {leg.device_id for call in calls for leg in call.parties if isinstance(leg, Leg)}
        touched.update(devices)
        for device_id in devices:
            line = self._directory.line_of_device(device_id)
            if line is None or device_id not in self._devices:
                continue
            shown = self._device_view(line)
            if self._told_devices.get(device_id) != shown:
                self._told_devices[device_id] = shown
                self._emit(DeviceStateChanged(line.user_id, shown))
        if self.router is not None:
            self.router.after_action(touched, [call.id for call in calls])
