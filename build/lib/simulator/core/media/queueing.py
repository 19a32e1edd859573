"""The chat and e-mail queues: interactions waiting for an agent, first come first served, and which free
agent takes the next one.

The choice is the voice router's: among the agents the queue may route to (`routing.skilled_agents`, the
one rule of skills and levels) and who are free for the channel, the highest level wins, then the one
free longest, then the earlier user; an agent who let this interaction lapse or rejected it is chosen only
when nobody else is free. What "free" means (Ready, not in Do Not Disturb, under capacity) is the engine's
to say; this module only remembers since when each agent has been free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..contact_center import ContactCenter
from ..routing import skilled_agents
from ..users import AGENT, User
from ..voice.clock import Clock
from .interaction import MEDIA_CHANNELS, Interaction


@dataclass
class Waiting:
    """An interaction waiting in a queue for an agent, and the agents tried for it before."""

    interaction_id: str
    since: float
    tried: set[str] = field(default_factory=set)


class MediaQueues:
    def __init__(self, center: ContactCenter, clock: Clock) -> None:
        self.center = center
        self.clock = clock
        self._waiting: dict[str, Waiting] = {}  # in serving order
        self._idle_since: dict[tuple[str, str], float] = {}  # (user id, channel) -> free since

    def __contains__(self, interaction_id: object) -> bool:
        return interaction_id in self._waiting

    def ids(self) -> list[str]:
        return list(self._waiting)

    def entries(self) -> list[Waiting]:
        return list(self._waiting.values())

    def add(self, interaction_id: str, tried: set[str] | None = None, front: bool = False) -> None:
        """Wait at the back, or at the head (an offer that came back keeps its turn)."""
        entry = Waiting(interaction_id, self.clock.now(), set(tried or ()))
        if front:
            self._waiting = {interaction_id: entry, **self._waiting}
        else:
            self._waiting[interaction_id] = entry

    def remove(self, interaction_id: str) -> None:
        self._waiting.pop(interaction_id, None)

    def observe(self, free: Callable[[User, str], bool]) -> None:
        """Note who became free (from now) and who is no longer free, per channel."""
        now = self.clock.now()
        for user in self.center.users.values():
            for channel in MEDIA_CHANNELS:
                key = (user.id, channel)
                if user.has_role(AGENT) and free(user, channel):
                    self._idle_since.setdefault(key, now)
                else:
                    self._idle_since.pop(key, None)

    def choose(self, interaction: Interaction, entry: Waiting) -> str | None:
        """The user id of the free agent to invite, or None."""
        queue = next((queue for queue in self.center.queues.values() if queue.name == interaction.queue), None)
        ranked = [] if queue is None else skilled_agents(self.center, queue.id)
        candidates = []
        for order, (user_id, level) in enumerate(ranked):
            since = self._idle_since.get((user_id, interaction.channel))
            if since is not None:
                candidates.append((user_id in entry.tried, -level, since, order, user_id))
        return min(candidates)[4] if candidates else None
