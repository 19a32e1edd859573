"""The reference's JSON documents for calls and devices, rendered from the core's views.

REST (GET /me/calls, /me/calls/{id}) and CometD (CallStateChangeMessage, DeviceStateChangeMessage) both
render through these functions, so a client sees the same `call` object whichever way it asks.
`base_url` is the server's root as clients reach it, e.g. "http://127.0.0.1:8080"; URIs get "/api/v2/...".
`profile` is the release imitated where releases differ (see `simulator.core.profiles`); fields real
servers send that the reference does not contradict are in every profile.
"""

from __future__ import annotations

import time
from typing import Any

from ..profiles import PROFILES, REFERENCE, Profile
from .events import CallOperationFailed, CallStateChanged, CallView, DeviceStateChanged, DeviceView
from .views import user_data_copy

THE_REFERENCE = PROFILES[REFERENCE]
REFERENCE_LOGGED_OUT = THE_REFERENCE.logged_out_state

# Enough of the numbering plan to fill participantsInfo for the countries users most often simulate.
_COUNTRIES = {
    "1": ("United States", "US"),
    "44": ("United Kingdom", "GB"),
    "33": ("France", "FR"),
    "49": ("Germany", "DE"),
    "61": ("Australia", "AU"),
}


def participant_info(number: str) -> dict[str, Any]:
    """One entry of `participantsInfo`, shaped as in the reference's examples.

    Numbers without "+country" (extensions such as "5000") get the empty country and isValidNumber false,
    exactly as the examples show; E.164 numbers of the countries above get their country filled in.
    """
    country = {"name": "", "code": "", "callingCode": ""}
    valid = False
    if number.startswith("+"):
        digits = number[1:]
        for length in (1, 2, 3):
            known = _COUNTRIES.get(digits[:length])
            if known is not None:
                country = {"name": known[0], "code": known[1], "callingCode": digits[:length]}
                valid = True
                break
    return {
        "country": country,
        "formattedPhoneNumber": number,
        "location": None,
        "E164digits": number.lstrip("+"),
        "isValidNumber": valid,
    }


def participant(number: str) -> dict[str, str]:
    """One of `participants` as real 8.5.2 servers send it: an object, not a string."""
    return {"phoneNumber": number, "formattedPhoneNumber": number, "e164Number": number, "digits": number.lstrip("+")}


def participant_digits(number: str) -> dict[str, str]:
    """One entry of `participantsInfo` as real 8.5.2 servers send it."""
    return {"digits": number.lstrip("+"), "e164Number": number, "formattedPhoneNumber": number}


def call_id(view: CallView, profile: Profile) -> str:
    """The `id` clients see and send back: the leg's own, or (8.5.2) the call's UUID."""
    return view.call_uuid if profile.id_is_call_uuid else view.id


def render_call(view: CallView, base_url: str, profile: Profile = THE_REFERENCE) -> dict[str, Any]:
    """The reference's `call` object for one device's leg (fields in the reference's order), then the
    fields real servers add: `connId` (the leg), `path`, the supervisor monitoring fields (see
    `monitoring`; device ids become device URIs) and `case`, which the simulator has no data to fill."""
    base = base_url.rstrip("/")
    shown = call_id(view, profile)
    if profile.participant_objects:
        participants: list[Any] = [participant(number) for number in view.participants]
        info = [participant_digits(number) for number in view.participants]
    else:
        participants = list(view.participants)
        info = [participant_info(number) for number in view.participants]
    document: dict[str, Any] = {
        "id": shown,
        "connId": view.id,
        "state": view.state,
        "callUuid": view.call_uuid,
        "deviceUri": f"{base}/api/v2/devices/{view.device_id}",
        "uri": f"{base}/api/v2/me/calls/{shown}",
        "path": f"/me/calls/{shown}",
        "participants": participants,
        "participantsInfo": info,
        "ani": view.ani,
        "dnis": view.dnis,
        "callType": view.call_type,
        "capabilities": list(view.capabilities),
        "userData": user_data_copy(view.user_data),
        "duration": str(view.duration),
        "mute": view.mute,
    }
    if view.recording_state is not None:
        document["recordingState"] = view.recording_state
    monitoring = {
        name.removesuffix("Id") + "Uri" if name.endswith("DeviceId") else name: (
            f"{base}/api/v2/devices/{value}" if name.endswith("DeviceId") else value
        )
        for name, value in view.monitoring.items()
    }
    document.update(
        monitoring=monitoring,
        supervisorListeningIn=view.supervisor_listening_in,
        monitoredUserMuted=view.monitored_user_muted,
        case={},
    )
    return document


def user_state(state: dict[str, str], profile: Profile = THE_REFERENCE) -> dict[str, str]:
    """An agent state as the profile names it: the reference's `Logout` is 8.5.2's `LoggedOut`."""
    if state.get("state") == REFERENCE_LOGGED_OUT:
        return {**state, "state": profile.logged_out_state}
    return dict(state)


def render_device_state(view: DeviceView, profile: Profile = THE_REFERENCE) -> dict[str, Any]:
    """The voice fields of a device document; the model's own fields (model, vendor, ...) are merged in
    by whoever owns them, and `voiceEnvironmentUri` (the Voice service's URI) by whoever knows the base
    URL. Real servers also send a `description`, the device's `channels` and `dynamicPhoneNumber`; 8.5.2
    shows a logged-out device as Active."""
    state = user_state(view.user_state, profile)
    active = state.get("state") == profile.logged_out_state and profile.logged_out_state != REFERENCE_LOGGED_OUT
    document: dict[str, Any] = {
        "id": view.device_id,
        "deviceState": "Active" if active else view.device_state,
        "userState": state,
        "phoneNumber": view.phone_number,
        "e164Number": view.phone_number,
        "doNotDisturb": view.do_not_disturb,
        "capabilities": list(view.capabilities),
    }
    if view.forward_to is not None:
        document["forwardTo"] = view.forward_to
    document.update(view.supervisor_monitoring)
    document.update(description="", channels=["voice"], dynamicPhoneNumber=False)
    return document


def metrics(started_ns: int) -> dict[str, Any]:
    """The message-level `metrics` real servers send: how long this message took to make, and when."""
    spent = time.perf_counter_ns() - started_ns
    return {
        "eventProcessing": {
            "nodeProcessingTimeNanos": spent,
            "serverGenerationTimestamp": int(time.time() * 1000),
            "serverProcessingTimeTotalMs": spent // 1_000_000,
        }
    }


def call_message(
    event: CallStateChanged | CallOperationFailed,
    base_url: str,
    profile: Profile = THE_REFERENCE,
    extensions: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The `data` of a CallStateChangeMessage on /v2/me/calls for the event, with the message-level
    `extensions` (desktop hints: `NO_ANSWER_TIMEOUT`, `NO_ANSWER_ACTION`, `WrapUpTime`) and `metrics`
    real servers add.

    Reading: the reference lists no notificationType of its own for a failed operation, only the error
    attributes "present in addition", so a failure is a StatusChange carrying errorMessage, deviceUri,
    connectionId and callUuid, with the leg as it was when the attempt failed.
    """
    started = time.perf_counter_ns()
    if isinstance(event, CallOperationFailed):
        base = base_url.rstrip("/")
        message: dict[str, Any] = {
            "messageType": "CallStateChangeMessage",
            "notificationType": "StatusChange",
            "phoneNumber": event.phone_number,
            "errorMessage": event.error_message,
            "deviceUri": f"{base}/api/v2/devices/{event.device_id}",
            "connectionId": event.connection_id,
            "callUuid": event.call_uuid,
        }
        if event.call is not None:
            message["call"] = render_call(event.call, base_url, profile)
    else:
        message = {
            "messageType": "CallStateChangeMessage",
            "call": render_call(event.call, base_url, profile),
            "phoneNumber": event.phone_number,
            "notificationType": event.notification_type,
        }
        if event.digits is not None:
            message["digits"] = event.digits
    message["extensions"] = dict(extensions or {})
    message["metrics"] = metrics(started)
    return message


def device_message(event: DeviceStateChanged, base_url: str, profile: Profile = THE_REFERENCE) -> dict[str, Any]:
    """The `data` of a DeviceStateChangeMessage on /v2/me/devices for the event."""
    return {"messageType": "DeviceStateChangeMessage", "devices": [render_device_state(event.device, profile)]}
