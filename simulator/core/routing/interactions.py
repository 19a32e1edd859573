"""Routing chat and e-mail interactions: which waiting interaction goes next, and to which free agent.

The rules are the calls' (`lanes.Lanes`): among the agents the queue may route to (`skills.skilled_agents`)
and who are free for the channel, the highest level wins, then the one free longest, then the earlier
user; an agent who let this interaction lapse or rejected it is chosen only when nobody else is free. What
"free" means (Ready, not in Do Not Disturb, under capacity) is the multimedia engine's to say; this only
remembers since when each agent has been free, by the (user, channel) pairs the engine names.

An interaction waits in a bucket, a queue's name and a channel (or, transferred to a skill, the skill and
the channel), at the back or, an offer that came back, at the head. The engine drives the invitations
themselves; this module knows interactions only by the few attributes `Routable` names, so it imports
nothing of the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Protocol

from ..clock import Clock
from ..contact_center import ContactCenter
from ..users import AGENT, User
from .lanes import Bucket, Lanes, Waiting
from .skills import SKILL, SkillIndex, skill_index

Pair = tuple[str, str]  # (user id, channel): an agent free, or not, for one channel


class Routable(Protocol):
    """What routing reads of an interaction."""

    @property
    def id(self) -> str: ...
    @property
    def queue(self) -> str | None: ...
    @property
    def skill(self) -> str | None: ...
    @property
    def channel(self) -> str: ...


class InteractionQueues:
    """The waiting interactions and the free agents of `center` on `channels`; `free` says who is free."""

    def __init__(
        self, center: ContactCenter, clock: Clock, free: Callable[[User, str], bool], channels: Iterable[str]
    ) -> None:
        self.center = center
        self.clock = clock
        self._free = free
        self._channels = tuple(channels)
        self._lanes: Lanes[Pair] = Lanes()
        self._skills: SkillIndex | None = None  # None: to be worked out again
        self._buckets: dict[Pair, list[tuple[Bucket, int]]] = {}  # of the same index: where a pair is filed

    @property
    def evaluations(self) -> int:
        """The agents and interactions examined so far: the work routing did."""
        return self._lanes.evaluations

    # ------------------------------------------------------------------ waiting work

    def __contains__(self, interaction_id: object) -> bool:
        return interaction_id in self._lanes

    def ids(self) -> list[str]:
        """The waiting interactions in serving order (for reading, not for routing)."""
        return self._lanes.ids()

    def add(self, interaction: Routable, tried: set[str] | None = None, front: bool = False) -> None:
        """Wait at the back, or at the head (an offer that came back keeps its turn)."""
        turn = self._lanes.turn_at_front() if front else self._lanes.turn_at_back()
        group = interaction.queue if interaction.skill is None else SKILL + interaction.skill
        self._lanes.wait(interaction.id, (group, interaction.channel), turn, tried or ())

    def remove(self, interaction_id: str) -> None:
        self._lanes.remove(interaction_id)

    # ------------------------------------------------------------------ free agents

    def invalidate(self) -> None:
        """Work out again who is free and who may take what (the engine's capacity changed)."""
        self._skills = None

    def observe(self, pairs: Collection[Pair]) -> None:
        """Note who became free (from now) and who is no longer free, among the (user, channel) pairs an
        operation touched; everyone, once, after the contact center changed."""
        index = self._skills
        if index is None or index.revision != self.center.revision:
            index = self._index()
        if pairs:
            now = self.clock.now()
            for pair in pairs:
                self._observe(pair, now, index)

    def _observe(self, pair: Pair, since: float, index: SkillIndex) -> None:
        user_id, channel = pair
        user = self.center.users.get(user_id)
        if user is None or not user.has_role(AGENT) or not self._free(user, channel):
            self._lanes.busy(pair)
        else:  # free: filed under its buckets unless it is already
            buckets = self._buckets.get(pair)
            if buckets is None:
                groups = index.groups_of.get(user_id, ())
                buckets = self._buckets[pair] = [((group, channel), level) for group, level in groups]
            self._lanes.free(pair, user_id, since, buckets, index.order[user_id])

    def _index(self) -> SkillIndex:
        """Who may take each queue's work, from the contact center as it is; when that changed, every
        agent's freedom is worked out again (an agent still free keeps the time they became free)."""
        if self._skills is not None and self._skills.revision == self.center.revision:
            return self._skills
        first: dict[str, str] = {}  # a name reaches its first queue only
        for queue_id, queue in self.center.queues.items():
            first.setdefault(queue.name, queue_id)
        index = self._skills = skill_index(self.center, first, skills=True)
        self._buckets = {}
        before = self._lanes.forget_agents()
        now = self.clock.now()
        for user_id in self.center.users:
            for channel in self._channels:
                pair = (user_id, channel)
                self._observe(pair, before.get(pair, now), index)
        return index

    # ------------------------------------------------------------------ routing

    def next_ready(self) -> Waiting | None:
        """The first waiting interaction, across every queue, that a free agent may take; None when there
        is none. The caller takes it out of its queue (or the same one is answered again)."""
        if self._skills is None or self._skills.revision != self.center.revision:
            self._index()
        return self._lanes.next_ready()

    def choose(self, entry: Waiting) -> str | None:
        """The user id of the free agent to invite, or None."""
        choice = self._lanes.choose(entry)
        return None if choice is None else choice[1]
