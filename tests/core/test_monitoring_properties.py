"""Supervisor monitoring under random operations: customers call two agents, agents answer, transfer and
hang up, two supervisors post ListenIn, Coach, Bargain and CancelSupervisorMonitoring with any mode and
scope and hang up on what they monitor, time passes. Whatever happens:

- a refused operation changes nothing and tells nobody;
- a supervisor is on a call only while monitoring the device it watches, and (scope Agent) only while
  the agent is on the call; one supervisor at a time per device;
- a silent supervisor (listening, coaching) is seen by nobody but the coached agent, and a barging one by
  everyone; every call going on has two talking parties;
- what each user was last told of a leg is what a GET shows now.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from simulator.core.refusals import Refusal
from simulator.core.voice import CallStateChanged, Line, StaticDirectory, Telephony, VirtualClock, VoiceOptions
from simulator.core.voice.monitoring import BARGAIN, COACH, SUPERVISOR_OPERATIONS

AGENTS = {"u1": "d1", "u2": "d2"}
SUPERVISORS = {"u9": "d9", "u8": "d8"}
NUMBERS = {"d1": "5001", "d2": "5002", "d9": "5009", "d8": "5008"}
CUSTOMERS = ("+15550001", "+15550002")


class MonitoringMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        lines = [Line(device, NUMBERS[device], user) for user, device in {**AGENTS, **SUPERVISORS}.items()]
        self.events: list[Any] = []
        self.engine = Telephony(StaticDirectory(lines), VirtualClock(), self.events, VoiceOptions(no_answer_timeout=20))
        self.clock = self.engine._clock

    def _try(self, action) -> None:  # noqa: ANN001
        before, told = self.engine.snapshot(), len(self.events)
        try:
            action()
        except Refusal:
            assert self.engine.snapshot() == before and len(self.events) == told

    @rule(customer=st.sampled_from(CUSTOMERS), agent=st.sampled_from(sorted(AGENTS)))
    def customer_calls(self, customer: str, agent: str) -> None:
        self._try(lambda: self.engine.inbound_call(customer, NUMBERS[AGENTS[agent]]))

    @rule(
        user=st.sampled_from(sorted({**AGENTS, **SUPERVISORS})),
        operation=st.sampled_from(["Answer", "Hangup", "SingleStepTransfer", "MuteCall", "Hold", "Retrieve"]),
    )
    def a_user_acts_on_their_calls(self, user: str, operation: str) -> None:
        params = {"destination": "5002" if user == "u1" else "5001"} if operation == "SingleStepTransfer" else {}
        for view in self.engine.calls_of_user(user):
            self._try(lambda v=view: self.engine.operate(user, v.id, operation, params))

    @rule(
        supervisor=st.sampled_from(sorted(SUPERVISORS)),
        agent=st.sampled_from(sorted(AGENTS)),
        operation=st.sampled_from(SUPERVISOR_OPERATIONS),
        mode=st.sampled_from([None, "NextCall", "AllCalls", "Sometimes"]),
        scope=st.sampled_from([None, "Call", "Agent"]),
    )
    def a_supervisor_monitors(self, supervisor: str, agent: str, operation: str, mode: Any, scope: Any) -> None:
        params = {
            name: value
            for name, value in (("supervisorMonitoringMode", mode), ("supervisorMonitoringScope", scope))
            if value is not None
        }
        self._try(lambda: self.engine.supervise(supervisor, AGENTS[agent], operation, params))

    @rule(agent=st.sampled_from(sorted(AGENTS)), callee=st.sampled_from(sorted({**AGENTS, **SUPERVISORS})))
    def an_agent_dials(self, agent: str, callee: str) -> None:
        device = AGENTS[agent]
        self._try(lambda: self.engine.dial(agent, device, NUMBERS[{**AGENTS, **SUPERVISORS}[callee]]))

    @rule(customer=st.sampled_from(CUSTOMERS))
    def a_customer_hangs_up(self, customer: str) -> None:
        for call_id in self.engine.call_ids():
            if any(number == customer for number, _state in self.engine.remote_parties(call_id)):
                self._try(lambda c=call_id: self.engine.remote_hangup(c, customer))

    @rule(seconds=st.sampled_from([1.0, 25.0]))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @invariant()
    def supervisors_are_where_their_monitoring_says(self) -> None:
        for call in self.engine._calls.values():
            for leg in call.legs():
                monitor = leg.monitor
                if monitor is None or not leg.live:
                    continue
                assert monitor.active and monitor.supervisor_device == leg.device_id
                assert self.engine._monitorings[monitor.device_id] is monitor  # one per device
                if monitor.scope == "Agent":
                    assert call.leg_of(monitor.device_id) is not None

    @invariant()
    def who_sees_the_supervisor(self) -> None:
        for call in self.engine._calls.values():
            talking = [party for party in call.live_parties() if getattr(party, "monitor", None) is None
                       or party.monitor.state == BARGAIN]  # fmt: skip
            assert len(talking) >= 2 or not call.live_parties(), call_id_and_parties(call)
            for leg in call.legs():
                if not leg.live or leg.monitor is None:
                    continue
                for viewer in call.legs():
                    if viewer is leg or not viewer.live or viewer.monitor is not None:
                        continue
                    shown = leg.number in self.engine.call_view(user_of(viewer.device_id), call.id).participants
                    coached = leg.monitor.state == COACH and viewer.device_id == leg.monitor.device_id
                    assert shown == (leg.monitor.state == BARGAIN or coached)

    @invariant()
    def what_was_told_is_what_a_get_shows(self) -> None:
        told: dict[tuple[str, str], Any] = {}
        for event in self.events:
            if isinstance(event, CallStateChanged):
                told[(event.device_id, event.call.id)] = event.call
        for user in (*AGENTS, *SUPERVISORS):
            for view in self.engine.calls_of_user(user):
                last = told.get((view.device_id, view.id))
                assert last is not None and last.same_but_duration(view)


def user_of(device_id: str) -> str:
    return next(user for user, device in {**AGENTS, **SUPERVISORS}.items() if device == device_id)


def call_id_and_parties(call: Any) -> tuple[str, list[tuple[str, str]]]:
    return call.id, [(party.number, party.state) for party in call.live_parties()]


TestMonitoring = MonitoringMachine.TestCase
TestMonitoring.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
