"""Devices in the voice core: agent states, after-call work on the clock, Do Not Disturb and forwarding."""

from __future__ import annotations

import pytest
from voice_rig import NUMBERS, Rig

from simulator.core.voice import (
    DEFAULT_AGENT_STATES,
    AgentStateDefinition,
    Line,
    StaticDirectory,
    Telephony,
    VirtualClock,
    VoiceOptions,
)


@pytest.fixture
def rig() -> Rig:
    return Rig(wrap_up_seconds=10)


def user_state(rig: Rig, agent: int) -> dict[str, str]:
    return rig.engine.device_view(f"d{agent}").user_state


def test_a_device_starts_logged_out_and_inactive(rig: Rig) -> None:
    view = rig.engine.device_view("d1")
    assert view.device_state == "Inactive"
    assert view.user_state == {
        "id": "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB",
        "displayName": "Offline",
        "state": "Logout",
    }
    assert view.capabilities == ("DoNotDisturbOn", "ForwardCallsOn")
    assert rig.engine.operations_of_device("d1") == ("StartContactCenterSession",)


def test_session_and_agent_states(rig: Rig) -> None:
    rig.device_op(1, "StartContactCenterSession", channels=["voice"])
    assert rig.engine.device_view("d1").device_state == "Active"
    assert user_state(rig, 1) == {
        "id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6",
        "displayName": "Not Ready",
        "state": "NotReady",
    }
    rig.device_op(1, "Ready")
    assert user_state(rig, 1)["state"] == "Ready" and user_state(rig, 1)["displayName"] == "Ready"
    rig.device_op(1, "NotReady", reason="Lunch", workMode="AuxWork")
    assert user_state(rig, 1) == {"state": "NotReady", "workMode": "AuxWork", "reason": "Lunch"}
    rig.device_op(1, "AuxWork")
    assert user_state(rig, 1)["displayName"] == "AuxWork"
    rig.device_op(1, "AfterCallWork")
    assert user_state(rig, 1) == {
        "id": "D3663509-3D82-4DD3-A82E-2EA8EFA02AEF",
        "displayName": "AfterCallWork",
        "state": "NotReady",
        "workMode": "AfterCallWork",
    }
    rig.device_op(1, "Offline")
    assert user_state(rig, 1)["state"] == "Logout"
    states = [event.device.user_state["state"] for event in rig.device_events(1)]
    assert states == ["NotReady", "Ready", "NotReady", "NotReady", "NotReady", "Logout"]
    assert all(event.user_id == "u1" for event in rig.device_events(1))


def test_agent_state_refusals(rig: Rig) -> None:
    error = rig.refused(lambda: rig.device_op(1, "Ready"), 2)
    assert error.state == "Logout"
    rig.refused(lambda: rig.device_op(1, "EndContactCenterSession"), 2)
    rig.device_op(1, "StartContactCenterSession")
    rig.refused(lambda: rig.device_op(1, "StartContactCenterSession"), 2)
    assert rig.refused(lambda: rig.device_op(1, "Ready", workMode="AuxWork"), 1).field == "workMode"
    assert rig.refused(lambda: rig.device_op(1, "NotReady", reason=""), 1).field == "reason"
    assert rig.refused(lambda: rig.device_op(1, "Dance"), 1).field == "operationName"
    assert rig.refused(lambda: rig.device_op(1, "StartContactCenterSession", channels="voice"), 1).field
    rig.refused(lambda: rig.engine.device_operate("u1", "d2", "Ready", {}), 5)
    rig.refused(lambda: rig.engine.device_operate("u1", "d9", "Ready", {}), 6)


def test_custom_agent_state_definitions() -> None:
    lunch = AgentStateDefinition("L-1", "OutToLunch", "Not Ready - Out to lunch", "NotReady", reason="OutToLunch")
    directory = StaticDirectory([Line("d1", "5001", "u1")], (*DEFAULT_AGENT_STATES, lunch))
    engine = Telephony(directory, VirtualClock(), [])
    engine.device_operate("u1", "d1", "StartContactCenterSession")
    engine.device_operate("u1", "d1", "OutToLunch")
    assert engine.device_view("d1").user_state == {
        "id": "L-1",
        "displayName": "Not Ready - Out to lunch",
        "state": "NotReady",
        "reason": "OutToLunch",
    }


def test_after_call_work_follows_an_established_call_on_the_clock(rig: Rig) -> None:
    for agent in (1, 2):
        rig.device_op(agent, "StartContactCenterSession")
        rig.device_op(agent, "Ready")
    call_id = rig.connect(1, 2)
    rig.op(2, call_id, "Hangup")
    assert user_state(rig, 1)["workMode"] == "AfterCallWork" and user_state(rig, 2)["workMode"] == "AfterCallWork"
    rig.clock.advance(9.9)
    assert user_state(rig, 1)["workMode"] == "AfterCallWork"
    rig.device_op(2, "NotReady")  # a manual change ends the wrap-up: its timer must not make 2 Ready
    rig.clock.advance(0.1)
    assert user_state(rig, 1)["state"] == "Ready"
    assert user_state(rig, 2) == {
        "id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6",
        "displayName": "Not Ready",
        "state": "NotReady",
    }


def test_no_after_call_work_for_unanswered_calls_or_not_ready_agents(rig: Rig) -> None:
    rig.device_op(1, "StartContactCenterSession")
    rig.device_op(1, "Ready")
    rig.device_op(2, "StartContactCenterSession")
    call_id = rig.dial(1, "5002")
    rig.op(1, call_id, "Hangup")
    assert user_state(rig, 1)["state"] == "Ready"
    call_id = rig.connect(1, 2)
    rig.op(1, call_id, "Hangup")
    assert user_state(rig, 2)["state"] == "NotReady" and "workMode" not in user_state(rig, 2)


def test_no_after_call_work_by_default() -> None:
    rig = Rig()
    rig.device_op(1, "StartContactCenterSession")
    rig.device_op(1, "Ready")
    rig.op(1, rig.connect(1, 2), "Hangup")
    assert user_state(rig, 1)["state"] == "Ready"


def test_do_not_disturb_and_forwarding_capabilities(rig: Rig) -> None:
    rig.device_op(1, "DoNotDisturbOn")
    view = rig.engine.device_view("d1")
    assert (view.do_not_disturb, view.capabilities) == ("On", ("DoNotDisturbOff", "ForwardCallsOn"))
    error = rig.refused(lambda: rig.device_op(1, "DoNotDisturbOn"), 2)
    assert error.state == "On" and "doNotDisturb" in error.message
    assert rig.refused(lambda: rig.device_op(1, "ForwardCallsOn"), 1).field == "destination"
    assert rig.refused(lambda: rig.device_op(1, "ForwardCallsOn", destination="5001"), 1).field == "destination"
    rig.device_op(1, "ForwardCallsOn", destination={"phoneNumber": "5002"})
    view = rig.engine.device_view("d1")
    assert (view.forward_to, view.capabilities) == ("5002", ("DoNotDisturbOff", "ForwardCallsOff"))
    rig.refused(lambda: rig.device_op(1, "ForwardCallsOn", destination="5003"), 2)
    rig.device_op(1, "ForwardCallsOff")
    rig.device_op(1, "DoNotDisturbOff")
    assert [(e.device.do_not_disturb, e.device.forward_to) for e in rig.device_events(1)] == [
        ("On", None),
        ("On", "5002"),
        ("On", None),
        ("Off", None),
    ]


def test_user_operations_apply_to_the_devices_that_take_them_or_to_none() -> None:
    directory = StaticDirectory([Line("d1", "5001", "u1"), Line("d4", "5004", "u1"), Line("d2", "5002", "u2")])
    events: list[object] = []
    engine = Telephony(directory, VirtualClock(), events.append, VoiceOptions())
    engine.device_operate("u1", "d4", "StartContactCenterSession")
    engine.device_operate("u1", "d4", "Ready")
    engine.user_operate("u1", "StartContactCenterSession")  # the session goes to the device logged out
    assert [engine.device_view(d).user_state["state"] for d in ("d1", "d4")] == ["NotReady", "Ready"]
    before = engine.snapshot()
    with pytest.raises(Exception) as caught:
        engine.user_operate("u1", "StartContactCenterSession")
    assert getattr(caught.value, "code", None) == 2 and engine.snapshot() == before
    engine.user_operate("u1", "Ready")
    assert [engine.device_view(d).user_state["state"] for d in ("d1", "d4", "d2")] == ["Ready", "Ready", "Logout"]
    engine.user_operate("u1", "DoNotDisturbOn")
    assert engine.device_view("d4").do_not_disturb == "On"
    assert NUMBERS[2] == "5002"
