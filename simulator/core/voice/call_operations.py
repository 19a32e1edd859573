"""The call operations, one handler per operationName, and the table `Telephony.operate` dispatches through.

A handler runs only after the engine has found the user's leg, read the parameters (`call_params`) and
asked the leg's machine whether the operation is valid now; a handler resolves what the parameters point
at (raising before it changes anything) and then changes the call through the engine's network helpers,
which mark what they touch so the engine tells every user afterwards. Kept apart from the engine so
that what each operation does reads as one list.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .call import CALL_OPERATIONS, CONFERENCE, CONSULT, DIALING, HELD, TRANSFER, Call, Leg, RemoteParty
from .events import DTMF_SENT, CallStateChanged, VoiceEvent
from .recording_data import record_user_data
from .refusal import NOT_FOUND, Refusal, bad_parameter, invalid_state

if TYPE_CHECKING:
    from .directory import Line


class CallOperations:
    """The call operations of `Telephony`, its base: they need its calls and its network helpers."""

    _calls: dict[str, Call]
    _outbox: list[VoiceEvent]
    _device_legs: dict[str, list[Leg]]

    if TYPE_CHECKING:  # the engine's helpers the handlers change calls through (see telephony.Telephony)

        def _touch(self, leg: Leg) -> None: ...
        def _wall_time(self) -> float: ...
        def _owned_line(self, user_id: str, device_id: str) -> Line: ...
        def _flush(self) -> None: ...
        def _touch_call(self, call: Call) -> None: ...
        def _line(self, device_id: str) -> Line: ...
        def _new_call(self, call_type: str, *, ani: str, dnis: str, user_data: dict[str, Any]) -> Call: ...
        def _new_leg(self, call: Call, line: Line, state: str, *, placed_by: str | None = None) -> Leg: ...
        def _add_party(self, call: Call, number: str, placed_by: str | None) -> None: ...
        def _connect_dialers(self, call: Call) -> None: ...
        def _release_leg(self, leg: Leg, trigger: str, *, wrap_up: bool = True) -> None: ...
        def _release_party(self, party: Leg | RemoteParty) -> None: ...
        def _settle(self, call: Call) -> None: ...
        def _move_parties(self, source: Call, target: Call) -> None: ...
        def _call_event(
            self, kind: str, leg: Leg, *, digits: str | None = None, sent_by: str | None = None
        ) -> CallStateChanged: ...

    def _op_Answer(self, leg: Leg) -> None:
        leg.fire("Answer")
        leg.ever_established = True
        self._connect_dialers(leg.call)
        self._touch(leg)

    def _op_ClearCall(self, leg: Leg) -> None:
        """Reading (gws-notes): ClearCall on a ringing or established call clears the whole call, for every
        party."""
        call = leg.call
        self._release_leg(leg, "ClearCall")
        for party in call.live_parties():
            self._release_party(party)
        self._settle(call)

    def _op_Hangup(self, leg: Leg) -> None:
        self._release_leg(leg, "Hangup")
        self._settle(leg.call)

    def _op_Hold(self, leg: Leg) -> None:
        leg.fire("Hold")
        self._touch(leg)

    def _op_Retrieve(self, leg: Leg) -> None:
        leg.fire("Retrieve")
        self._touch(leg)

    def _op_SingleStepTransfer(self, leg: Leg, destination: str) -> None:
        """The destination joins the call and the transferring agent leaves it at once (a blind transfer);
        if the destination then turns out busy, the remaining party is left alone and the call ends."""
        self._check_new_party(leg, destination)
        self._release_leg(leg, "SingleStepTransfer")
        self._add_party(leg.call, destination, placed_by=leg.device_id)
        self._settle(leg.call)

    def _op_SingleStepConference(self, leg: Leg, destination: str) -> None:
        """The destination is rung on this call; it is a participant from the moment it rings."""
        self._check_new_party(leg, destination)
        leg.fire("SingleStepConference")
        self._add_party(leg.call, destination, placed_by=leg.device_id)

    def _op_InitiateTransfer(self, leg: Leg, destination: str) -> None:
        self._consult(leg, destination, TRANSFER)

    def _op_InitiateConference(self, leg: Leg, destination: str) -> None:
        self._consult(leg, destination, CONFERENCE)

    def _consult(self, leg: Leg, destination: str, purpose: str) -> None:
        """Hold this call and dial the destination on a new call of callType Consult, which carries a copy
        of this call's userData (as a consultation does in the reference's platform)."""
        self._check_new_party(leg, destination)
        original = leg.call
        leg.fire("InitiateTransfer" if purpose == TRANSFER else "InitiateConference")
        self._touch(leg)
        line = self._line(leg.device_id)
        consult = self._new_call(CONSULT, ani=leg.number, dnis=destination, user_data=copy.deepcopy(original.user_data))
        consult.consult_of = original
        consult.consult_device = leg.device_id
        consult.purpose = purpose
        original.consults[leg.device_id] = consult
        self._new_leg(consult, line, DIALING)
        self._add_party(consult, destination, placed_by=leg.device_id)

    def _op_CompleteTransfer(self, leg: Leg, consult_call: str | None) -> None:
        """Join the original call's other parties with the consulted ones on the original call, and
        release the transferring agent from both calls. Posted on either call of the pair."""
        original, consult = self._pair(leg, consult_call, required=False)
        device_id = leg.device_id
        on_original, on_consult = original.leg_of(device_id), consult.leg_of(device_id)
        assert on_original is not None and on_consult is not None
        self._release_leg(leg, "CompleteTransfer")
        self._release_leg(on_consult if leg is on_original else on_original, "released")
        self._move_parties(consult, original)
        self._settle(original)
        self._settle(consult)

    def _op_CompleteConference(self, leg: Leg, consult_call: str | None) -> None:
        """Bring the consult call's other parties into the original call, which the agent retrieves;
        the consult call ends. Posted on either call of the pair; consultCallUri names the consult call."""
        original, consult = self._pair(leg, consult_call, required=True)
        on_original, on_consult = original.leg_of(leg.device_id), consult.leg_of(leg.device_id)
        assert on_original is not None and on_consult is not None
        if leg is on_original:
            leg.fire("CompleteConference")
            self._release_leg(on_consult, "released", wrap_up=False)
        else:
            self._release_leg(leg, "CompleteConference", wrap_up=False)
            on_original.fire("retrieved")
        self._touch(on_original)
        self._move_parties(consult, original)
        self._settle(consult)

    def _op_RemoveParticipantFromConference(self, leg: Leg, participant: str) -> None:
        party = leg.call.party_numbered(participant)
        if party is None or party is leg:
            raise bad_parameter("participant", f"{participant} is not another participant of call {leg.call.id}")
        leg.fire("RemoveParticipantFromConference")
        self._release_party(party)
        self._settle(leg.call)

    def _op_SendDtmf(self, leg: Leg, digits: str) -> None:
        leg.fire("SendDtmf")
        self._outbox.append(self._call_event(DTMF_SENT, leg, digits=digits, sent_by=leg.number))

    def _op_SwapCalls(self, leg: Leg, other_call: str) -> None:
        other = self._other_held_leg(leg, other_call)
        leg.fire("SwapCalls")
        other.fire("retrieved")
        self._touch(leg)
        self._touch(other)

    def _op_MergeWithOtherCall(self, leg: Leg, other_call: str) -> None:
        """The other (held) call's parties join this call; the device's leg on the other call is released."""
        other = self._other_held_leg(leg, other_call)
        leg.fire("MergeWithOtherCall")
        self._release_leg(other, "released", wrap_up=False)
        self._move_parties(other.call, leg.call)
        self._settle(other.call)

    def _op_AttachUserData(self, leg: Leg, user_data: dict[str, Any]) -> None:
        """Reading: a JSON object cannot hold a key twice, so attaching an existing key replaces its value."""
        leg.fire("AttachUserData")
        leg.call.user_data.update(copy.deepcopy(user_data))
        self._touch_call(leg.call)

    def _op_UpdateUserData(self, leg: Leg, user_data: dict[str, Any]) -> None:
        leg.fire("UpdateUserData")
        leg.call.user_data.update(copy.deepcopy(user_data))
        self._touch_call(leg.call)

    def _op_DeleteUserData(self, leg: Leg, user_data: dict[str, Any] | None) -> None:
        """Reading: deletes the keys named in `userData` (values ignored); without `userData`, all keys."""
        leg.fire("DeleteUserData")
        if user_data is None:
            leg.call.user_data.clear()
        else:
            for key in user_data:
                leg.call.user_data.pop(key, None)
        self._touch_call(leg.call)

    def _op_DeleteUserDataPair(self, leg: Leg, key: str) -> None:
        if key not in leg.call.user_data:
            raise bad_parameter("key", f"{key!r} is not in the call's userData")
        leg.fire("DeleteUserDataPair")
        del leg.call.user_data[key]
        self._touch_call(leg.call)

    def _op_MuteCall(self, leg: Leg) -> None:
        leg.fire("MuteCall")
        self._touch(leg)

    def _op_UnmuteCall(self, leg: Leg) -> None:
        leg.fire("UnmuteCall")
        self._touch(leg)

    def _op_StartCallRecording(self, leg: Leg) -> None:
        self._recording(leg, "StartCallRecording")

    def _op_PauseCallRecording(self, leg: Leg) -> None:
        self._recording(leg, "PauseCallRecording")

    def _op_ResumeCallRecording(self, leg: Leg) -> None:
        self._recording(leg, "ResumeCallRecording")

    def _op_StopCallRecording(self, leg: Leg) -> None:
        self._recording(leg, "StopCallRecording")

    def _recording(self, leg: Leg, operation: str) -> None:
        """A recording operation, and the call's recording user data (`recording_data`) with it."""
        leg.fire(operation)
        record_user_data(leg, operation == "StartCallRecording", self._wall_time())
        self._touch(leg)
        self._touch_call(leg.call)

    def stop_device_recording(self, user_id: str, device_id: str) -> None:
        """StopCallRecording posted on a device: every recording of the device's calls stops ("Recording
        stops when ... StopCallRecording is called either on the call or on the device"); refused (2)
        when none is recording."""
        self._owned_line(user_id, device_id)
        legs = [leg for leg in self._device_legs.get(device_id, ()) if leg.may("StopCallRecording")]
        if not legs:
            raise invalid_state(f"StopCallRecording on device {device_id} (no call is being recorded)", "Stopped")
        for leg in legs:
            self._op_StopCallRecording(leg)
        self._flush()

    # ------------------------------------------------------------------ resolving parameters

    # One handler per call operation, by its operationName: what `operate` dispatches through.
    _CALL_HANDLERS: dict[str, Callable[..., None]] = {
        "Answer": _op_Answer,
        "ClearCall": _op_ClearCall,
        "Hangup": _op_Hangup,
        "Hold": _op_Hold,
        "Retrieve": _op_Retrieve,
        "SingleStepTransfer": _op_SingleStepTransfer,
        "SingleStepConference": _op_SingleStepConference,
        "InitiateTransfer": _op_InitiateTransfer,
        "InitiateConference": _op_InitiateConference,
        "CompleteTransfer": _op_CompleteTransfer,
        "CompleteConference": _op_CompleteConference,
        "RemoveParticipantFromConference": _op_RemoveParticipantFromConference,
        "SendDtmf": _op_SendDtmf,
        "SwapCalls": _op_SwapCalls,
        "MergeWithOtherCall": _op_MergeWithOtherCall,
        "AttachUserData": _op_AttachUserData,
        "UpdateUserData": _op_UpdateUserData,
        "DeleteUserData": _op_DeleteUserData,
        "DeleteUserDataPair": _op_DeleteUserDataPair,
        "MuteCall": _op_MuteCall,
        "UnmuteCall": _op_UnmuteCall,
        "StartCallRecording": _op_StartCallRecording,
        "PauseCallRecording": _op_PauseCallRecording,
        "ResumeCallRecording": _op_ResumeCallRecording,
        "StopCallRecording": _op_StopCallRecording,
    }

    def _check_new_party(self, leg: Leg, destination: str) -> None:
        if destination == leg.number:
            raise bad_parameter("destination", f"{destination} is the device's own number")
        if leg.call.party_numbered(destination) is not None:
            raise bad_parameter("destination", f"{destination} is already on call {leg.call.id}")

    def _pair(self, leg: Leg, consult_call: str | None, *, required: bool) -> tuple[Call, Call]:
        """The (original, consult) pair the leg belongs to; the table's conditions guarantee there is one."""
        call = leg.call
        if call.consult_of is not None and call.consult_device == leg.device_id:
            original, consult = call.consult_of, call
        else:
            original, consult = call, call.consults[leg.device_id]
        if consult_call is not None and consult_call != consult.id:
            problem = f"{consult_call} is not the consult call {consult.id} of call {original.id}"
            raise bad_parameter("consultCallUri", problem)
        return original, consult

    def _other_held_leg(self, leg: Leg, other_call: str) -> Leg:
        if other_call == leg.call.id:
            raise bad_parameter("otherCallUri", f"{other_call} is the call the operation was posted on")
        call = self._calls.get(other_call)
        other = call.leg_of(leg.device_id) if call is not None else None
        if other is None:
            message = f"otherCallUri: call {other_call} not found on this device"
            raise Refusal(NOT_FOUND, message, field="otherCallUri")
        if other.state != HELD:
            raise invalid_state(f"otherCallUri: call {other_call} must be Held; it", other.state)
        return other


# Every call operation of the table has its handler, or the module does not load.
_HANDLED = set(CallOperations._CALL_HANDLERS)
assert set(CALL_OPERATIONS) == _HANDLED, set(CALL_OPERATIONS) ^ _HANDLED
