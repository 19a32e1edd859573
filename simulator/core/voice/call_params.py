"""A call operation's parameters read and checked before anything changes, and the refusal of an
operation the leg's state does not allow: pure functions of the request and the leg."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import params as read
from .call import Leg
from .refusal import VoiceRefusal, invalid_state


def read_call_params(operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
    if operation in ("SingleStepTransfer", "SingleStepConference", "InitiateTransfer", "InitiateConference"):
        return {"destination": read.number(params)}
    if operation == "CompleteTransfer":
        return {"consult_call": read.call_reference(params, "consultCallUri", required=False)}
    if operation == "CompleteConference":
        return {"consult_call": read.call_reference(params, "consultCallUri")}
    if operation == "RemoveParticipantFromConference":
        return {"participant": read.number(params, "participant")}
    if operation == "SendDtmf":
        return {"digits": read.digits(params)}
    if operation in ("SwapCalls", "MergeWithOtherCall"):
        return {"other_call": read.call_reference(params, "otherCallUri")}
    if operation in ("AttachUserData", "UpdateUserData"):
        return {"user_data": read.user_data(params)}
    if operation == "DeleteUserData":
        return {"user_data": read.user_data(params, required=False)}
    if operation == "DeleteUserDataPair":
        return {"key": read.text(params, "key")}
    return {}


def refusal_on_leg(leg: Leg, operation: str) -> VoiceRefusal:
    what = f"{operation} on call {leg.call.id}"
    if operation in ("MuteCall", "UnmuteCall"):
        return invalid_state(f"{what} (mute {leg.mute})", leg.state)
    if operation.endswith("CallRecording"):
        return invalid_state(f"{what} (recordingState {leg.recording_state})", leg.state)
    return invalid_state(what, leg.state)
