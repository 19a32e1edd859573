"""Queue routing: calls to a queue's number wait until a suitable agent is free, then ring that agent.

Rules (each checked by tests/test_routing.py):

- An agent is free for a queue when one of their devices is Ready on voice (not in after-call work), not in
  Do Not Disturb, has no call at all, and is not being offered another call; and the agent holds one of the
  skills the queue requires (a queue that requires none takes every agent).
- Among free agents the highest level in the queue's skills wins, then the one idle longest (free since
  the earliest time), then the earlier user in the contact center.
- Calls are served first come, first served across all queues.
- An offer rings for `ring_timeout` seconds (by default the contact center's no-answer timeout,
  `telephony.noAnswerTimeout` in its file: 30 s unless set; None: until someone acts); unanswered, the
  ringing stops and the call goes back to the head of its queue, to be offered to the next agent (an agent
  who let it ring is tried again only when nobody else is free).
- A call that ends before an agent answers (the customer hung up while queued or while an agent's phone
  rang) is abandoned.

The router is pure core like the telephony it drives: it changes calls only through `Telephony.offer` and
`Telephony.withdraw`, and learns what happened by looking after every action the telephony reports
(`after_action`), so a call answered through the REST API, a hang-up from the simulated world and a timer
all reach it by the same path. Counters are kept for statistics.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .contact_center import ContactCenter
from .users import AGENT
from .voice.clock import Clock, TimerHandle
from .voice.refusal import VoiceRefusal
from .voice.telephony import Telephony


@dataclass
class QueueCounters:
    """What happened to the calls of one queue; waits are in seconds on the simulator's clock."""

    offered: int = 0  # calls that entered the queue
    answered: int = 0
    abandoned: int = 0
    ring_no_answer: int = 0  # offers an agent let ring out
    total_wait: float = 0.0  # queue entry to answer, summed over answered calls
    longest_wait: float = 0.0

    def document(self, waiting: int) -> dict[str, Any]:
        average = self.total_wait / self.answered if self.answered else 0.0
        return {
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "ringNoAnswer": self.ring_no_answer,
            "waiting": waiting,
            "averageWait": round(average, 3),
            "longestWait": round(self.longest_wait, 3),
        }


@dataclass
class AgentCounters:
    """What routing did with one agent."""

    offered: int = 0
    answered: int = 0  # routed calls the agent handled
    no_answer: int = 0

    def document(self) -> dict[str, Any]:
        return {"offered": self.offered, "answered": self.answered, "noAnswer": self.no_answer}


@dataclass
class _Queued:
    """A call waiting in (or being offered from) a queue."""

    call_id: str
    queue_id: str
    since: float
    seq: int
    tried: set[str] = field(default_factory=set)  # users who let it ring out
    device_id: str | None = None  # the device ringing with it, while offered
    user_id: str | None = None
    timer: TimerHandle | None = None


class Router:
    """Routes the calls that reach queue numbers of `center`, on `clock`, through `telephony`.

    Attaching sets `telephony.router`, so the telephony sends calls to queue numbers here and calls
    `after_action` after every change it makes.
    """

    def __init__(
        self,
        center: ContactCenter,
        telephony: Telephony,
        clock: Clock,
        ring_timeout: float | None = None,
    ) -> None:
        self.center = center
        self.telephony = telephony
        self.clock = clock
        self.ring_timeout = center.voice_options.no_answer_timeout if ring_timeout is None else ring_timeout
        self._calls: dict[str, _Queued] = {}  # in arrival order: dicts keep insertion order
        self._seq = 0
        self._idle_since: dict[str, float] = {}  # device id -> when it last became free
        self._queues: dict[str, QueueCounters] = {}
        self._agents: dict[str, AgentCounters] = {}
        self._acting = False
        self._again = False
        telephony.router = self

    # ------------------------------------------------------------------ what the telephony calls

    def queue_of_number(self, number: str) -> str | None:
        """The id of the voice queue answering `number`, or None."""
        for queue in self.center.queues.values():
            if queue.channel == "voice" and queue.phoneNumber == number:
                return queue.id
        return None

    def enqueue(self, call_id: str, number: str) -> None:
        """A new call reached the queue on `number`; it is offered at the next `after_action`."""
        queue_id = self.queue_of_number(number)
        if queue_id is None:
            raise ValueError(f"{number} is not a voice queue's number")
        self._seq += 1
        self._calls[call_id] = _Queued(call_id, queue_id, self.clock.now(), self._seq)
        self._queue_counters(queue_id).offered += 1

    def after_action(self) -> None:
        """Look at what the last action changed, then offer waiting calls to free agents.

        Offering is itself an action that calls back here; the nested call only asks for one more round.
        """
        if self._acting:
            self._again = True
            return
        self._acting = True
        try:
            self._again = True
            while self._again:
                self._again = False
                self._observe()
                self._dispatch()
        finally:
            self._acting = False

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
        return [queued.call_id for queued in self._calls.values() if queued.queue_id == queue_id]

    # ------------------------------------------------------------------ observing

    def _observe(self) -> None:
        live = set(self.telephony.call_ids())
        for queued in list(self._calls.values()):
            if queued.call_id not in live:
                self._finish(queued)
                self._queue_counters(queued.queue_id).abandoned += 1
            elif queued.device_id is not None:
                state = self._leg_state(queued.device_id, queued.call_id)
                if state in ("Established", "Held"):
                    self._answered(queued)
                elif state != "Ringing":  # the agent's leg is gone (cleared): back to the queue
                    self._end_offer(queued)
        now = self.clock.now()
        for device_id in self._agent_devices():
            if self._free(device_id):
                self._idle_since.setdefault(device_id, now)
            else:
                self._idle_since.pop(device_id, None)

    def _answered(self, queued: _Queued) -> None:
        counters = self._queue_counters(queued.queue_id)
        counters.answered += 1
        wait = self.clock.now() - queued.since
        counters.total_wait += wait
        counters.longest_wait = max(counters.longest_wait, wait)
        assert queued.user_id is not None
        self._agent_counters(queued.user_id).answered += 1
        self._finish(queued)

    def _finish(self, queued: _Queued) -> None:
        if queued.timer is not None:
            queued.timer.cancel()
        del self._calls[queued.call_id]

    def _end_offer(self, queued: _Queued) -> None:
        if queued.timer is not None:
            queued.timer.cancel()
        queued.device_id, queued.user_id, queued.timer = None, None, None

    # ------------------------------------------------------------------ offering

    def _dispatch(self) -> None:
        offered_devices = {queued.device_id for queued in self._calls.values() if queued.device_id}
        for queued in sorted(self._calls.values(), key=lambda q: q.seq):
            if queued.device_id is not None:
                continue
            choice = self._choose(queued, offered_devices)
            if choice is None:
                continue
            user_id, device_id = choice
            offered_devices.add(device_id)
            self._offer(queued, user_id, device_id)

    def _choose(self, queued: _Queued, busy: set[str]) -> tuple[str, str] | None:
        candidates: list[tuple[bool, int, float, int, str, str]] = []
        for order, (user_id, level) in enumerate(self._skilled(queued.queue_id)):
            for device_id in self._devices_of(user_id):
                if device_id in busy or device_id not in self._idle_since:
                    continue
                tried = user_id in queued.tried
                candidates.append((tried, -level, self._idle_since[device_id], order, user_id, device_id))
                break
        if not candidates:
            return None
        best = min(candidates)
        return best[4], best[5]

    def _offer(self, queued: _Queued, user_id: str, device_id: str) -> None:
        queued.device_id, queued.user_id = device_id, user_id
        self._agent_counters(user_id).offered += 1
        if self.ring_timeout is not None:
            queued.timer = self.clock.call_later(self.ring_timeout, lambda: self._ring_timed_out(queued, device_id))
        self._idle_since.pop(device_id, None)
        self.telephony.offer(queued.call_id, device_id)

    def _ring_timed_out(self, queued: _Queued, device_id: str) -> None:
        if self._calls.get(queued.call_id) is not queued or queued.device_id != device_id:
            return
        assert queued.user_id is not None
        queued.tried.add(queued.user_id)
        self._agent_counters(queued.user_id).no_answer += 1
        self._queue_counters(queued.queue_id).ring_no_answer += 1
        self._end_offer(queued)
        self.telephony.withdraw(queued.call_id, device_id)  # an action: after_action offers it again

    # ------------------------------------------------------------------ who can take calls

    def _skilled(self, queue_id: str) -> list[tuple[str, int]]:
        return skilled_agents(self.center, queue_id)

    def _agent_devices(self) -> Iterator[str]:
        for user in self.center.users.values():
            if user.has_role(AGENT):
                yield from user.device_ids

    def _free(self, device_id: str) -> bool:
        if self.telephony.calls_of_device(device_id):
            return False
        try:
            view = self.telephony.device_view(device_id)
        except VoiceRefusal:  # a device deleted through the REST API is simply not free
            return False
        return view.user_state.get("state") == "Ready" and view.do_not_disturb == "Off"

    def _devices_of(self, user_id: str) -> list[str]:
        user = self.center.users.get(user_id)
        return [] if user is None else list(user.device_ids)

    def _leg_state(self, device_id: str, call_id: str) -> str | None:
        for view in self.telephony.calls_of_device(device_id):
            if view.id == call_id:
                return view.state
        return None

    def _queue_counters(self, queue_id: str) -> QueueCounters:
        return self._queues.setdefault(queue_id, QueueCounters())

    def _agent_counters(self, user_id: str) -> AgentCounters:
        return self._agents.setdefault(user_id, AgentCounters())


def skilled_agents(center: ContactCenter, queue_id: str) -> list[tuple[str, int]]:
    """(user id, level) of the agents a queue may route to, best level first, then in user order.

    The one rule of who may take a queue's work, whatever its channel: the agents holding one of the
    queue's skills at their best level among them (a queue that requires none takes every agent). Voice
    calls and chat and e-mail interactions (`core.media`) are both routed with it."""
    queue = center.queues.get(queue_id)
    if queue is None:
        return []
    if not queue.skill_ids:
        return [(user.id, 0) for user in center.users.values() if user.has_role(AGENT)]
    best: dict[str, int] = {}
    for skill_id in queue.skill_ids:
        skill = center.skills.get(skill_id)
        if skill is None:
            continue
        for user, level in center.holders_of(skill):
            if user.has_role(AGENT):
                best[user.id] = max(level, best.get(user.id, -1))
    order = {user_id: index for index, user_id in enumerate(center.users)}
    return sorted(best.items(), key=lambda item: (-item[1], order[item[0]]))
