"""Queue routing on the default contact center: which agent a queued call rings, and the counters kept.

Queue 8000 (Sales line) requires Sales: agent1 holds it at level 8, agent2 at 5; agent3 does not hold it.
"""

from __future__ import annotations

from typing import Any

import pytest

from simulator.center_file import load_default
from simulator.core.contact_center import ContactCenter
from simulator.core.directory import CenterDirectory
from simulator.core.routing import Router
from simulator.core.voice import Telephony, VirtualClock, VoiceEvent, VoiceOptions

CUSTOMER = "+15551230000"
QUEUE = "8000"


class Center:
    """The default contact center with its telephony and router on a virtual clock."""

    def __init__(self, ring_timeout: float | None = 20.0, **options: Any) -> None:
        self.center: ContactCenter = load_default()
        self.center.voice_options = VoiceOptions(**options)
        self.clock = VirtualClock()
        self.events: list[VoiceEvent] = []
        self.telephony = Telephony(CenterDirectory(self.center), self.clock, self.events, self.center.voice_options)
        self.router = Router(self.center, self.telephony, self.clock, ring_timeout=ring_timeout)

    def ids(self, agent: int) -> tuple[str, str]:
        user = self.center.user_named(f"agent{agent}@example.com")
        assert user is not None
        return user.id, user.device_ids[0]

    def state(self, agent: int, *operations: str) -> None:
        user_id, device_id = self.ids(agent)
        for operation in operations:
            params = {"channels": ["voice"]} if operation == "StartContactCenterSession" else {}
            self.telephony.device_operate(user_id, device_id, operation, params)

    def ready(self, *agents: int) -> None:
        for agent in agents:
            self.state(agent, "StartContactCenterSession", "Ready")

    def call(self, caller: str = CUSTOMER) -> str:
        return self.telephony.inbound_call(caller, QUEUE)

    def ringing(self, agent: int) -> list[str]:
        """The calls ringing on the agent's device."""
        _, device_id = self.ids(agent)
        return [view.id for view in self.telephony.calls_of_device(device_id) if view.state == "Ringing"]

    def answer(self, agent: int, call_id: str) -> None:
        self.telephony.operate(self.ids(agent)[0], call_id, "Answer")

    def queue(self) -> dict[str, Any]:
        return self.router.statistics()["queues"]["Sales line"]

    def agent(self, agent: int) -> dict[str, Any]:
        return self.router.statistics()["agents"].get(f"agent{agent}@example.com", {})


def test_a_call_waits_until_an_agent_with_the_skill_is_ready() -> None:
    cc = Center()
    cc.ready(3)  # agent3 has no Sales skill
    call_id = cc.call()
    assert cc.ringing(3) == []
    assert cc.router.waiting(cc.center.queues[next(iter(cc.center.queues))].id) == [call_id]
    cc.ready(2)
    assert cc.ringing(2) == [call_id]


def test_the_highest_skill_level_wins() -> None:
    cc = Center()
    cc.ready(2, 1)
    call_id = cc.call()
    assert cc.ringing(1) == [call_id]
    assert cc.ringing(2) == []


def test_equal_levels_go_to_the_agent_idle_longest() -> None:
    cc = Center()
    sales = cc.center.skill_named("Sales")
    assert sales is not None
    agent1 = cc.center.user_named("agent1@example.com")
    assert agent1 is not None
    cc.center.set_skill_level(agent1, sales, 5)  # now equal to agent2's level
    cc.ready(1)
    cc.clock.advance(10)
    cc.ready(2)
    first = cc.call()
    assert cc.ringing(1) == [first]  # agent1 has been free 10 s longer
    cc.clock.advance(5)
    cc.telephony.remote_hangup(first, CUSTOMER)  # agent1 is free again from now on, agent2 since 10 s
    second = cc.call()
    assert cc.ringing(2) == [second]


def test_an_agent_in_do_not_disturb_is_skipped() -> None:
    cc = Center()
    cc.ready(1, 2)
    cc.state(1, "DoNotDisturbOn")
    call_id = cc.call()
    assert cc.ringing(1) == []
    assert cc.ringing(2) == [call_id]


@pytest.mark.parametrize("operations", [("StartContactCenterSession",), ("StartContactCenterSession", "AfterCallWork")])
def test_an_agent_not_ready_is_skipped(operations: tuple[str, ...]) -> None:
    cc = Center()
    cc.state(1, *operations)
    cc.ready(2)
    call_id = cc.call()
    assert cc.ringing(1) == []
    assert cc.ringing(2) == [call_id]


def test_an_agent_on_a_call_is_skipped() -> None:
    cc = Center()
    cc.ready(1, 2)
    first = cc.call(CUSTOMER)
    cc.answer(1, first)
    second = cc.call("+15551230001")
    assert cc.ringing(2) == [second]


def test_ring_timeout_reroutes_to_the_next_agent() -> None:
    cc = Center(ring_timeout=15)
    cc.ready(1, 2)
    call_id = cc.call()
    assert cc.ringing(1) == [call_id]
    cc.clock.advance(14.9)
    assert cc.ringing(1) == [call_id]
    cc.clock.advance(0.1)
    assert cc.ringing(1) == []
    assert cc.ringing(2) == [call_id]
    assert call_id in cc.telephony.call_ids()  # the customer is still there, queued
    cc.answer(2, call_id)
    assert cc.queue()["ringNoAnswer"] == 1
    assert cc.agent(1) == {"offered": 1, "answered": 0, "noAnswer": 1}
    assert cc.agent(2) == {"offered": 1, "answered": 1, "noAnswer": 0}


def test_a_lone_agent_who_lets_it_ring_out_is_offered_it_again() -> None:
    cc = Center(ring_timeout=10)
    cc.ready(1)
    call_id = cc.call()
    cc.clock.advance(10)
    assert cc.ringing(1) == [call_id]
    assert cc.agent(1)["offered"] == 2


def test_a_customer_hanging_up_in_the_queue_abandons() -> None:
    cc = Center()
    call_id = cc.call()
    cc.clock.advance(30)
    cc.telephony.remote_hangup(call_id, CUSTOMER)
    assert cc.queue() == {
        "offered": 1, "answered": 0, "abandoned": 1, "ringNoAnswer": 0, "waiting": 0,
        "averageWait": 0.0, "longestWait": 0.0,
    }  # fmt: skip
    cc.ready(1)
    assert cc.ringing(1) == []  # nothing left to offer


def test_a_customer_hanging_up_while_an_agent_rings_abandons_and_stops_the_ringing() -> None:
    cc = Center()
    cc.ready(1)
    call_id = cc.call()
    cc.telephony.remote_hangup(call_id, CUSTOMER)
    assert cc.ringing(1) == []
    assert cc.queue()["abandoned"] == 1
    assert cc.clock.pending() == 0  # the ring timer went with the call


def test_answered_calls_count_their_wait_first_come_first_served() -> None:
    cc = Center()
    first = cc.call(CUSTOMER)
    cc.clock.advance(40)
    second = cc.call("+15551230001")
    cc.clock.advance(20)
    cc.ready(2)
    assert cc.ringing(2) == [first]  # the older call first
    cc.answer(2, first)
    cc.ready(1)
    assert cc.ringing(1) == [second]
    cc.answer(1, second)
    stats = cc.queue()
    assert (stats["offered"], stats["answered"], stats["waiting"]) == (2, 2, 0)
    assert stats["longestWait"] == 60.0
    assert stats["averageWait"] == 40.0


def test_an_agent_back_from_after_call_work_takes_the_waiting_call() -> None:
    cc = Center(wrap_up_seconds=30)
    cc.ready(1)
    first = cc.call(CUSTOMER)
    cc.answer(1, first)
    cc.telephony.remote_hangup(first, CUSTOMER)
    second = cc.call("+15551230001")
    assert cc.ringing(1) == []  # in after-call work
    cc.clock.advance(30)
    assert cc.ringing(1) == [second]


def test_a_direct_call_to_an_agent_number_is_not_routed() -> None:
    cc = Center()
    cc.ready(1)
    call_id = cc.telephony.inbound_call(CUSTOMER, "5001")
    assert cc.ringing(1) == [call_id]
    assert cc.router.statistics()["queues"] == {}


def test_the_ring_timeout_defaults_to_the_contact_centers_no_answer_timeout() -> None:
    cc = Center(ring_timeout=None, no_answer_timeout=12)
    cc.ready(1, 2)
    call_id = cc.call()
    cc.clock.advance(11.9)
    assert cc.ringing(1) == [call_id]
    cc.clock.advance(0.1)
    assert cc.ringing(2) == [call_id]


def test_without_a_no_answer_timeout_an_offer_rings_until_someone_acts() -> None:
    cc = Center(ring_timeout=None, no_answer_timeout=None)
    cc.ready(1, 2)
    call_id = cc.call()
    cc.clock.advance(3600)
    assert cc.ringing(1) == [call_id]
    assert cc.ringing(2) == []
