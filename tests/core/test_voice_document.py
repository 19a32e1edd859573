"""The documents rendered from the voice core: the reference's `call` object and its two messages."""

from __future__ import annotations

from reference_shapes import CALL_KEYS, REAL_SERVER_CALL_KEYS
from voice_rig import BUSY, CUSTOMER, Rig

from simulator.core.voice import (
    CallStateChanged,
    call_message,
    device_message,
    participant_info,
    render_call,
    render_device_state,
)

BASE = "http://127.0.0.1:8080"


def test_call_document_has_the_reference_fields_and_uris() -> None:
    rig = Rig()
    call_id = rig.connect(1, 2)
    rig.clock.advance(106)
    document = render_call(rig.view(2, call_id), BASE + "/")
    assert set(document) == CALL_KEYS | REAL_SERVER_CALL_KEYS
    assert document["uri"] == f"{BASE}/api/v2/me/calls/{call_id}"
    assert document["deviceUri"] == f"{BASE}/api/v2/devices/d2"
    assert (document["participants"], document["ani"], document["dnis"]) == (["5001"], "5001", "5002")
    assert document["participantsInfo"] == [
        {
            "country": {"name": "", "code": "", "callingCode": ""},
            "formattedPhoneNumber": "5001",
            "location": None,
            "E164digits": "5001",
            "isValidNumber": False,
        }
    ]
    assert (document["duration"], document["mute"], document["recordingState"]) == ("106", "Off", "Stopped")
    assert len(document["callUuid"]) == 32 and document["callUuid"].isalnum()


def test_participant_info_of_an_e164_number() -> None:
    info = participant_info("+16509870000")
    assert info["country"] == {"name": "United States", "code": "US", "callingCode": "1"}
    assert info["E164digits"] == "16509870000" and info["isValidNumber"] is True


def test_notifications_and_gets_show_the_same_document() -> None:
    """The last notification a user got for each of their calls renders exactly as a GET renders now."""
    rig = Rig()
    call_id = rig.inbound(1, CUSTOMER)
    rig.op(1, call_id, "AttachUserData", userData={"a": 1})
    rig.op(1, call_id, "InitiateConference", destination="5002")
    rig.op(2, rig.calls(2)[0].id, "Answer")
    for agent in (1, 2):
        told = {}
        for event in rig.call_events(agent):
            told[event.call.id] = render_call(event.call, BASE)
        for view in rig.engine.calls_of_user(f"u{agent}"):
            assert told[view.id] == render_call(view, BASE)


def test_call_state_change_message() -> None:
    rig = Rig()
    rig.dial(1, "5002")
    event = rig.call_events(1)[0]
    message = call_message(event, BASE)
    assert message["messageType"] == "CallStateChangeMessage"
    assert (message["notificationType"], message["phoneNumber"]) == ("StatusChange", "5001")
    assert message["call"]["state"] == "Dialing"
    assert set(message["call"]["capabilities"]) == {
        "DeleteUserDataPair",
        "UpdateUserData",
        "AttachUserData",
        "Hangup",
        "DeleteUserData",
        "SendDtmf",
    }


def test_dtmf_message_carries_the_digits() -> None:
    rig = Rig()
    call_id = rig.connect(1, 2)
    rig.op(1, call_id, "SendDtmf", digits="42")
    [event] = rig.call_events(1, "DtmfSent")
    assert isinstance(event, CallStateChanged)
    message = call_message(event, BASE)
    assert (message["notificationType"], message["digits"]) == ("DtmfSent", "42")


def test_error_message_has_the_reference_error_attributes() -> None:
    rig = Rig()
    call_id = rig.dial(1, BUSY)
    rig.clock.advance(1)
    message = call_message(rig.errors()[0], BASE)
    assert message["errorMessage"].startswith("Busy")
    assert message["deviceUri"] == f"{BASE}/api/v2/devices/d1"
    assert message["connectionId"] == call_id
    assert message["callUuid"] == message["call"]["callUuid"]


def test_device_state_change_message() -> None:
    rig = Rig()
    rig.device_op(1, "StartContactCenterSession")
    rig.device_op(1, "ForwardCallsOn", destination="5002")
    event = rig.device_events(1)[-1]
    message = device_message(event, BASE)
    assert message["messageType"] == "DeviceStateChangeMessage"
    [device] = message["devices"]
    assert device == render_device_state(event.device)
    assert device["deviceState"] == "Active" and device["forwardTo"] == "5002"
    assert device["doNotDisturb"] == "Off" and device["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOff"]
    assert device["userState"]["state"] == "NotReady"
