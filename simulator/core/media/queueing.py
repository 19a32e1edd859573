"""The chat and e-mail queues: interactions waiting for an agent, first come first served, and which free
agent takes the next one.

The choice is the voice router's: among the agents the queue may route to (`routing.skilled_agents`, the
one rule of skills and levels) and who are free for the channel, the highest level wins, then the one
free longest, then the earlier user; an agent who let this interaction lapse or rejected it is chosen only
when nobody else is free. What "free" means (Ready, not in Do Not Disturb, under capacity) is the engine's
to say; this module only remembers since when each agent has been free.

Nothing here visits every agent or every waiting interaction: the work of one change is that of the
agents and interactions it touched. Waiting work and free agents are kept per bucket (a queue's name and
a channel: an interaction waits in one, and the agents who may take it are the bucket's free agents), each
as a heap in the order it is served in; an agent no longer free, or an interaction no longer waiting,
stays in its heap until it comes to the top and is dropped there. Only the buckets that gained work or a
free agent since the last routing pass are looked at by the next. Who may take a queue's work, at which
level, is worked out once per revision of the contact center (`ContactCenter.revision`).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..contact_center import ContactCenter
from ..routing import skilled_agents
from ..users import AGENT, User
from ..voice.clock import Clock
from .interaction import MEDIA_CHANNELS, Interaction

Bucket = tuple[str, str]  # (queue name, channel), or (SKILL + skill name, channel)
SKILL = "skill:"  # the bucket of the interactions transferred to a skill, which its holders take
Pair = tuple[str, str]  # (user id, channel)
# (-level, free since, user order, token, user id): the best free agent first; the token tells an agent
# still free from one who has been busy and free again since the entry was made.
FreeEntry = tuple[int, float, int, int, str]


@dataclass
class Waiting:
    """An interaction waiting in a queue for an agent, and the agents tried for it before."""

    interaction_id: str
    queue: str
    channel: str
    since: float
    turn: int  # serving order across every queue: lower first
    tried: set[str] = field(default_factory=set)

    @property
    def bucket(self) -> Bucket:
        return (self.queue, self.channel)


class MediaQueues:
    """The waiting interactions and the free agents of `center`, by bucket; `free` says who is free."""

    def __init__(self, center: ContactCenter, clock: Clock, free: Callable[[User, str], bool]) -> None:
        self.center = center
        self.clock = clock
        self._free = free
        self._waiting: dict[str, Waiting] = {}
        self._queued: dict[Bucket, list[tuple[int, str]]] = {}  # (turn, interaction id) heaps
        self._queued_count: dict[Bucket, int] = {}
        self._front = 0  # turns at the head count down, turns at the back count up
        self._back = 0
        self._idle: dict[Pair, tuple[float, int]] = {}  # free agents: (free since, token)
        self._tokens = itertools.count()
        self._free_agents: dict[Bucket, list[FreeEntry]] = {}
        self._free_count: dict[Bucket, int] = {}
        self._dirty: set[Bucket] = set()  # buckets that gained work or a free agent
        self._ready: list[tuple[int, Bucket]] = []  # (turn of the head, bucket) for the pass under way
        self._revision: int | None = None  # the contact center's revision `_skills` was built at
        self._skills: dict[str, list[tuple[str, int, int]]] = {}  # user id -> [(queue name, level, order)]

    # ------------------------------------------------------------------ waiting work

    def __contains__(self, interaction_id: object) -> bool:
        return interaction_id in self._waiting

    def ids(self) -> list[str]:
        """The waiting interactions in serving order (for reading, not for routing)."""
        return [entry.interaction_id for entry in sorted(self._waiting.values(), key=lambda entry: entry.turn)]

    def add(self, interaction: Interaction, tried: set[str] | None = None, front: bool = False) -> None:
        """Wait at the back, or at the head (an offer that came back keeps its turn)."""
        if front:
            self._front -= 1
            turn = self._front
        else:
            self._back += 1
            turn = self._back
        self.remove(interaction.id)
        now = self.clock.now()
        queue = interaction.queue if interaction.skill is None else SKILL + interaction.skill
        entry = Waiting(interaction.id, queue, interaction.channel, now, turn, set(tried or ()))
        self._waiting[entry.interaction_id] = entry
        heap = self._queued.setdefault(entry.bucket, [])
        heapq.heappush(heap, (turn, entry.interaction_id))
        self._queued_count[entry.bucket] = self._queued_count.get(entry.bucket, 0) + 1
        self._dirty.add(entry.bucket)

    def remove(self, interaction_id: str) -> None:
        entry = self._waiting.pop(interaction_id, None)
        if entry is None:
            return
        bucket = entry.bucket
        self._queued_count[bucket] -= 1
        heap = self._queued[bucket]
        if len(heap) > 2 * self._queued_count[bucket] + 32:  # mostly entries gone: keep the heap small
            heap[:] = [item for item in heap if self._current_work(item)]
            heapq.heapify(heap)
        self._dirty.add(bucket)  # its next interaction may be routable now

    def _current_work(self, item: tuple[int, str]) -> bool:
        entry = self._waiting.get(item[1])
        return entry is not None and entry.turn == item[0]

    def _head(self, bucket: Bucket) -> Waiting | None:
        heap = self._queued.get(bucket)
        while heap:
            if self._current_work(heap[0]):
                return self._waiting[heap[0][1]]
            heapq.heappop(heap)
        return None

    # ------------------------------------------------------------------ free agents

    def invalidate(self) -> None:
        """Work out again who is free and who may take what (the engine's capacity changed)."""
        self._revision = None

    def observe(self, pairs: Iterable[Pair]) -> None:
        """Note who became free (from now) and who is no longer free, among the (user, channel) pairs an
        operation touched; everyone, once, after the contact center changed."""
        if self._revision != self.center.revision:
            self._rebuild()
        for user_id, channel in pairs:
            self._observe(user_id, channel, self.clock.now())

    def _observe(self, user_id: str, channel: str, now: float) -> None:
        user = self.center.users.get(user_id)
        free = user is not None and user.has_role(AGENT) and self._free(user, channel)
        pair = (user_id, channel)
        if free and pair not in self._idle:
            token = next(self._tokens)
            self._idle[pair] = (now, token)
            for queue, level, order in self._skills.get(user_id, ()):
                bucket = (queue, channel)
                heap = self._free_agents.setdefault(bucket, [])
                heapq.heappush(heap, (-level, now, order, token, user_id))
                self._free_count[bucket] = self._free_count.get(bucket, 0) + 1
                if len(heap) > 2 * self._free_count[bucket] + 32:  # mostly agents no longer free
                    heap[:] = [item for item in heap if self._current_agent(item, channel)]
                    heapq.heapify(heap)
                self._dirty.add(bucket)
        elif not free and pair in self._idle:
            del self._idle[pair]
            for queue, _level, _order in self._skills.get(user_id, ()):
                self._free_count[(queue, channel)] -= 1

    def _current_agent(self, item: FreeEntry, channel: str) -> bool:
        idle = self._idle.get((item[4], channel))
        return idle is not None and idle[1] == item[3]

    def _rebuild(self) -> None:
        """Who may take each queue's work, and every agent's freedom, from the contact center as it is now;
        an agent still free keeps the time they became free."""
        self._revision = self.center.revision
        self._skills = {}
        first: dict[str, str] = {}  # a name reaches its first queue only
        for queue_id, queue in self.center.queues.items():
            first.setdefault(queue.name, queue_id)
        for name, queue_id in first.items():
            for order, (user_id, level) in enumerate(skilled_agents(self.center, queue_id)):
                self._skills.setdefault(user_id, []).append((name, level, order))
        for skill in self.center.skills.values():
            for order, (user, level) in enumerate(self.center.holders_of(skill)):
                self._skills.setdefault(user.id, []).append((SKILL + skill.name, level, order))
        before = self._idle
        self._idle, self._free_agents, self._free_count = {}, {}, {}
        now = self.clock.now()
        for user_id in self.center.users:
            for channel in MEDIA_CHANNELS:
                since = before.get((user_id, channel), (now, 0))[0]
                self._observe(user_id, channel, since)
        self._dirty.update(self._queued)

    # ------------------------------------------------------------------ routing

    def next_ready(self) -> Waiting | None:
        """The first waiting interaction, across every queue, that a free agent may take; None when there
        is none. The caller takes it out of its queue (or the same one is answered again)."""
        if self._revision != self.center.revision:
            self._rebuild()
        for bucket in self._dirty:
            head = self._head(bucket)
            if head is not None and self._free_count.get(bucket, 0) > 0:
                heapq.heappush(self._ready, (head.turn, bucket))
        self._dirty.clear()
        while self._ready:
            turn, bucket = heapq.heappop(self._ready)
            head = self._head(bucket)
            if head is not None and head.turn == turn and self._free_count.get(bucket, 0) > 0:
                return head
        return None

    def choose(self, entry: Waiting) -> str | None:
        """The user id of the free agent to invite, or None."""
        heap = self._free_agents.get(entry.bucket, [])
        seen: list[FreeEntry] = []
        choice = None
        while heap:
            item = heapq.heappop(heap)
            if not self._current_agent(item, entry.channel):
                continue  # no longer free since this entry was made: dropped for good
            seen.append(item)
            if item[4] not in entry.tried:
                choice = item[4]
                break
        for item in seen:
            heapq.heappush(heap, item)
        if choice is None and seen:
            choice = seen[0][4]  # only agents tried before are free: the best of them
        return choice
