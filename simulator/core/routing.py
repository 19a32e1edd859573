"""Queue routing: calls to a queue's number wait until a suitable agent is free, then ring that agent.

Rules (each checked by tests/core/test_routing.py):

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
`Telephony.withdraw`, and learns what happened from the devices and calls every action of the telephony
touched (`after_action`), so a call answered through the REST API, a hang-up from the simulated world and
a timer all reach it by the same path. Counters are kept for statistics.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .changes import ABANDONED, ANSWERED, ENTERED, QueueCallChanged
from .contact_center import ContactCenter
from .routing_counters import AgentCounters, QueueCounters
from .users import AGENT
from .voice.clock import Clock, TimerHandle
from .voice.telephony import Telephony


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


@dataclass
class _Skills:
    """Who may take each voice queue's calls, at which level, built once per revision of the contact
    center: the queues each agent serves, and the order of users for the last tie-break."""

    revision: int
    levels: dict[str, dict[str, int]]  # queue id -> user id -> level
    queues_of: dict[str, list[str]]  # user id -> queue ids
    order: dict[str, int]  # user id -> place among the contact center's users
    numbers: dict[str, str]  # phone number -> voice queue id


class Router:
    """Routes the calls that reach queue numbers of `center`, on `clock`, through `telephony`.

    Attaching sets `telephony.router`, so the telephony sends calls to queue numbers here and calls
    `after_action` after every change it makes, naming the devices and calls the change touched.

    Work per action follows what the action touched, not the size of the contact center: the router
    keeps the free devices (with the time each became free) in one heap per queue, ordered by level, then
    free-since, then user order, and the calls not yet offered in one heap per queue by arrival. An
    action re-examines only the devices and calls it touched; offering looks only at the queues whose
    free devices or waiting calls changed. `evaluations` counts the devices and calls examined, so tests
    can check that cost without timing it.
    """

    def __init__(
        self,
        center: ContactCenter,
        telephony: Telephony,
        clock: Clock,
        ring_timeout: float | None = None,
        emit: Callable[[QueueCallChanged], None] | None = None,
    ) -> None:
        self.center = center
        self._emit = emit or (lambda change: None)  # calls entering, answered, abandoned: for statistics
        self.telephony = telephony
        self.clock = clock
        self.ring_timeout = center.voice_options.no_answer_timeout if ring_timeout is None else ring_timeout
        self._calls: dict[str, _Queued] = {}  # in arrival order: dicts keep insertion order
        self._seq = 0
        self._free: dict[str, tuple[int, float]] = {}  # free device id -> (stamp, free since)
        self._stamps = 0
        self._free_heaps: dict[str, list[tuple[int, float, int, int, str, int]]] = {}
        self._waiting_heaps: dict[str, list[tuple[int, str]]] = {}
        self._touched_queues: set[str] = set()
        self._queues: dict[str, QueueCounters] = {}
        self._agents: dict[str, AgentCounters] = {}
        self._skills: _Skills | None = None
        self._acting = False
        self.evaluations = 0
        telephony.router = self

    # ------------------------------------------------------------------ what the telephony calls

    def queue_of_number(self, number: str) -> str | None:
        """The id of the voice queue answering `number`, or None."""
        return self._index().numbers.get(number)

    def enqueue(self, call_id: str, number: str) -> None:
        """A new call reached the queue on `number`; it is offered at the next `after_action`."""
        queue_id = self.queue_of_number(number)
        if queue_id is None:
            raise ValueError(f"{number} is not a voice queue's number")
        self._seq += 1
        queued = _Queued(call_id, queue_id, self.clock.now(), self._seq)
        self._calls[call_id] = queued
        self._wait(queued)
        self._queue_counters(queue_id).offered += 1
        self._emit(QueueCallChanged(ENTERED, call_id, queue_id))

    def after_action(self, devices: Iterable[str] = (), calls: Iterable[str] = ()) -> None:
        """Look at the devices and calls the last action touched, then offer waiting calls to free agents.

        Offering is itself an action that calls back here; the nested call only looks, and the outer
        one offers until nothing more can be offered.
        """
        for call_id in calls:
            queued = self._calls.get(call_id)
            if queued is not None:
                self.evaluations += 1
                self._observe_call(queued)
        for device_id in devices:
            self.evaluations += 1
            self._observe_device(device_id)
        if self._acting:
            return
        self._acting = True
        try:
            self._dispatch()
        finally:
            self._acting = False

    def center_changed(self) -> None:
        """The contact center was provisioned (skills, users, devices, queues): look at every agent's
        device once, then offer what can be offered. Provisioning is rare; this is the one place that
        visits every agent."""
        index = self._index()
        for user_id in index.queues_of:
            for device_id in self.center.users[user_id].device_ids:
                self.evaluations += 1
                self._observe_device(device_id)
        self.after_action()

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

    def _observe_call(self, queued: _Queued) -> None:
        if not self.telephony.has_call(queued.call_id):
            self._finish(queued)
            self._queue_counters(queued.queue_id).abandoned += 1
            self._emit(QueueCallChanged(ABANDONED, queued.call_id, queued.queue_id))
        elif queued.device_id is not None:
            state = self.telephony.leg_state(queued.device_id, queued.call_id)
            if state in ("Established", "Held"):
                self._answered(queued)
            elif state != "Ringing":  # the agent's leg is gone (cleared): back to the queue
                self._end_offer(queued)

    def _observe_device(self, device_id: str) -> None:
        free = self.telephony.device_free(device_id) and self._is_agent_device(device_id)
        if free and device_id not in self._free:
            self._stamps += 1
            self._free[device_id] = (self._stamps, self.clock.now())
            self._push_free(device_id, self._index())
        elif not free:
            self._free.pop(device_id, None)  # its heap entries go stale and are dropped when met

    def _is_agent_device(self, device_id: str) -> bool:
        device = self.center.devices.get(device_id)
        user = self.center.users.get(device.user_id) if device is not None and device.user_id else None
        return user is not None and user.has_role(AGENT)

    def _push_free(self, device_id: str, index: _Skills) -> None:
        stamp, since = self._free[device_id]
        user_id = self.center.devices[device_id].user_id
        if user_id is None:
            return
        place = self.center.users[user_id].device_ids.index(device_id)
        for queue_id in index.queues_of.get(user_id, ()):
            entry = (-index.levels[queue_id][user_id], since, index.order[user_id], place, device_id, stamp)
            heapq.heappush(self._free_heaps.setdefault(queue_id, []), entry)
            self._touched_queues.add(queue_id)

    def _answered(self, queued: _Queued) -> None:
        counters = self._queue_counters(queued.queue_id)
        counters.answered += 1
        wait = self.clock.now() - queued.since
        counters.total_wait += wait
        counters.longest_wait = max(counters.longest_wait, wait)
        assert queued.user_id is not None
        self._agent_counters(queued.user_id).answered += 1
        self._finish(queued)
        self._emit(QueueCallChanged(ANSWERED, queued.call_id, queued.queue_id, queued.user_id))

    def _finish(self, queued: _Queued) -> None:
        if queued.timer is not None:
            queued.timer.cancel()
        del self._calls[queued.call_id]

    def _end_offer(self, queued: _Queued) -> None:
        if queued.timer is not None:
            queued.timer.cancel()
        queued.device_id, queued.user_id, queued.timer = None, None, None
        self._wait(queued)

    def _wait(self, queued: _Queued) -> None:
        """The call waits to be offered, in its place by arrival (a call that comes back keeps it)."""
        heapq.heappush(self._waiting_heaps.setdefault(queued.queue_id, []), (queued.seq, queued.call_id))
        self._touched_queues.add(queued.queue_id)

    # ------------------------------------------------------------------ offering

    def _dispatch(self) -> None:
        """Offer calls first come, first served across all queues: while a touched queue has both a
        waiting call and a free device, the earliest such call goes to its queue's best free device.
        Before the action no queue had both, so only the queues it touched need looking at."""
        while self._touched_queues:
            heads = [(head, queue_id) for queue_id in self._touched_queues if (head := self._head(queue_id))]
            ready = [(head, queue_id) for head, queue_id in heads if self._has_free(queue_id)]
            if not ready:
                self._touched_queues.clear()
                return
            _head, queue_id = min(ready)
            queued = self._calls[heapq.heappop(self._waiting_heaps[queue_id])[1]]
            user_id, device_id = self._best_free(queue_id, queued)
            self._offer(queued, user_id, device_id)

    def _head(self, queue_id: str) -> tuple[int, str] | None:
        """The earliest call of the queue waiting to be offered; stale entries are dropped."""
        heap = self._waiting_heaps.get(queue_id)
        while heap:
            seq, call_id = heap[0]
            queued = self._calls.get(call_id)
            if queued is not None and queued.device_id is None and queued.seq == seq:
                return heap[0]
            heapq.heappop(heap)
        return None

    def _has_free(self, queue_id: str) -> bool:
        heap = self._free_heaps.get(queue_id)
        while heap:
            if self._free.get(heap[0][4], (None,))[0] == heap[0][5]:
                return True
            heapq.heappop(heap)
        return False

    def _best_free(self, queue_id: str, queued: _Queued) -> tuple[str, str]:
        """The best free device for the call: an agent who let it ring out before only when nobody
        else is free. Entries set aside while looking go back on the heap."""
        heap = self._free_heaps[queue_id]
        passed: list[tuple[int, float, int, int, str, int]] = []
        choice = None
        while heap:
            entry = heapq.heappop(heap)
            device_id, stamp = entry[4], entry[5]
            if self._free.get(device_id, (None,))[0] != stamp:
                continue
            self.evaluations += 1
            passed.append(entry)
            if self.center.devices[device_id].user_id not in queued.tried:
                choice = entry
                break
        if choice is None:
            choice = passed[0]  # everyone free let it ring before: the best of them
        for entry in passed:
            heapq.heappush(heap, entry)
        device_id = choice[4]
        user_id = self.center.devices[device_id].user_id
        assert user_id is not None
        return user_id, device_id

    def _offer(self, queued: _Queued, user_id: str, device_id: str) -> None:
        queued.device_id, queued.user_id = device_id, user_id
        self._agent_counters(user_id).offered += 1
        if self.ring_timeout is not None:
            queued.timer = self.clock.call_later(self.ring_timeout, lambda: self._ring_timed_out(queued, device_id))
        self._free.pop(device_id, None)
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

    def _index(self) -> _Skills:
        """The skill index of the contact center as it is; when it changed, the free devices are filed
        again under the queues and levels they now have."""
        if self._skills is None or self._skills.revision != self.center.revision:
            self._skills = self._build_index()
            self._free = {device_id: free for device_id, free in self._free.items() if self._is_agent_device(device_id)}
            self._free_heaps = {}
            for device_id in self._free:
                self._push_free(device_id, self._skills)
            self._touched_queues.update(self._skills.levels)
        return self._skills

    def _build_index(self) -> _Skills:
        levels: dict[str, dict[str, int]] = {}
        queues_of: dict[str, list[str]] = {}
        numbers: dict[str, str] = {}
        for queue in self.center.queues.values():
            if queue.channel != "voice":
                continue
            if queue.phoneNumber:
                numbers.setdefault(queue.phoneNumber, queue.id)
            levels[queue.id] = dict(skilled_agents(self.center, queue.id))
            for user_id in levels[queue.id]:
                queues_of.setdefault(user_id, []).append(queue.id)
        order = {user_id: place for place, user_id in enumerate(self.center.users)}
        return _Skills(self.center.revision, levels, queues_of, order, numbers)

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
