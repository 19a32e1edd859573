"""The shared heart of routing: work waiting per bucket in the order it is served, the free agents per
bucket best first, and the choice of who takes the next piece of work.

A bucket is what an adapter files work and agents under (a voice queue; a chat or e-mail queue and a
channel). An agent is whatever the adapter makes free (a voice device; a user on a channel), always on
behalf of a user. The rules, the same for calls and interactions:

- Work is served across every bucket in the order of its turn (lower first): the adapter gives each piece
  its turn, at the back (`turn_at_back`) or at the head (`turn_at_front`), or keeps the one it had.
- Among a bucket's free agents the highest level wins, then the one free longest (free since the earliest
  time), then the earlier user in the contact center, then the user's earlier device.
- An agent whose user let this work lapse or rejected it (its tried set) is chosen only when nobody else
  of the bucket is free.

A bucket also holds its work while it is offered, until the adapter releases it (answered, or gone), so
that whoever would take the bucket away can ask what still belongs to it (`held`).

Nothing here visits every agent or every waiting piece of work: each is kept in a heap in the order it is
served; an agent no longer free, or work no longer waiting, stays in its heap until it comes to the top
and is dropped there (or until the heap is mostly such entries, when it is rebuilt once). Only the buckets
that gained work or a free agent since the last look are looked at by the next. `evaluations` counts the
agents and work examined, so tests can check that cost without timing it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Agent = TypeVar("Agent", bound=Hashable)
Bucket = Hashable
# (-level, free since, user order, place among the user's devices, token, agent, user id): the best free
# agent first; the token tells an agent still free from one who has been busy and free again since.
FreeEntry = tuple[int, float, int, int, int, Agent, str]


@dataclass(slots=True)
class Waiting:
    """A piece of work waiting in a bucket, and the users tried for it before."""

    work_id: str
    bucket: Bucket
    turn: int  # serving order across every bucket: lower first
    tried: set[str] = field(default_factory=set)


# A free agent: (free since, token, user id, the buckets it is filed under with their levels)
_Free = tuple[float, int, str, Sequence[tuple[Bucket, int]]]


class Lanes(Generic[Agent]):
    """Waiting work and free agents by bucket, and who takes what next."""

    def __init__(self) -> None:
        self._waiting: dict[str, Waiting] = {}
        self._queued: dict[Bucket, list[tuple[int, str]]] = {}  # (turn, work id) heaps
        self._queued_count: dict[Bucket, int] = {}
        self._held: dict[Bucket, dict[str, None]] = {}  # work waiting or offered from each bucket, by arrival
        self._held_in: dict[str, Bucket] = {}
        self._front = 0  # turns at the head count down, turns at the back count up
        self._back = 0
        self._free: dict[Agent, _Free] = {}
        self._free_of: dict[str, dict[Agent, None]] = {}  # user id -> their free agents, in order
        self._tokens = itertools.count()
        self._free_agents: dict[Bucket, list[FreeEntry[Agent]]] = {}
        self._free_count: dict[Bucket, int] = {}
        self._dirty: set[Bucket] = set()  # buckets that gained work or a free agent
        self._ready: list[tuple[int, int, Bucket]] = []  # (turn of the head, tie-break, bucket)
        self._ready_seq = itertools.count()
        self.evaluations = 0

    # ------------------------------------------------------------------ waiting work

    def turn_at_back(self) -> int:
        self._back += 1
        return self._back

    def turn_at_front(self) -> int:
        self._front -= 1
        return self._front

    def __contains__(self, work_id: object) -> bool:
        return work_id in self._waiting

    def ids(self) -> list[str]:
        """The waiting work in serving order (for reading, not for routing)."""
        return [entry.work_id for entry in sorted(self._waiting.values(), key=lambda entry: entry.turn)]

    def wait(self, work_id: str, bucket: Bucket, turn: int, tried: Iterable[str] = ()) -> Waiting:
        """`work_id` waits in `bucket` at `turn` (in place of any earlier wait of it), and is held by the
        bucket until released."""
        self.remove(work_id)
        if self._held_in.get(work_id) != bucket:
            self._unhold(work_id)
            self._held_in[work_id] = bucket
            self._held.setdefault(bucket, {})[work_id] = None
        entry = Waiting(work_id, bucket, turn, set(tried))
        self._waiting[work_id] = entry
        heapq.heappush(self._queued.setdefault(bucket, []), (turn, work_id))
        self._queued_count[bucket] = self._queued_count.get(bucket, 0) + 1
        self._dirty.add(bucket)
        return entry

    def remove(self, work_id: str) -> Waiting | None:
        """`work_id` waits no longer (taken, offered, or gone); what it was, or None."""
        entry = self._waiting.pop(work_id, None)
        if entry is None:
            return None
        bucket = entry.bucket
        self._queued_count[bucket] -= 1
        heap = self._queued[bucket]
        if len(heap) > 2 * self._queued_count[bucket] + 32:  # mostly entries gone: keep the heap small
            heap[:] = [item for item in heap if self._current_work(item)]
            heapq.heapify(heap)
        self._dirty.add(bucket)  # its next work may be routable now
        return entry

    def release(self, work_id: str) -> None:
        """`work_id` is done with routing (answered, or gone): it neither waits nor is held any longer."""
        self.remove(work_id)
        self._unhold(work_id)

    def held(self, bucket: Bucket) -> list[str]:
        """The work of `bucket` not yet released (waiting in it, or offered from it), by arrival: what
        would be stranded were the bucket to go."""
        return list(self._held.get(bucket, ()))

    def _unhold(self, work_id: str) -> None:
        bucket = self._held_in.pop(work_id, None)
        if bucket is not None:
            held = self._held[bucket]
            del held[work_id]
            if not held:
                del self._held[bucket]

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

    def is_free(self, agent: Agent) -> bool:
        return agent in self._free

    def free(
        self,
        agent: Agent,
        user_id: str,
        since: float,
        buckets: Sequence[tuple[Bucket, int]],
        order: int,
        place: int = 0,
    ) -> None:
        """`agent` (of `user_id`, the `order`-th user, its `place`-th device) is free since `since` for
        `buckets`, each at a level (a sequence the caller no longer changes); nothing changes if it is
        free already."""
        if agent in self._free:
            return
        token = next(self._tokens)
        self._free[agent] = (since, token, user_id, buckets)
        self._free_of.setdefault(user_id, {})[agent] = None
        free_agents, free_count = self._free_agents, self._free_count
        for bucket, level in buckets:
            heap = free_agents.get(bucket)
            if heap is None:
                heap = free_agents[bucket] = []
            heapq.heappush(heap, (-level, since, order, place, token, agent, user_id))
            count = free_count[bucket] = free_count.get(bucket, 0) + 1
            if len(heap) > 2 * count + 32:  # mostly agents no longer free
                heap[:] = [item for item in heap if self._current_agent(item)]
                heapq.heapify(heap)
            self._dirty.add(bucket)

    def busy(self, agent: Agent) -> None:
        """`agent` is no longer free; its heap entries go stale and are dropped when met."""
        free = self._free.pop(agent, None)
        if free is not None:
            for bucket, _level in free[3]:
                self._free_count[bucket] -= 1
            agents = self._free_of[free[2]]
            agents.pop(agent, None)
            if not agents:
                del self._free_of[free[2]]

    def since(self, agent: Agent) -> float | None:
        """Since when `agent` is free, or None when it is not."""
        free = self._free.get(agent)
        return None if free is None else free[0]

    def filed(self) -> dict[Agent, tuple[str, float, frozenset[tuple[Bucket, int]]]]:
        """Every free agent: its user, since when it is free and its buckets (for reading, not routing)."""
        return {agent: (free[2], free[0], frozenset(free[3])) for agent, free in self._free.items()}

    def free_of(self, user_id: str) -> list[Agent]:
        """The agents free on behalf of `user_id` (a device taken from them is still among them until it
        is looked at again)."""
        return list(self._free_of.get(user_id, ()))

    def forget_agents(self) -> dict[Agent, float]:
        """Forget every free agent (who may take what has changed), answering since when each was free,
        for the adapter to file again. Every bucket with work is looked at again."""
        before = {agent: free[0] for agent, free in self._free.items()}
        self._free, self._free_of, self._free_agents, self._free_count = {}, {}, {}, {}
        self._dirty.update(self._queued)
        return before

    def sizes(self) -> dict[str, int]:
        """How many entries each table holds (for tests, not routing). A heap may hold entries no longer
        current, up to twice its current ones and 32 more (see `free` and `remove`)."""
        return {
            "work waiting": len(self._waiting),
            "work held": len(self._held_in),
            "work heaps": sum(map(len, self._queued.values())),
            "work entries": sum(self._queued_count.values()),
            "work buckets": len(self._queued),
            "free agents": len(self._free),
            "free users": len(self._free_of),
            "free heaps": sum(map(len, self._free_agents.values())),
            "free entries": sum(self._free_count.values()),
            "free buckets": len(self._free_agents),
        }

    def _current_agent(self, item: FreeEntry[Agent]) -> bool:
        free = self._free.get(item[5])
        return free is not None and free[1] == item[4]

    # ------------------------------------------------------------------ routing

    def next_ready(self) -> Waiting | None:
        """The first waiting work, across every bucket, that a free agent may take; None when there is
        none. The caller takes it out of its bucket (`remove`), or the same work is answered again."""
        for bucket in self._dirty:
            head = self._head(bucket)
            if head is not None and self._free_count.get(bucket, 0) > 0:
                heapq.heappush(self._ready, (head.turn, next(self._ready_seq), bucket))
        self._dirty.clear()
        while self._ready:
            turn, _seq, bucket = heapq.heappop(self._ready)
            head = self._head(bucket)
            if head is not None and head.turn == turn and self._free_count.get(bucket, 0) > 0:
                self.evaluations += 1
                return head
        return None

    def choose(self, entry: Waiting) -> tuple[Agent, str] | None:
        """The free agent to offer `entry` to, and its user; None when none of the bucket is free. Users
        tried before are chosen only when nobody else is free."""
        heap = self._free_agents.get(entry.bucket, [])
        seen: list[FreeEntry[Agent]] = []
        choice = None
        while heap:
            item = heapq.heappop(heap)
            if not self._current_agent(item):
                continue  # no longer free since this entry was made: dropped for good
            self.evaluations += 1
            seen.append(item)
            if item[6] not in entry.tried:
                choice = item
                break
        for item in seen:
            heapq.heappush(heap, item)
        if choice is None and seen:
            choice = seen[0]  # only users tried before are free: the best of them
        return None if choice is None else (choice[5], choice[6])
