"""The parameters of every call operation, one row each, and their reading before anything changes.

`CALL_PARAMETERS` is the one declaration of what a call operation takes: the engine reads a request
through it (`read_call_params`), the REST layer publishes it in the OpenAPI document, and
`simulator.testing.strategies` draws parameters from it, so the three cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import params as read
from .call import CALL_OPERATIONS, Leg
from .refusal import Refusal, invalid_state

NUMBER = "number"  # a phone number: a string, or {"phoneNumber": "..."}
CALL = "call"  # another call, by its URI or its id
DIGITS = "digits"  # DTMF digits: 0-9, * and #
USER_DATA = "userData"  # a JSON object of key-value pairs
TEXT = "text"  # a non-empty string


@dataclass(frozen=True)
class Parameter:
    """One parameter of a call operation: its name in the request, its kind, the handler's argument."""

    name: str
    kind: str
    argument: str
    required: bool = True
    description: str = ""


_DESTINATION = Parameter("destination", NUMBER, "destination", description="The number to reach")
_OTHER_CALL = Parameter("otherCallUri", CALL, "other_call", description="The other, held, call of the device")
_USER_DATA = Parameter("userData", USER_DATA, "user_data", description="Key-value pairs attached to the call")

CALL_PARAMETERS: dict[str, tuple[Parameter, ...]] = {
    "SingleStepTransfer": (_DESTINATION,),
    "SingleStepConference": (_DESTINATION,),
    "InitiateTransfer": (_DESTINATION,),
    "InitiateConference": (_DESTINATION,),
    "CompleteTransfer": (
        Parameter("consultCallUri", CALL, "consult_call", required=False, description="The consult call"),
    ),
    "CompleteConference": (Parameter("consultCallUri", CALL, "consult_call", description="The consult call"),),
    "RemoveParticipantFromConference": (
        Parameter("participant", NUMBER, "participant", description="The number of the participant"),
    ),
    "SendDtmf": (Parameter("digits", DIGITS, "digits", description="The digits to send: 0-9, * and #"),),
    "SwapCalls": (_OTHER_CALL,),
    "MergeWithOtherCall": (_OTHER_CALL,),
    "AttachUserData": (_USER_DATA,),
    "UpdateUserData": (_USER_DATA,),
    "DeleteUserData": (
        Parameter("userData", USER_DATA, "user_data", required=False, description="Keys to delete (all when absent)"),
    ),
    "DeleteUserDataPair": (Parameter("key", TEXT, "key", description="The key to delete"),),
}

_READERS: dict[str, Callable[[Mapping[str, Any], Parameter], Any]] = {
    NUMBER: lambda params, p: read.number(params, p.name),
    CALL: lambda params, p: read.call_reference(params, p.name, required=p.required),
    DIGITS: lambda params, p: read.digits(params, p.name),
    USER_DATA: lambda params, p: read.user_data(params, p.name, required=p.required),
    TEXT: lambda params, p: read.text(params, p.name, required=p.required),
}

# Every row names a call operation, and only numbers and digits are always required (their readers say so).
assert set(CALL_PARAMETERS) <= set(CALL_OPERATIONS), set(CALL_PARAMETERS) - set(CALL_OPERATIONS)
assert all(p.required for row in CALL_PARAMETERS.values() for p in row if p.kind in (NUMBER, DIGITS))


def read_call_params(operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The operation's parameters as its handler's arguments; a bad or missing one is refused (1), named."""
    return {p.argument: _READERS[p.kind](params, p) for p in CALL_PARAMETERS.get(operation, ())}


def refusal_on_leg(leg: Leg, operation: str) -> Refusal:
    """The refusal (2) of an operation the leg's state does not allow, naming the state that decides."""
    what = f"{operation} on call {leg.call.id}"
    if operation in ("MuteCall", "UnmuteCall"):
        return invalid_state(f"{what} (mute {leg.mute})", leg.state)
    if operation.endswith("CallRecording"):
        return invalid_state(f"{what} (recordingState {leg.recording_state})", leg.state)
    return invalid_state(what, leg.state)
