"""Routing calls: calls to a queue's number wait until a suitable agent is free, then ring that agent.

A call reaches a queue when a customer calls its number, or when an agent dials it, transfers or
conferences a call to it (single-step, or by a consultation): the telephony hands every call to a voice
queue's number here (`enqueue`), and keeps the parties of a call waiting in a queue (`waits`).

Rules (each checked by tests/core/test_routing.py):

- An agent is free for a queue when one of their devices is Ready on voice (not in after-call work), not in
  Do Not Disturb, has no call at all, and is not being offered another call; and the agent holds one of the
  skills the queue requires (a queue that requires none takes every agent).
- Among free agents the highest level in the queue's skills wins, then the one idle longest (free since
  the earliest time), then the earlier user in the contact center.
- Calls are served first come, first served across all queues.
- An offer rings for the queue's ring timeout (`ringTimeout` of the queue in the contact-center file)
  or else `ring_timeout` seconds (by default the contact center's no-answer timeout,
  `telephony.noAnswerTimeout` in its file: 30 s unless set; None: until someone acts); unanswered, the
  ringing stops and the call goes back to the head of its queue, to be offered to the next agent (an agent
  who let it ring is tried again only when nobody else is free).
- A call that ends before an agent answers (the customer hung up while queued or while an agent's phone
  rang) is abandoned.

The router is pure core like the telephony it drives: it changes calls only through `Telephony.offer` and
`Telephony.withdraw`, and learns what happened from the devices and calls every action of the telephony
touched (`after_action`), so a call answered through the REST API, a hang-up from the simulated world and
a timer all reach it by the same path. Counters are kept for statistics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..changes import ABANDONED, ANSWERED, ENTERED, QueueCallChanged
from ..clock import Clock
from ..contact_center import ContactCenter
from ..queues import Queue
from ..skills import Skill
from ..users import AGENT, User
from ..voice.telephony import Telephony
from .counters import AgentCounters, QueueCounters
from .engine import Routing
from .lanes import Waiting
from .offers import Offer, start_offer
from .skills import SkillIndex


@dataclass(eq=False)
class _Queued:
    """A call in a queue: waiting, or being offered to an agent (`offer`)."""

    call_id: str
    queue_id: str
    since: float
    turn: int  # its place by arrival, kept when an offer comes back
    offer: Offer | None = None


class Router(Routing[str]):
    """Routes the calls that reach queue numbers of `center`, on `clock`, through `telephony`: the calls'
    adapter of `engine.Routing`, whose agents are devices and whose buckets are voice queues.

    Attaching sets `telephony.router`, so the telephony sends calls to queue numbers here and calls
    `after_action` after every change it makes, naming the devices and calls the change touched.

    Work per action follows what the action touched, not the size of the contact center: the waiting calls
    and the free devices (with the time each became free) are kept by queue in `lanes.Lanes`; an action
    re-examines only the devices and calls it touched, and offering looks only at the queues whose free
    devices or waiting calls changed. `evaluations` counts the devices and calls examined.
    """

    def __init__(
        self,
        center: ContactCenter,
        telephony: Telephony,
        clock: Clock,
        ring_timeout: float | None = None,
        emit: Callable[[QueueCallChanged], None] | None = None,
    ) -> None:
        super().__init__(center, clock)
        self._emit = emit or (lambda change: None)  # calls entering, answered, abandoned: for statistics
        self.telephony = telephony
        self.ring_timeout = center.voice_options.no_answer_timeout if ring_timeout is None else ring_timeout
        self._calls: dict[str, _Queued] = {}  # in arrival order: dicts keep insertion order
        self._queues: dict[str, QueueCounters] = {}
        self._agents: dict[str, AgentCounters] = {}
        self._numbers: dict[str, str] = {}  # phone number -> voice queue id, of the same index
        telephony.router = self

    # ------------------------------------------------------------------ what the telephony calls

    def queue_of_number(self, number: str) -> str | None:
        """The id of the voice queue answering `number`, or None."""
        self.index()
        return self._numbers.get(number)

    def enqueue(self, call_id: str, number: str) -> None:
        """A new call reached the queue on `number`; it is offered at the next `after_action`."""
        queue_id = self.queue_of_number(number)
        if queue_id is None:
            raise ValueError(f"{number} is not a voice queue's number")
        queued = _Queued(call_id, queue_id, self.clock.now(), self._lanes.turn_at_back())
        self._calls[call_id] = queued
        self._lanes.wait(call_id, queue_id, queued.turn)
        self._queue_counters(queue_id).offered += 1
        self._emit(QueueCallChanged(ENTERED, call_id, queue_id))

    def queued(self, call_id: str) -> bool:
        """Whether the call is in a queue, waiting or being offered to an agent."""
        return call_id in self._calls

    def waits(self, call_id: str) -> bool:
        """Whether the call waits in a queue, not being offered to an agent."""
        return call_id in self._lanes

    def after_action(self, devices: Iterable[str] = (), calls: Iterable[str] = ()) -> None:
        """Look at the devices and calls the last action touched, then offer waiting calls to free agents
        (an offer is itself an action that calls back here: see `Routing.dispatch`)."""
        for call_id in calls:
            queued = self._calls.get(call_id)
            if queued is not None:
                self._looked += 1
                self._observe_call(queued)
        self.observe(devices)
        self.dispatch(self._offer)

    # ------------------------------------------------------------------ statistics

    def statistics(self) -> dict[str, Any]:
        """Counters per queue (by name) and per agent (by user name), as plain data."""
        waiting: dict[str, int] = {}
        for queued in self._calls.values():
            waiting[queued.queue_id] = waiting.get(queued.queue_id, 0) + 1
        queues = {
            self.center.queues[queue_id].name: counters.document(waiting.get(queue_id, 0))
            for queue_id, counters in self._queues.items()
            if queue_id in self.center.queues
        }
        agents = {
            self.center.users[user_id].userName: counters.document()
            for user_id, counters in self._agents.items()
            if user_id in self.center.users
        }
        return {"queues": queues, "agents": agents}

    def waiting(self, queue_id: str) -> list[str]:
        """The ids of the calls of a queue not yet answered, oldest first."""
        return self._lanes.held(queue_id)

    def held_in(self, queue: Queue) -> int:
        """The calls a queue's removal would strand (waiting or ringing from it); its name strands none,
        as calls wait by the queue's id."""
        return len(self._lanes.held(queue.id))

    def held_under(self, queue: Queue) -> int:
        """The work a queue's rename would strand: none."""
        return 0

    def held_for(self, skill: Skill) -> int:
        """The work a skill's rename or removal would strand: none (calls wait for queues only)."""
        return 0

    # ------------------------------------------------------------------ the devices, as routing's agents

    def _groups(self) -> dict[str, str]:
        return {queue.id: queue.id for queue in self.center.queues.values() if queue.channel == "voice"}

    def _indexed(self, index: SkillIndex) -> None:
        self._numbers = {}
        for queue_id in index.queues:
            number = self.center.queues[queue_id].phoneNumber
            if number:
                self._numbers.setdefault(number, queue_id)

    def _build(self) -> SkillIndex:
        """The index over every agent, built again after every queue removed (and a change unheard): the
        counters of queues and users no longer in the contact center are let go with it."""
        self._agents = {user_id: counters for user_id, counters in self._agents.items() if user_id in self.center.users}
        self._queues = {
            queue_id: counters for queue_id, counters in self._queues.items() if queue_id in self.center.queues
        }
        return super()._build()

    def sizes(self) -> dict[str, int]:
        return {**super().sizes(), "agent counters": len(self._agents), "queue counters": len(self._queues)}

    def _user_gone(self, user_id: str) -> None:
        self._agents.pop(user_id, None)  # statistics show the users of the contact center only

    def _agents_of(self, user_id: str) -> Iterable[str]:
        user = self.center.users.get(user_id)
        return list(user.device_ids) if user is not None else ()

    def _free_user(self, device_id: str) -> User | None:
        """The device's user when it is free (see the rules above) and its user an agent."""
        if not self.telephony.device_free(device_id):
            return None
        device = self.center.devices.get(device_id)
        user = self.center.users.get(device.user_id) if device is not None and device.user_id else None
        return user if user is not None and user.has_role(AGENT) else None

    def _place(self, device_id: str, user: User) -> int:
        return user.device_ids.index(device_id)

    # ------------------------------------------------------------------ observing calls

    def _observe_call(self, queued: _Queued) -> None:
        if not self.telephony.has_call(queued.call_id):
            self._finish(queued)
            self._queue_counters(queued.queue_id).abandoned += 1
            self._emit(QueueCallChanged(ABANDONED, queued.call_id, queued.queue_id))
        elif queued.offer is not None:
            state = self.telephony.leg_state(queued.offer.agent, queued.call_id)
            if state in ("Established", "Held"):
                self._answered(queued, queued.offer)
            elif state != "Ringing":  # the agent's leg is gone (cleared): back to the queue
                self._back_to_queue(queued, queued.offer.tried)

    def _answered(self, queued: _Queued, offer: Offer) -> None:
        counters = self._queue_counters(queued.queue_id)
        counters.answered += 1
        wait = self.clock.now() - queued.since
        counters.total_wait += wait
        counters.longest_wait = max(counters.longest_wait, wait)
        self._agent_counters(offer.user_id).answered += 1
        self._finish(queued)
        self._emit(QueueCallChanged(ANSWERED, queued.call_id, queued.queue_id, offer.user_id))

    def _finish(self, queued: _Queued) -> None:
        if queued.offer is not None:
            queued.offer.end()
        self._lanes.release(queued.call_id)
        del self._calls[queued.call_id]

    def _back_to_queue(self, queued: _Queued, tried: set[str]) -> None:
        """The call waits to be offered again, in its place by arrival."""
        if queued.offer is not None:
            queued.offer.end()
            queued.offer = None
        self._lanes.wait(queued.call_id, queued.queue_id, queued.turn, tried)

    # ------------------------------------------------------------------ offering

    def _offer(self, entry: Waiting, device_id: str, user_id: str) -> None:
        """Ring the device with the call, for the queue's ring timeout (calls are offered first come,
        first served across all queues, each to its queue's best free device: `Routing.dispatch`)."""
        queued = self._calls[entry.work_id]
        self._agent_counters(user_id).offered += 1
        queue = self.center.queues.get(queued.queue_id)
        timeout = queue.ring_timeout if queue is not None and queue.ring_timeout is not None else self.ring_timeout
        queued.offer = start_offer(
            self.clock, queued.call_id, user_id, timeout, self._ring_timed_out, agent=device_id, tried=entry.tried
        )
        self._lanes.busy(device_id)
        self.telephony.offer(queued.call_id, device_id)

    def _ring_timed_out(self, offer: Offer) -> None:
        queued = self._calls.get(offer.work_id)
        if queued is None or queued.offer is not offer:
            return
        self._agent_counters(offer.user_id).no_answer += 1
        self._queue_counters(queued.queue_id).ring_no_answer += 1
        self._back_to_queue(queued, offer.tried_after())
        self.telephony.withdraw(queued.call_id, offer.agent)  # an action: after_action offers it again

    # ------------------------------------------------------------------ counters

    def _queue_counters(self, queue_id: str) -> QueueCounters:
        return self._queues.setdefault(queue_id, QueueCounters())

    def _agent_counters(self, user_id: str) -> AgentCounters:
        return self._agents.setdefault(user_id, AgentCounters())
