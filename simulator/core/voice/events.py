"""The plain data the voice core hands out: views of a call leg and a device, and the events carrying them.

A view is a frozen snapshot taken when the event was made, so a notifier can render it later (or twice)
and get the same document. Events name their target (user and device) so the notifier can deliver to
that user's sessions only; `user_id` is None for a device nobody holds, whose events go nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUS_CHANGE = "StatusChange"
PARTICIPANTS_UPDATED = "ParticipantsUpdated"
ATTACHED_DATA_CHANGED = "AttachedDataChanged"
DTMF_SENT = "DtmfSent"
RECORDING_STATE_CHANGE = "CallRecordingStateChange"


@dataclass(frozen=True)
class CallView:
    """One device's view of a call (its leg), with every field of the reference's `call` object."""

    id: str
    state: str
    call_uuid: str
    call_type: str
    device_id: str
    phone_number: str
    participants: tuple[str, ...]
    ani: str
    dnis: str
    user_data: dict[str, Any] = field(hash=False)
    duration: int
    mute: str
    recording_state: str | None
    capabilities: tuple[str, ...]
    # supervisor monitoring (see `monitoring`): device ids in `monitoring` become URIs when rendered
    monitoring: dict[str, str] = field(default_factory=dict, hash=False)
    supervisor_listening_in: bool = False
    monitored_user_muted: bool = False

    def same_but_duration(self, other: CallView) -> bool:
        """Whether the two views agree in everything but duration: what must agree between an event and a
        later GET. Compared field by field, as equality would, without making a view of each (every
        action compares every leg it touched)."""
        return {**self.__dict__, "duration": 0} == {**other.__dict__, "duration": 0}


@dataclass(frozen=True)
class DeviceView:
    """A device's voice state: what a DeviceStateChangeMessage and GET /me/devices show of it."""

    device_id: str
    phone_number: str
    user_id: str | None
    device_state: str
    user_state: dict[str, str] = field(hash=False)
    do_not_disturb: str
    forward_to: str | None
    capabilities: tuple[str, ...]
    # supervisorMonitoringState, -Mode and -Scope while a supervisor monitors the device, and who does
    supervisor_monitoring: dict[str, str] = field(default_factory=dict, hash=False)
    supervisor_id: str | None = None


@dataclass(frozen=True)
class CallStateChanged:
    """A CallStateChangeMessage for one user: `notification_type` is one of the reference's five."""

    notification_type: str
    user_id: str | None
    device_id: str
    phone_number: str
    call: CallView
    digits: str | None = None  # DtmfSent only: the digits sent
    sent_by: str | None = None  # DtmfSent only: the number that sent them


@dataclass(frozen=True)
class CallOperationFailed:
    """A call-control operation that failed after it was accepted (busy, no answer, unreachable).

    Carries the reference's error attributes: errorMessage, deviceUri (from device_id), connectionId
    (`connection_id`, the call id) and callUuid; `call` is the leg as it was when the failure happened.
    """

    user_id: str | None
    device_id: str
    phone_number: str
    error_message: str
    connection_id: str
    call_uuid: str
    call: CallView | None


@dataclass(frozen=True)
class DeviceStateChanged:
    """A DeviceStateChangeMessage for the user holding the device."""

    user_id: str | None
    device: DeviceView


VoiceEvent = CallStateChanged | CallOperationFailed | DeviceStateChanged
