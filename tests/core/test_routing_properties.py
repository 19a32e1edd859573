"""Queue routing under random stories: customers call the Sales line and hang up, agents change state, answer,
hang up and let calls ring, time passes. After every step the router's promises hold.

Queue 8000 requires Sales: agent1 (level 8) and agent2 (level 5) hold it, agent3 does not.
"""

from __future__ import annotations

from contextlib import suppress

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from simulator.center_file import load_default
from simulator.core.directory import CenterDirectory
from simulator.core.refusals import Refusal
from simulator.core.routing import Router
from simulator.core.voice import Telephony, VirtualClock, VoiceOptions

AGENTS = ("agent1@example.com", "agent2@example.com", "agent3@example.com")
SKILLED = AGENTS[:2]
CUSTOMERS = tuple(f"+1555000{n:04d}" for n in range(6))


class RoutingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.center = load_default()
        self.center.voice_options = VoiceOptions(no_answer_timeout=15)
        self.clock = VirtualClock()
        self.telephony = Telephony(CenterDirectory(self.center), self.clock, [], self.center.voice_options)
        self.router = Router(self.center, self.telephony, self.clock)
        self.queue_id = next(q.id for q in self.center.queues.values() if q.phoneNumber == "8000")
        self.devices = {}
        for name in AGENTS:
            user = self.center.user_named(name)
            assert user is not None
            self.devices[name] = (user.id, user.device_ids[0])
            self.telephony.device_operate(user.id, user.device_ids[0], "StartContactCenterSession", {"channels": []})
        self.placed: list[str] = []

    def _try(self, action) -> None:  # noqa: ANN001
        with suppress(Refusal):  # a refusal changes nothing; the invariants must hold all the same
            action()

    @rule(customer=st.sampled_from(CUSTOMERS))
    def customer_calls(self, customer: str) -> None:
        self.placed.append(self.telephony.inbound_call(customer, "8000"))

    @rule(index=st.integers(0, 20))
    def customer_hangs_up(self, index: int) -> None:
        if self.placed:
            call_id = self.placed[index % len(self.placed)]
            for number, _state in self._remote(call_id):
                self._try(lambda n=number: self.telephony.remote_hangup(call_id, n))

    @rule(agent=st.sampled_from(AGENTS), operation=st.sampled_from(["Ready", "NotReady", "AfterCallWork",
                                                                     "DoNotDisturbOn", "DoNotDisturbOff"]))  # fmt: skip
    def agent_state(self, agent: str, operation: str) -> None:
        user_id, device_id = self.devices[agent]
        self._try(lambda: self.telephony.device_operate(user_id, device_id, operation, {}))

    @rule(agent=st.sampled_from(AGENTS), operation=st.sampled_from(["Answer", "Hangup"]))
    def agent_call(self, agent: str, operation: str) -> None:
        user_id, device_id = self.devices[agent]
        for view in self.telephony.calls_of_device(device_id):
            self._try(lambda v=view: self.telephony.operate(user_id, v.id, operation))

    @rule(seconds=st.sampled_from([0.5, 5, 14.9, 15, 40]))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def _remote(self, call_id: str) -> list[tuple[str, str]]:
        try:
            return self.telephony.remote_parties(call_id)
        except Refusal:
            return []

    def _ringing(self, device_id: str) -> list[str]:
        return [view.id for view in self.telephony.calls_of_device(device_id) if view.state == "Ringing"]

    @invariant()
    def counters_add_up(self) -> None:
        stats = self.router.statistics()["queues"].get("Sales line")
        if stats is None:
            assert not self.placed
            return
        assert stats["offered"] == len(self.placed)
        assert stats["offered"] == stats["answered"] + stats["abandoned"] + stats["waiting"]

    @invariant()
    def a_waiting_call_rings_one_skilled_agent_at_most(self) -> None:
        waiting = self.router.waiting(self.queue_id)
        ringing = {name: self._ringing(self.devices[name][1]) for name in AGENTS}
        assert not ringing["agent3@example.com"] or not set(ringing["agent3@example.com"]) & set(waiting)
        for call_id in waiting:
            assert sum(call_id in calls for calls in ringing.values()) <= 1

    @invariant()
    def no_free_skilled_agent_while_a_call_waits_unoffered(self) -> None:
        waiting = self.router.waiting(self.queue_id)
        offered = {call for name in SKILLED for call in self._ringing(self.devices[name][1])}
        if not [call for call in waiting if call not in offered]:
            return
        for name in SKILLED:
            device_id = self.devices[name][1]
            view = self.telephony.device_view(device_id)
            free = not self.telephony.calls_of_device(device_id)
            assert not (free and view.user_state["state"] == "Ready" and view.do_not_disturb == "Off"), name


TestRouting = RoutingMachine.TestCase
TestRouting.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
