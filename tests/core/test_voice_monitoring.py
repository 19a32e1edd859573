"""Supervisor monitoring in the voice core: ListenIn, Coach, Bargain and CancelSupervisorMonitoring on an
agent's device, and who sees the supervisor on the monitored calls."""

from __future__ import annotations

import pytest

from simulator.core.voice import Line, StaticDirectory, Telephony, VirtualClock, VoiceEvent, VoiceOptions
from simulator.core.voice.monitoring import SUPERVISOR_OPERATIONS

CUSTOMER = "+15559999"


class Rig:
    """Agents u1, u2 on d1 (5001), d2 (5002); supervisors u9 on d9 (5009) and u8 on d8 (5008)."""

    def __init__(self) -> None:
        lines = [Line("d1", "5001", "u1"), Line("d2", "5002", "u2"), Line("d9", "5009", "u9"), Line("d8", "5008", "u8")]
        self.events: list[VoiceEvent] = []
        self.engine = Telephony(StaticDirectory(lines), VirtualClock(), self.events, VoiceOptions())

    def inbound(self) -> str:
        call_id = self.engine.inbound_call(CUSTOMER, "5001")
        self.engine.operate("u1", call_id, "Answer")
        return call_id

    def view(self, user: str, call_id: str):  # noqa: ANN201
        return self.engine.call_view(user, call_id)

    def refused(self, action, code: int) -> str:  # noqa: ANN001
        from simulator.core.refusals import Refusal

        before, told = self.engine.snapshot(), len(self.events)
        with pytest.raises(Refusal) as caught:
            action()
        assert caught.value.code == code, caught.value
        assert self.engine.snapshot() == before and len(self.events) == told
        return caught.value.message


def test_listening_in_joins_the_call_unseen_and_hears_both() -> None:
    rig = Rig()
    call_id = rig.inbound()
    rig.engine.supervise("u9", "d1", "ListenIn", {})
    supervisor = rig.view("u9", call_id)
    assert supervisor.state == "Established"
    assert supervisor.participants == (CUSTOMER, "5001")
    assert supervisor.capabilities == ("Hangup",)
    assert supervisor.monitoring["supervisorMonitoringState"] == "ListenIn"
    assert supervisor.monitoring["monitoredDeviceId"] == "d1"
    agent = rig.view("u1", call_id)
    assert agent.participants == (CUSTOMER,)
    assert agent.supervisor_listening_in is True
    assert agent.monitoring["supervisorPhoneNumber"] == "5009"
    assert "SingleStepTransfer" in agent.capabilities  # the call is still a two-party call
    device = rig.engine.device_view("d1")
    assert device.supervisor_monitoring == {
        "supervisorMonitoringState": "ListenIn",
        "supervisorMonitoringMode": "AllCalls",
        "supervisorMonitoringScope": "Agent",
    }


def test_coaching_is_heard_by_the_agent_only_and_barging_is_a_conference() -> None:
    rig = Rig()
    call_id = rig.inbound()
    rig.engine.supervise("u9", "d1", "Coach", {})
    assert rig.view("u1", call_id).participants == (CUSTOMER, "5009")
    assert rig.view("u1", call_id).supervisor_listening_in is True
    rig.engine.supervise("u9", "d1", "Bargain", {})
    agent = rig.view("u1", call_id)
    assert agent.participants == (CUSTOMER, "5009")
    assert agent.supervisor_listening_in is False
    assert "RemoveParticipantFromConference" in agent.capabilities
    assert set(rig.view("u9", call_id).capabilities) == {"Hangup", "MuteCall"}
    assert rig.engine.supervisor_capabilities("d1", "u9") == ("CancelSupervisorMonitoring",)


def test_the_call_ends_when_its_talking_parties_do() -> None:
    rig = Rig()
    call_id = rig.inbound()
    rig.engine.supervise("u9", "d1", "ListenIn", {"supervisorMonitoringMode": "NextCall"})
    rig.engine.remote_hangup(call_id, CUSTOMER)
    assert not rig.engine.has_call(call_id)
    assert rig.engine.calls_of_device("d9") == []
    assert rig.engine.device_view("d1").supervisor_monitoring == {}  # NextCall: its one call is over


def test_all_calls_joins_the_next_call_when_the_agent_answers() -> None:
    rig = Rig()
    rig.engine.supervise("u9", "d1", "ListenIn", {"supervisorMonitoringMode": "AllCalls"})
    call_id = rig.engine.inbound_call(CUSTOMER, "5001")
    assert rig.engine.calls_of_device("d9") == []  # ringing is not monitored
    rig.engine.operate("u1", call_id, "Answer")
    assert [view.id for view in rig.engine.calls_of_device("d9")] == [call_id]
    rig.engine.operate("u9", call_id, "Hangup")  # the supervisor leaves this call, not the monitoring
    assert rig.engine.calls_of_device("d9") == []
    assert rig.engine.has_call(call_id)
    assert rig.engine.device_view("d1").supervisor_monitoring["supervisorMonitoringState"] == "ListenIn"
    rig.engine.operate("u1", call_id, "Hangup")
    second = rig.inbound()
    assert [view.id for view in rig.engine.calls_of_device("d9")] == [second]
    rig.engine.supervise("u9", "d1", "CancelSupervisorMonitoring", {})
    assert rig.engine.calls_of_device("d9") == []
    assert rig.engine.device_view("d1").supervisor_monitoring == {}
    assert rig.view("u1", second).supervisor_listening_in is False


def test_scope_agent_leaves_with_the_agent_and_scope_call_stays() -> None:
    for scope, stays in (("Agent", False), ("Call", True)):
        rig = Rig()
        call_id = rig.inbound()
        rig.engine.supervise("u9", "d1", "ListenIn", {"supervisorMonitoringScope": scope})
        rig.engine.operate("u1", call_id, "SingleStepTransfer", {"destination": "5002"})
        rig.engine.operate("u2", call_id, "Answer")
        assert bool(rig.engine.calls_of_device("d9")) is stays, scope
        assert rig.engine.has_call(call_id)


def test_one_supervisor_at_a_time_and_the_table_decides() -> None:
    rig = Rig()
    rig.engine.supervise("u9", "d1", "ListenIn", {})
    message = rig.refused(lambda: rig.engine.supervise("u8", "d1", "Coach", {}), 2)
    assert "another supervisor" in message
    assert rig.engine.supervisor_capabilities("d1", "u8") == ()
    assert rig.engine.supervisor_capabilities("d1", "u9") == ("Coach", "Bargain", "CancelSupervisorMonitoring")
    assert rig.engine.supervisor_capabilities("d2", "u8") == ("ListenIn", "Coach", "Bargain")
    rig.refused(lambda: rig.engine.supervise("u9", "d1", "ListenIn", {}), 2)
    rig.refused(lambda: rig.engine.supervise("u9", "d2", "CancelSupervisorMonitoring", {}), 2)


def test_bad_input_is_refused_naming_the_field() -> None:
    rig = Rig()
    often = {"supervisorMonitoringMode": "Often"}
    message = rig.refused(lambda: rig.engine.supervise("u9", "d1", "ListenIn", often), 1)
    assert message.startswith("supervisorMonitoringMode")
    message = rig.refused(lambda: rig.engine.supervise("u9", "d1", "Coach", {"supervisorMonitoringScope": 3}), 1)
    assert message.startswith("supervisorMonitoringScope")
    assert "device" in rig.refused(lambda: rig.engine.supervise("u9", "d9", "ListenIn", {}), 1)
    rig.refused(lambda: rig.engine.supervise("u9", "nope", "ListenIn", {}), 6)
    rig.refused(lambda: rig.engine.supervise("u1x", "d1", "ListenIn", {}), 6)  # no device to monitor with
    rig.refused(lambda: rig.engine.supervise("u9", "d1", "Listen", {}), 1)


def test_the_supervisor_sees_the_agent_muted() -> None:
    rig = Rig()
    call_id = rig.inbound()
    rig.engine.supervise("u9", "d1", "ListenIn", {})
    rig.engine.operate("u1", call_id, "MuteCall")
    assert rig.view("u9", call_id).monitored_user_muted is True


def test_every_operation_has_a_row() -> None:
    from simulator.core.voice.monitoring import MONITOR_PARAMETERS, MONITORING_MACHINE

    assert set(MONITOR_PARAMETERS) == set(SUPERVISOR_OPERATIONS) <= set(MONITORING_MACHINE.events)
