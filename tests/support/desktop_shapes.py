"""The shapes of the documents desktops read, written down from the reference's examples and from what
real 8.5.2 servers send (as captured from them), for the recorded exchanges to check field by field:
which keys a document has and the type of each value. Kept apart from the simulator's code, so a test
never checks the code against itself.

A shape is a dict of key to type; `Opt(t)` marks a key that may be absent, `Null(t)` a value that may be
null, `[t]` a list whose items are all of shape `t`, `Text("a", "b")` a string that is one of those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Opt:
    shape: Any


@dataclass(frozen=True)
class Null:
    shape: Any


class Text:
    def __init__(self, *values: str) -> None:
        self.values = values


def check(value: Any, shape: Any, where: str = "$") -> None:
    """Assert that `value` has `shape`; the message names the path of the first difference."""
    if isinstance(shape, Null):
        if value is not None:
            check(value, shape.shape, where)
        return
    if isinstance(shape, Text):
        assert value in shape.values, f"{where} is {value!r}, not one of {shape.values}"
        return
    if isinstance(shape, dict):
        assert isinstance(value, dict), f"{where} is {type(value).__name__}, not an object"
        required = {key for key, item in shape.items() if not isinstance(item, Opt)}
        missing, extra = required - set(value), set(value) - set(shape)
        assert not missing, f"{where} lacks {sorted(missing)}"
        assert not extra, f"{where} has unexpected {sorted(extra)}"
        for key, item in value.items():
            expected = shape[key]
            check(item, expected.shape if isinstance(expected, Opt) else expected, f"{where}.{key}")
        return
    if isinstance(shape, list):
        assert isinstance(value, list), f"{where} is {type(value).__name__}, not a list"
        for index, item in enumerate(value):
            check(item, shape[0], f"{where}[{index}]")
        return
    if shape is Any:
        return
    ok = isinstance(value, shape) and not (shape is int and isinstance(value, bool))
    assert ok, f"{where} is {type(value).__name__} {value!r}, not {shape.__name__}"


PROFILES = ("8.5.1", "8.5.2")
LOGGED_OUT = {"8.5.1": "Logout", "8.5.2": "LoggedOut"}

USER_STATE = {"id": str, "displayName": str, "state": str}
COUNTRY = {"name": str, "code": str, "callingCode": str}

# GET /api/v2/me?subresources=features,devices,channels,settings, as desktops log in.
FEATURE = {"id": str, "displayName": str, "description": str}
DEVICE = {
    "id": str,
    "phoneNumber": str,
    "e164Number": str,
    "telephonyNetwork": Text("Private", "Public"),
    "vendor": str,
    "model": Opt(str),
    "deviceState": Text("Active", "Inactive"),
    "userState": USER_STATE,
    "doNotDisturb": Text("On", "Off"),
    "forwardTo": Opt(str),
    "capabilities": [str],
    "country": COUNTRY,
    "userUri": Opt(str),
    "phoneNumberUri": str,
    "localNumber": str,
    "location": Opt(str),
    "type": str,
    # what real 8.5.2 servers add
    "description": str,
    "voiceEnvironmentUri": str,
    "channels": [str],
    "dynamicPhoneNumber": bool,
}
CHANNEL = {"id": str, "channel": str, "userState": USER_STATE, "dndState": Text("On", "Off")}
SETTING = {"name": str, "value": str}
AGENT_STATE = {"id": str, "operationName": str, "displayName": str, "state": str, "workMode": Opt(str),
               "reason": Opt(str)}  # fmt: skip
USER = {
    "id": str,
    "userName": str,
    "firstName": str,
    "lastName": str,
    "roles": [str],
    "doNotDisturb": Text("On", "Off"),
    "changePasswordOnFirstLogin": bool,
    "employeeId": Opt(str),
    "emailAddress": str,
    "enabled": bool,
    "contactCenterId": str,
    "uri": str,
    "path": str,
}
LOGIN_USER = {
    **USER,
    "features": [FEATURE],
    "devices": [DEVICE],
    "channels": [CHANNEL],
    "settings": {"general-settings": [SETTING], "reporting": [SETTING], "agent-states": [AGENT_STATE]},
}
VERSION = {"statusCode": int, "version": str}
TSERVER = {"statusCode": int, "settings": Any}
CONTACT = {
    "id": str,
    "name": str,
    "type": Text("User", "Queue", "Custom"),
    "phoneNumber": Opt(str),
    "userName": Opt(str),
    "firstName": Opt(str),
    "lastName": Opt(str),
    "employeeId": Opt(str),
    "phoneNumbers": [{"phoneNumber": str, "description": str, "switchName": str}],
    "availability": Text("Available", "Busy", "NotAvailable", "Offline", "Unknown"),
    "uri": str,
    "path": str,
}
ACCESS_DENIED = {"8.5.1": (401, 3), "8.5.2": (403, 20)}

# Calls on /v2/me/calls and GET /api/v2/me/calls.
PARTICIPANTS = {
    "8.5.1": (
        [str],
        [{"country": COUNTRY, "formattedPhoneNumber": str, "location": Null(str), "E164digits": str,
          "isValidNumber": bool}],
    ),
    "8.5.2": (
        [{"phoneNumber": str, "formattedPhoneNumber": str, "e164Number": str, "digits": str}],
        [{"digits": str, "e164Number": str, "formattedPhoneNumber": str}],
    ),
}  # fmt: skip


def call(profile: str) -> dict[str, Any]:
    participants, info = PARTICIPANTS[profile]
    return {
        "id": str,
        "connId": str,
        "state": str,
        "callUuid": str,
        "deviceUri": str,
        "uri": str,
        "path": str,
        "participants": participants,
        "participantsInfo": info,
        "ani": str,
        "dnis": str,
        "callType": Text("Inbound", "Outbound", "Internal", "Consult"),
        "capabilities": [str],
        "userData": dict,
        "duration": str,
        "mute": Text("On", "Off"),
        "recordingState": Opt(str),
        "monitoring": dict,
        "supervisorListeningIn": bool,
        "monitoredUserMuted": bool,
        "case": dict,
    }


METRICS = {"eventProcessing": {"nodeProcessingTimeNanos": int, "serverGenerationTimestamp": int,
                               "serverProcessingTimeTotalMs": int}}  # fmt: skip
EXTENSIONS = {"NO_ANSWER_TIMEOUT": str, "NO_ANSWER_ACTION": str, "WrapUpTime": str}


def call_message(profile: str) -> dict[str, Any]:
    return {
        "messageType": Text("CallStateChangeMessage"),
        "notificationType": str,
        "phoneNumber": str,
        "call": call(profile),
        "digits": Opt(str),
        "extensions": EXTENSIONS,
        "metrics": METRICS,
    }


DEVICE_MESSAGE = {"messageType": Text("DeviceStateChangeMessage"), "devices": [DEVICE]}
CHANNEL_MESSAGE = {"messageType": Text("ChannelStateChangeMessageV2"), "channels": [CHANNEL]}
PASSWORD_MESSAGE = {
    "messageType": Text("PasswordChangeMessage"),
    "notificationType": str,
    "errorMessage": Opt(str),
    "errorCode": Opt(int),
    "userUri": Opt(str),
    "userId": Opt(str),
}
