"""The voice engine: every call, device and agent-state operation, and what the simulated world does.

One entry point per kind of operation, each following the same path:

1. find the object: statusCode 6 if the device or call does not exist, or if the user has no leg on the
   call (GET /me/calls does not list it either); 5 if the device belongs to another user (the
   reference's "only for objects owned by this agent"),
2. read the parameters (statusCode 1 naming the field),
3. ask the object's machine whether the operation is valid now (statusCode 2 naming the state),
4. resolve what the parameters point at (the consult call, the other call, the participant),
5. only then change things, and emit the events describing the change.

Steps 1-4 never change anything, so a refusal leaves the engine exactly as it was. Timers and the world
(`inbound_call`, `remote_answer`, `remote_hangup`, `remote_send_dtmf`) mutate through the same helpers.

Events are computed, not hand-written: after each action the engine renders every leg and device the
action touched and compares it with what it last told that user. A changed state gives StatusChange, a
changed recordingState CallRecordingStateChange, changed participants ParticipantsUpdated, changed
userData AttachedDataChanged, and any other change (mute, capabilities) StatusChange. So what a client has
been told always equals what a GET would show, and no operation can forget to notify.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from .. import params as read
from ..agent_state import DND_OPERATIONS, LOGGED_OUT, AgentChange
from ..clock import Clock
from .agent_changes import DeviceChange, read_device_change
from .call import (
    CALL_OPERATIONS,
    DIALING,
    ESTABLISHED,
    INBOUND,
    INTERNAL,
    OUTBOUND,
    RINGING,
    Call,
    Leg,
    LegOptions,
    RemoteParty,
)
from .call_operations import CallOperations
from .call_params import read_call_params, refusal_on_leg
from .device import DEVICE_OPERATIONS, DeviceVoice
from .directory import Directory, Line
from .events import (
    DTMF_SENT,
    CallView,
    DeviceView,
    VoiceEvent,
)
from .handback import Handback
from .monitoring import Monitoring
from .network import CallNetwork
from .options import VoiceOptions
from .queries import VoiceQueries
from .queueing_hook import QueueRouting
from .refusal import (
    NOT_FOUND,
    Refusal,
    bad_parameter,
    invalid_state,
    no_permission,
    not_found,
)
from .supervision import SupervisorMonitoring
from .telling import Telling

_UUID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUV"

Sink = Callable[[VoiceEvent], None] | list[VoiceEvent]


class Telephony(VoiceQueries, CallOperations, SupervisorMonitoring, CallNetwork, Telling, Handback):
    """The voice core of one contact center. Synchronous, deterministic for a given seed and clock."""

    def __init__(
        self,
        directory: Directory,
        clock: Clock,
        sink: Sink,
        options: VoiceOptions | None = None,
        seed: int = 0,
        wall_clock: Callable[[], float] | None = None,
    ) -> None:
        """`wall_clock` gives seconds since the epoch for the dates the documents carry; without it the
        clock's own reading (the same for the same inputs, as replays need)."""
        self._directory = directory
        self._clock = clock
        self._emit: Callable[[VoiceEvent], None] = sink.append if isinstance(sink, list) else sink
        self._options = options or VoiceOptions()
        self._leg_options = LegOptions(self._options.mute, self._options.recording, self._options.clear_call)
        self._random = random.Random(seed)
        self._wall_clock = wall_clock or clock.now  # the date in recordings' names
        self._seq = 0
        self._calls: dict[str, Call] = {}
        self._devices: dict[str, DeviceVoice] = {}
        self._device_legs: dict[str, list[Leg]] = {}
        self._monitorings: dict[str, Monitoring] = {}
        self._supervising: dict[str, dict[str, None]] = {}  # a supervisor's device -> the devices it monitors
        self._told_calls: dict[Leg, CallView] = {}
        self._told_devices: dict[str, DeviceView] = {}
        self._dirty_calls: dict[Call, None] = {}
        self._dirty_devices: dict[str, None] = {}
        self._outbox: list[VoiceEvent] = []
        self.router: QueueRouting | None = None  # set by routing.Router: it takes calls to queue numbers

    @property
    def options(self) -> VoiceOptions:
        return self._options

    # ------------------------------------------------------------------ entry points: agents

    def dial(self, user_id: str, device_id: str, destination: Any, user_data: Any = None) -> str:
        """Dial from the user's device (POST /devices/{id}/calls); returns the new call's id.

        `destination` is a number string or `{"phoneNumber": ...}`. An internal number rings that device
        (callType Internal); a voice queue's number puts the call in that queue, Dialing until routing
        offers it to an agent who answers (callType Internal); any other number reaches a simulated remote
        party (callType Outbound).
        A device has one active call at a time: Dial is refused (2) while another call is Dialing or
        Established on it; hold that call first.
        """
        line = self._owned_line(user_id, device_id)
        number = read.number({"destination": destination})
        data = read.user_data({"userData": user_data}, required=False) or {}
        if number == line.phone_number:
            raise bad_parameter("destination", f"{number} is the device's own number")
        active = self._active_leg(device_id)
        if active is not None:
            what = f"Dial on device {device_id} while call {active.call.id} is {active.state}"
            raise invalid_state(what, active.state)
        queue = self.router is not None and self.router.queue_of_number(number) is not None
        call_type = INTERNAL if queue or self._directory.line_of_number(number) is not None else OUTBOUND
        call = self._new_call(call_type, ani=line.phone_number, dnis=number, user_data=data)
        self._new_leg(call, line, DIALING)
        self._add_party(call, number, placed_by=device_id)
        self._flush()
        return call.id

    def operate(self, user_id: str, call_id: str, operation_name: str, params: Mapping[str, Any] | None = None) -> None:
        """Perform a call operation (POST /me/calls/{id} with `operationName`) on the user's leg of the call."""
        if not isinstance(operation_name, str) or operation_name not in CALL_OPERATIONS:
            raise bad_parameter("operationName", f"{operation_name!r} is not a call operation")
        params = self._params(params)
        leg = self._leg_for(user_id, call_id)
        parsed = read_call_params(operation_name, params)
        if not leg.may(operation_name):
            raise refusal_on_leg(leg, operation_name)
        self._CALL_HANDLERS[operation_name](self, leg, **parsed)
        self._flush()

    def device_operate(
        self, user_id: str, device_id: str, operation_name: str, params: Mapping[str, Any] | None = None
    ) -> None:
        """A device or agent-state operation on one of the user's devices (POST /devices/{id}):
        DoNotDisturbOn/Off, ForwardCallsOn/Off, Ready, NotReady, AfterCallWork,
        StartContactCenterSession, EndContactCenterSession, or any agent-state definition's operationName;
        and StopCallRecording, on every call of the device."""
        if operation_name == "StopCallRecording":
            self.stop_device_recording(user_id, device_id)
            return
        self._owned_line(user_id, device_id)
        change = self._plan_device_change(device_id, operation_name, self._params(params))
        self._apply_device_change(device_id, change)
        self._flush()

    def user_operate(self, user_id: str, operation_name: str, params: Mapping[str, Any] | None = None) -> None:
        """The same operations posted on /me: applied to every device of the user, or to none if any refuses."""
        self.apply_user_plan(self.plan_user_operation(user_id, operation_name, params))

    def plan_user_operation(
        self, user_id: str, operation_name: str, params: Mapping[str, Any] | None = None
    ) -> list[tuple[str, AgentChange]]:
        """Check an operation on every device of the user and say what it would change, changing nothing:
        the first half of an operation that spans channels (see `World.agent_operate`)."""
        devices = list(self._directory.devices_of_user(user_id))
        if not devices:
            raise not_found(f"devices of user {user_id}")
        params = self._params(params)
        plan: list[tuple[str, AgentChange]] = []
        passed_over: Refusal | None = None
        for device_id in devices:
            try:
                plan.append((device_id, self._plan_device_change(device_id, operation_name, params)))
            except Refusal as refusal:
                # an agent state goes to the devices logged in, as to the channels logged in (a device
                # assigned since the session started does not stop it), a session to the devices logged out
                # (that one), and Do Not Disturb to the devices not yet as asked (one set alone on
                # POST /devices/{id}); refused only when no device takes it
                passable = operation_name in DND_OPERATIONS or operation_name == "StartContactCenterSession"
                if refusal.state != LOGGED_OUT and not (passable and refusal.state is not None):
                    raise
                passed_over = passed_over or refusal
        if passed_over is not None and not plan:
            raise passed_over
        return plan

    def apply_user_plan(self, plan: list[tuple[str, AgentChange]]) -> None:
        for device_id, change in plan:
            self._apply_device_change(device_id, change)
        self._flush()

    # ------------------------------------------------------------------ entry points: the simulated world

    def inbound_call(self, from_number: Any, to_number: Any, user_data: Any = None, *, dnis: Any = None) -> str:
        """An external caller dials an internal number; returns the call id (callType Inbound).

        The called device rings (or its forward destination does); if it is on Do Not Disturb the caller
        hears busy after `busy_delay` and the call ends. `dnis` is the number the caller actually dialed
        when it is not the device's (a queue's number, for a call routing hands to an agent).
        A voice queue's number, with a router attached, puts the call in that queue (see `routing.calls.Router`).
        """
        caller = read.number({"from": from_number}, "from")
        called = read.number({"to": to_number}, "to")
        dialed = called if dnis is None else read.number({"dnis": dnis}, "dnis")
        data = read.user_data({"userData": user_data}, required=False) or {}
        if self._directory.line_of_number(caller) is not None:
            raise bad_parameter("from", f"{caller} is an internal number; internal calls start with dial")
        queued = self.router is not None and self.router.queue_of_number(called) is not None
        if not queued and self._directory.line_of_number(called) is None:
            raise Refusal(NOT_FOUND, f"to: no device answers {called}", field="to")
        call = self._new_call(INBOUND, ani=caller, dnis=dialed, user_data=data)
        self._new_remote(call, caller, ESTABLISHED, placed_by=None)
        self._add_party(call, called, placed_by=None)  # a queue's number: the caller waits for an agent
        self._flush()
        return call.id

    def remote_answer(self, call_id: str, number: str) -> None:
        """The external party `number` picks up a call that is ringing it."""
        party = self._remote(call_id, number)
        if party.state != RINGING:
            raise invalid_state(f"answer by {number} on call {call_id}", party.state)
        self._remote_answers(party)
        self._flush()

    def remote_hangup(self, call_id: str, number: str) -> None:
        """The external party `number` hangs up (or stops ringing)."""
        party = self._remote(call_id, number)
        self._release_party(party)
        self._settle(party.call)
        self._flush()

    def remote_send_dtmf(self, call_id: str, number: str, digits: Any) -> None:
        """The external party presses keys: every agent on the call gets a DtmfSent with `sent_by`."""
        party = self._remote(call_id, number)
        keys = read.digits({"digits": digits})
        if party.state != ESTABLISHED:
            raise invalid_state(f"DTMF from {number} on call {call_id}", party.state)
        for leg in party.call.legs():
            if leg.live:
                self._outbox.append(self._call_event(DTMF_SENT, leg, digits=keys, sent_by=number))
        self._flush()

    def offer(self, call_id: str, device_id: str) -> None:
        """Routing rings an agent's device with a queued call; routing times the ringing, not this engine."""
        call = self._calls.get(call_id)
        if call is None:
            raise not_found(f"call {call_id}")
        self._new_leg(call, self._line(device_id), RINGING)
        self._flush()

    def withdraw(self, call_id: str, device_id: str) -> None:
        """Routing stops ringing a device that did not answer; the caller stays on the call, queued."""
        call = self._calls.get(call_id)
        leg = call.leg_of(device_id) if call is not None else None
        if leg is not None and leg.state == RINGING:
            self._release_leg(leg, "released", wrap_up=False)
            self._flush()

    @staticmethod
    def _params(params: Mapping[str, Any] | None) -> Mapping[str, Any]:
        if params is None:
            return {}
        if not isinstance(params, Mapping):
            raise bad_parameter("body", "must be a JSON object")
        return params

    # ------------------------------------------------------------------ device operations

    def _plan_device_change(self, device_id: str, operation: Any, params: Mapping[str, Any]) -> AgentChange:
        device = self._device(device_id)
        change = read_device_change(self._directory, self._line(device_id).phone_number, operation, params)
        if not device.may(change.trigger):
            if change.trigger in DEVICE_OPERATIONS:
                aspect = "doNotDisturb" if "Disturb" in change.trigger else "forwarding"
                state = device.dnd if aspect == "doNotDisturb" else device.forwarding
                raise invalid_state(f"{operation} on device {device_id} ({aspect} {state})", state)
            raise invalid_state(f"{operation} on device {device_id}", device.agent_state)
        return change

    def _apply_device_change(self, device_id: str, change: AgentChange) -> None:
        device = self._device(device_id)
        device.apply(change)
        if isinstance(change, DeviceChange):
            device.forward_to = change.forward_to
        elif change.trigger not in DND_OPERATIONS:
            device.wrap_up_token += 1  # a manual state change ends any running wrap-up
        self._dirty_devices[device_id] = None

    def _wrap_up(self, device_id: str) -> None:
        seconds = self._options.wrap_up_seconds
        device = self._device(device_id)
        if not seconds or self._device_legs.get(device_id) or not device.may("wrap_up_started"):
            return
        device.fire("wrap_up_started")
        device.reason, device.work_mode = None, None
        device.wrap_up_token += 1
        token = device.wrap_up_token
        self._clock.call_later(seconds, lambda: self._timed(self._wrap_up_over, device_id, token))
        self._dirty_devices[device_id] = None

    def _wrap_up_over(self, device_id: str, token: int) -> None:
        device = self._device(device_id)
        if device.wrap_up_token == token and device.may("wrap_up_ended"):
            device.fire("wrap_up_ended")
            device.wrap_up_token += 1
            self._dirty_devices[device_id] = None

    # ------------------------------------------------------------------ objects and lookups

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _new_call(self, call_type: str, *, ani: str, dnis: str, user_data: dict[str, Any]) -> Call:
        call_id = f"{self._random.getrandbits(64):016x}"
        while call_id in self._calls:
            call_id = f"{self._random.getrandbits(64):016x}"
        seq = self._next_seq()
        prefix = "".join(self._random.choice(_UUID_ALPHABET) for _ in range(24))
        counter = "".join(_UUID_ALPHABET[(seq >> (5 * shift)) & 31] for shift in reversed(range(8)))
        call = Call(call_id, prefix + counter, call_type, ani, dnis, seq, user_data)
        self._calls[call_id] = call
        self._touch_call(call)
        return call

    def _new_leg(
        self,
        call: Call,
        line: Line,
        state: str,
        *,
        placed_by: str | None = None,
        mute: str = "Off",
        recording: str = "Stopped",
    ) -> Leg:
        legs = self._device_legs.setdefault(line.device_id, [])
        leg = Leg(
            call, line.device_id, line.phone_number, self._next_seq(), self._clock.now(), legs,
            self._leg_options, state, mute=mute, recording=recording, placed_by=placed_by,
        )  # fmt: skip
        call.parties.append(leg)
        legs.append(leg)
        self._touch(leg)
        return leg

    def _new_remote(self, call: Call, number: str, state: str, placed_by: str | None) -> RemoteParty:
        party = RemoteParty(call, number, self._next_seq(), state, placed_by)
        call.parties.append(party)
        self._touch_call(call)
        return party

    def _remote(self, call_id: str, number: str) -> RemoteParty:
        call = self._calls.get(call_id)
        if call is None:
            raise not_found(f"call {call_id}")
        party = call.party_numbered(number)
        if not isinstance(party, RemoteParty) or party.unreachable:
            raise not_found(f"external party {number} on call {call_id}")
        return party

    def _device(self, device_id: str) -> DeviceVoice:
        device = self._devices.get(device_id)
        if device is None:
            line = self._line(device_id)
            device = self._devices[device_id] = DeviceVoice(device_id)
            self._device_legs.setdefault(device_id, [])
            self._told_devices[device_id] = self._device_view(line)  # a first look is not a change
        return device

    def _line(self, device_id: str) -> Line:
        line = self._directory.line_of_device(device_id)
        if line is None:
            raise not_found(f"device {device_id}")
        return line

    def _owned_line(self, user_id: str, device_id: str) -> Line:
        line = self._line(device_id)
        if line.user_id != user_id:
            raise no_permission(f"device {device_id} is not assigned to user {user_id}")
        return line

    def _leg_for(self, user_id: str, call_id: str) -> Leg:
        call = self._calls.get(call_id) if isinstance(call_id, str) else None
        if call is not None:
            for device_id in self._directory.devices_of_user(user_id):
                leg = call.leg_of(device_id)
                if leg is not None:
                    return leg
        raise not_found(f"call {call_id} of user {user_id}")

    def _active_leg(self, device_id: str) -> Leg | None:
        for leg in self._device_legs.get(device_id, []):
            if leg.state in (DIALING, ESTABLISHED):
                return leg
        return None

    def _user_of(self, device_id: str) -> str | None:
        line = self._directory.line_of_device(device_id)
        return line.user_id if line is not None else None
