"""Calls agents send to a queue: an agent dials a voice queue's number, or transfers a call there (single
step, or by a consultation); routing offers it to a free agent by the queue's rules, as a customer's call.

Queue 8000 (Sales line) requires Sales: agent1 holds it at level 8, agent2 at 5; agent3 does not hold it
(agent3 is the one sending calls to the queue).
"""

from __future__ import annotations

from simulator.center_file import load_default
from simulator.core.directory import CenterDirectory
from simulator.core.routing import Router
from simulator.core.voice import CallView, Telephony, VirtualClock

CUSTOMER = "+15551230000"
QUEUE = "8000"


class Center:
    """The default contact center with its telephony and router on a virtual clock (ring timeout 20 s)."""

    def __init__(self) -> None:
        self.center = load_default()
        self.clock = VirtualClock()
        self.telephony = Telephony(CenterDirectory(self.center), self.clock, [], self.center.voice_options)
        self.router = Router(self.center, self.telephony, self.clock, ring_timeout=20)

    def ids(self, agent: int) -> tuple[str, str]:
        user = self.center.user_named(f"agent{agent}@example.com")
        assert user is not None
        return user.id, user.device_ids[0]

    def ready(self, *agents: int) -> None:
        for agent in agents:
            user_id, device_id = self.ids(agent)
            self.telephony.device_operate(user_id, device_id, "StartContactCenterSession", {"channels": ["voice"]})
            self.telephony.device_operate(user_id, device_id, "Ready")

    def view(self, agent: int, call_id: str) -> CallView | None:
        _, device_id = self.ids(agent)
        return next((view for view in self.telephony.calls_of_device(device_id) if view.id == call_id), None)

    def state(self, agent: int, call_id: str) -> str | None:
        view = self.view(agent, call_id)
        return None if view is None else view.state

    def op(self, agent: int, call_id: str, operation: str, **params: str) -> None:
        self.telephony.operate(self.ids(agent)[0], call_id, operation, params)

    def dial(self, agent: int, number: str) -> str:
        user_id, device_id = self.ids(agent)
        return self.telephony.dial(user_id, device_id, number)

    def customer_on(self, agent: int) -> str:
        """A customer's call to the agent's own number, answered."""
        _, device_id = self.ids(agent)
        number = self.center.devices[device_id].phoneNumber
        call_id = self.telephony.inbound_call(CUSTOMER, number)
        self.op(agent, call_id, "Answer")
        return call_id

    def queue(self) -> dict[str, int]:
        return self.router.statistics()["queues"]["Sales line"]


def test_an_agent_dialing_a_queue_reaches_the_best_free_agent() -> None:
    cc = Center()
    cc.ready(2, 1)
    call_id = cc.dial(3, QUEUE)
    view = cc.view(3, call_id)
    assert view is not None and (view.state, view.call_type, view.dnis) == ("Dialing", "Internal", QUEUE)
    assert (cc.state(1, call_id), cc.state(2, call_id)) == ("Ringing", None)  # level 8 before level 5
    cc.op(1, call_id, "Answer")
    assert (cc.state(3, call_id), cc.state(1, call_id)) == ("Established", "Established")
    agent1 = cc.center.devices[cc.ids(1)[1]].phoneNumber
    assert cc.view(3, call_id).participants == (agent1,)  # type: ignore[union-attr]
    assert (cc.queue()["offered"], cc.queue()["answered"]) == (1, 1)


def test_a_dialed_queue_call_waits_for_a_free_agent_and_hanging_up_abandons_it() -> None:
    cc = Center()
    call_id = cc.dial(3, QUEUE)
    cc.clock.advance(600)  # no agent Ready: the call waits, however long (no no-answer timeout for a queue)
    assert cc.state(3, call_id) == "Dialing"
    assert cc.router.waiting(next(iter(cc.center.queues))) == [call_id]
    cc.op(3, call_id, "Hangup")
    assert call_id not in cc.telephony.call_ids()
    assert (cc.queue()["abandoned"], cc.queue()["waiting"]) == (1, 0)


def test_a_call_transferred_to_a_queue_waits_there_with_its_customer() -> None:
    cc = Center()
    call_id = cc.customer_on(3)
    cc.op(3, call_id, "SingleStepTransfer", destination=QUEUE)
    assert cc.state(3, call_id) is None  # the transferring agent has left the call
    assert call_id in cc.telephony.call_ids()  # the customer is alone on it, queued
    cc.ready(2)
    assert cc.state(2, call_id) == "Ringing"
    cc.clock.advance(20)  # the queue's ring timeout: offered again (to agent2, the only one free)
    assert cc.state(2, call_id) == "Ringing" and cc.queue()["ringNoAnswer"] == 1
    cc.op(2, call_id, "Answer")
    view = cc.view(2, call_id)
    assert view is not None and (view.state, view.participants) == ("Established", (CUSTOMER,))


def test_a_customer_hanging_up_after_a_transfer_to_a_queue_abandons() -> None:
    cc = Center()
    call_id = cc.customer_on(3)
    cc.op(3, call_id, "SingleStepTransfer", destination=QUEUE)
    cc.telephony.remote_hangup(call_id, CUSTOMER)
    assert call_id not in cc.telephony.call_ids()
    assert cc.queue()["abandoned"] == 1


def test_a_consultation_with_a_queue_completes_as_a_transfer_to_the_agent_who_answered() -> None:
    cc = Center()
    cc.ready(1)
    call_id = cc.customer_on(3)
    cc.op(3, call_id, "InitiateTransfer", destination=QUEUE)
    [consult] = [view.id for view in cc.telephony.calls_of_device(cc.ids(3)[1]) if view.id != call_id]
    assert (cc.state(3, consult), cc.state(1, consult)) == ("Dialing", "Ringing")
    cc.op(1, consult, "Answer")
    assert cc.state(3, consult) == "Established"
    cc.op(3, call_id, "CompleteTransfer")
    view = cc.view(1, call_id)
    assert view is not None and (view.state, view.participants) == ("Established", (CUSTOMER,))
    assert cc.state(3, call_id) is None and cc.queue()["answered"] == 1


def test_a_call_is_in_one_queue_at_a_time() -> None:
    """Conferencing a queue the call already waits in plays busy, as a number that cannot ring."""
    cc = Center()
    call_id = cc.customer_on(3)
    cc.op(3, call_id, "SingleStepConference", destination=QUEUE)
    assert cc.router.waiting(next(iter(cc.center.queues))) == [call_id]
    cc.op(3, call_id, "SingleStepConference", destination=QUEUE)
    assert QUEUE in cc.view(3, call_id).participants  # type: ignore[union-attr]
    cc.clock.advance(cc.center.voice_options.busy_delay)
    assert QUEUE not in cc.view(3, call_id).participants  # type: ignore[union-attr]
    assert cc.queue()["offered"] == 1
