"""Routing chat and e-mail interactions: which waiting interaction goes next, and to which free agent.

The rules are the calls' (`engine.Routing`, `lanes.Lanes`): among the agents the queue may route to
(`skills.skilled_agents`) and who are free for the channel, the highest level wins, then the one free
longest, then the earlier user; an agent who let this interaction lapse or rejected it is chosen only
when nobody else is free. What "free" means (Ready, not in Do Not Disturb, under capacity) is the
multimedia engine's to say; this only remembers since when each agent has been free, by the (user,
channel) pairs the engine names.

An interaction waits in a bucket, a queue's name and a channel (or, transferred to a skill, the skill and
the channel), at the back or, an offer that came back, at the head. The engine drives the invitations
themselves; this module knows interactions only by the few attributes `Routable` names, so it imports
nothing of the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from ..clock import Clock
from ..contact_center import ContactCenter
from ..queues import Queue
from ..skills import Skill
from ..users import AGENT, User
from .engine import Groups, Routing
from .lanes import Bucket
from .skills import SKILL

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


class InteractionQueues(Routing[Pair]):
    """The waiting interactions and the free agents of `center` on `channels`; `free` says who is free:
    the interactions' adapter of `engine.Routing`, whose agents are (user, channel) pairs and whose
    buckets are (queue name or skill group, channel). The engine offers through `dispatch` and says
    which pairs an operation touched through `observe`."""

    def __init__(
        self, center: ContactCenter, clock: Clock, free: Callable[[User, str], bool], channels: Iterable[str]
    ) -> None:
        super().__init__(center, clock, skills=True)
        self._free = free
        self._channels = tuple(channels)

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
        """The interaction is done with routing (answered, or gone)."""
        self._lanes.release(interaction_id)

    def held_in(self, queue: Queue) -> int:
        """The interactions a queue's removal would strand: waiting under its name, or offered from it."""
        return self.held_under(queue)

    def held_under(self, queue: Queue) -> int:
        """The interactions a queue's rename would strand: those held under its name, on any channel."""
        return sum(len(self._lanes.held((queue.name, channel))) for channel in self._channels)

    def held_for(self, skill: Skill) -> int:
        """The interactions transferred to a skill that its rename or removal would strand."""
        return sum(len(self._lanes.held((SKILL + skill.name, channel))) for channel in self._channels)

    # ------------------------------------------------------------------ the agents on each channel

    def _groups(self) -> dict[str, str]:
        first: dict[str, str] = {}  # a name reaches its first queue only
        for queue_id, queue in self.center.queues.items():
            first.setdefault(queue.name, queue_id)
        return first

    def _agents_of(self, user_id: str) -> Iterable[Pair]:
        """The user on each channel; a user removed has none (so routing forgets their pairs)."""
        return [(user_id, channel) for channel in self._channels] if user_id in self.center.users else []

    def _free_user(self, pair: Pair) -> User | None:
        user = self.center.users.get(pair[0])
        if user is None or not user.has_role(AGENT) or not self._free(user, pair[1]):
            return None
        return user

    def _buckets_of(self, pair: Pair, groups: Groups) -> list[tuple[Bucket, int]]:
        return [((group, pair[1]), level) for group, level in groups]
