"""The reference's JSON documents for calls and devices, rendered from the core's views.

REST (GET /me/calls, /me/calls/{id}) and CometD (CallStateChangeMessage, DeviceStateChangeMessage) both
render through these functions, so a client sees the same `call` object whichever way it asks.
`base_url` is the server's root as clients reach it, e.g. "http://127.0.0.1:8080"; URIs get "/api/v2/...".
"""

from __future__ import annotations

import copy
from typing import Any

from .events import CallOperationFailed, CallStateChanged, CallView, DeviceStateChanged, DeviceView

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


def render_call(view: CallView, base_url: str) -> dict[str, Any]:
    """The reference's `call` object for one device's leg (fields in the reference's order)."""
    base = base_url.rstrip("/")
    document: dict[str, Any] = {
        "id": view.id,
        "state": view.state,
        "callUuid": view.call_uuid,
        "deviceUri": f"{base}/api/v2/devices/{view.device_id}",
        "uri": f"{base}/api/v2/me/calls/{view.id}",
        "participants": list(view.participants),
        "participantsInfo": [participant_info(number) for number in view.participants],
        "ani": view.ani,
        "dnis": view.dnis,
        "callType": view.call_type,
        "capabilities": list(view.capabilities),
        "userData": copy.deepcopy(view.user_data),
        "duration": str(view.duration),
        "mute": view.mute,
    }
    if view.recording_state is not None:
        document["recordingState"] = view.recording_state
    return document


def render_device_state(view: DeviceView) -> dict[str, Any]:
    """The voice fields of a device document; the model's own fields (model, vendor, ...) are merged in
    by whoever owns them."""
    document: dict[str, Any] = {
        "id": view.device_id,
        "deviceState": view.device_state,
        "userState": dict(view.user_state),
        "phoneNumber": view.phone_number,
        "e164Number": view.phone_number,
        "doNotDisturb": view.do_not_disturb,
        "capabilities": list(view.capabilities),
    }
    if view.forward_to is not None:
        document["forwardTo"] = view.forward_to
    return document


def call_message(event: CallStateChanged | CallOperationFailed, base_url: str) -> dict[str, Any]:
    """The `data` of a CallStateChangeMessage on /v2/me/calls for the event.

    Reading: the reference lists no notificationType of its own for a failed operation, only the error
    attributes "present in addition", so a failure is a StatusChange carrying errorMessage, deviceUri,
    connectionId and callUuid, with the leg as it was when the attempt failed.
    """
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
            message["call"] = render_call(event.call, base_url)
        return message
    message = {
        "messageType": "CallStateChangeMessage",
        "call": render_call(event.call, base_url),
        "phoneNumber": event.phone_number,
        "notificationType": event.notification_type,
    }
    if event.digits is not None:
        message["digits"] = event.digits
    return message


def device_message(event: DeviceStateChanged, base_url: str) -> dict[str, Any]:
    """The `data` of a DeviceStateChangeMessage on /v2/me/devices for the event."""
    return {"messageType": "DeviceStateChangeMessage", "devices": [render_device_state(event.device)]}
