"""What the engine shows of a leg: its participants, the kind of change since a user was last told, and
parties as plain data for snapshots. Pure functions: what a client was told always equals what GET shows
because both come from here."""

from __future__ import annotations

import copy
from typing import Any

from .call import Call, Leg, RemoteParty
from .events import ATTACHED_DATA_CHANGED, PARTICIPANTS_UPDATED, RECORDING_STATE_CHANGE, STATUS_CHANGE, CallView
from .visibility import visible_parties


def user_data_copy(user_data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a call's attached data that later changes to the call cannot reach. Most calls carry
    none, and a deep copy of an empty dict still walks copy's dispatch: each view and document takes one."""
    return copy.deepcopy(user_data) if user_data else {}


def participants(leg: Leg) -> tuple[str, ...]:
    """Everyone else live on the call the leg is shown (a silent supervisor is not, see `monitoring`), in
    joining order; a released leg keeps those it had when it left."""
    if not leg.live:
        return leg.final_participants
    return visible_parties(leg)


def kind_of_change(told: CallView | None, now: CallView) -> str | None:
    if told is None or told.state != now.state:
        return STATUS_CHANGE
    if told.recording_state != now.recording_state:
        return RECORDING_STATE_CHANGE
    if told.participants != now.participants:
        return PARTICIPANTS_UPDATED
    if told.user_data != now.user_data:
        return ATTACHED_DATA_CHANGED
    if not told.same_but_duration(now):
        return STATUS_CHANGE
    return None


def party_data(party: Leg | RemoteParty) -> dict[str, Any]:
    if isinstance(party, Leg):
        return {
            "device": party.device_id,
            "number": party.number,
            "state": party.state,
            "mute": party.mute,
            "recording": party.recording_state,
            "established": party.ever_established,
            "placedBy": party.placed_by,
            "monitors": party.monitor.device_id if party.monitor is not None else None,
        }
    return {"number": party.number, "state": party.state, "placedBy": party.placed_by}


def call_data(call: Call) -> dict[str, Any]:
    return {
        "uuid": call.uuid,
        "type": call.call_type,
        "ani": call.ani,
        "dnis": call.dnis,
        "userData": user_data_copy(call.user_data),
        "consultOf": call.consult_of.id if call.consult_of else None,
        "consultDevice": call.consult_device,
        "purpose": call.purpose,
        "consults": {device: consult.id for device, consult in call.consults.items()},
        "parties": [party_data(party) for party in call.parties],
    }
