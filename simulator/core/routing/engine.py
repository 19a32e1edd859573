"""The routing both adapters drive: the skill index kept in step with the contact center, the free agents
filed under it (`lanes.Lanes`), and the one loop that offers waiting work to them.

An adapter says only what is its own (`Routing`'s hooks): the groups it routes, the agents a user has (a
call's are the user's devices; an interaction's, the user on each channel), whose an agent is while it is
free, the buckets an agent's groups make, and the place of a device among its user's.

Provisioning reaches routing as the change just made (`provisioned`). A change that touches users one by
one (a skill given, taken or leveled, a device given or taken back, a user added, changed or removed)
works out those users' entries of the index and files their agents again, each keeping the time it has
been free since, and forgets the agents they no longer have (a device taken, the user removed), so what
routing holds does not grow as users and devices come and go; a queue changed does the same for the
agents of that queue, before and after, and a skill renamed or removed for its holders (a description
changed: for nobody); a change that routes nothing differently (a setting other than an agent state's
among them) only notes the revision; any other change (features, agent states, a queue added or removed:
the channels every agent works on), or a revision the index did not hear of, builds the index again over
every agent. `evaluations` counts the agents and work examined and
`index_updates` the users whose entries were worked out, so tests can check what a change costs without
timing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic

from ..changes import CenterChanged
from ..clock import Clock
from ..contact_center import ContactCenter
from ..users import User
from .lanes import Agent, Bucket, Lanes, Waiting
from .skills import SkillIndex

Groups = Sequence[tuple[str, int]]

# Changes that touch the routing of the users they name only (`CenterChanged.user_ids`: a user added too).
BY_USER = frozenset(
    {
        "assign_device",
        "unassign_device",
        "remove_device",
        "assign_skill",
        "set_skill_level",
        "unassign_skill",
        "add_user",
        "update_user",
        "remove_user",
    }
)
# A change of one queue (its name, skills, description or template): its agents, before and after.
QUEUE_CHANGED = "update_queue"
# A skill renamed, described or removed: the holders of a skill renamed or removed (`SkillIndex.update_skills`).
SKILL_CHANGED = frozenset({"update_skill", "remove_skill"})
# Changes that route nothing differently: no group, level, user or device of a user changes.
UNROUTED = frozenset(
    {
        "add_device",
        "add_skill",
        "add_service",
        "add_contact",
        "update_contact",
        "remove_contact",
        "set_call_recording",
        "add_settings_group",
        "remove_settings_group",
    }
)
# A setting added, changed or removed routes nothing unless it is an agent state's (who is Ready may
# change), which concerns every user (`CenterChanged.user_ids`); the other groups route nothing.
SETTINGS = frozenset({"add_setting", "update_setting", "remove_setting"})


def users_changed(change: CenterChanged) -> Sequence[str] | None:
    """The users whose routing `change` changed, or None when it may have changed everyone's (or, for a
    queue or a skill changed, when the index works them out)."""
    if change.what in BY_USER:  # one that names nobody (a free device removed) is not trusted: rebuild
        return change.user_ids or None
    if change.what in UNROUTED or (change.what in SETTINGS and not change.user_ids):
        return ()
    return None


class Routing(Generic[Agent]):
    """Free agents filed by the skill index of `center`, on `clock`, and the loop that offers them work."""

    def __init__(self, center: ContactCenter, clock: Clock, *, skills: bool = False) -> None:
        self.center = center
        self.clock = clock
        self._with_skills = skills  # the index also has a group per skill
        self._lanes: Lanes[Agent] = Lanes()
        self._index: SkillIndex | None = None
        self._updates = 0  # users worked out by indexes since replaced
        self._buckets: dict[Agent, tuple[Groups, Sequence[tuple[Bucket, int]]]] = {}  # of which groups
        self._bucketed: dict[str, dict[Agent, None]] = {}  # user id -> their agents in `_buckets`
        self._looked = 0  # agents and work examined; the lanes count the rest
        self._dispatching = False

    @property
    def evaluations(self) -> int:
        """The agents and work examined so far: the work routing did."""
        return self._looked + self._lanes.evaluations

    @property
    def index_updates(self) -> int:
        """The users whose entries of the skill index were worked out so far (every user at a build)."""
        return self._updates + (self._index.updates if self._index is not None else 0)

    # ------------------------------------------------------------------ what the adapter says

    def _groups(self) -> dict[str, str]:
        """The groups routed (group -> queue id)."""
        raise NotImplementedError

    def _agents_of(self, user_id: str) -> Iterable[Agent]:
        """The agents `user_id` has now (none when the user is gone)."""
        raise NotImplementedError

    def _free_user(self, agent: Agent) -> User | None:
        """The agent user `agent` is free on behalf of now, or None when it is not free for routing."""
        raise NotImplementedError

    def _buckets_of(self, agent: Agent, groups: Groups) -> Sequence[tuple[Bucket, int]]:
        """The buckets, with levels, an agent is filed under from its user's groups."""
        return groups

    def _place(self, agent: Agent, user: User) -> int:
        """The place of `agent` among its user's (the last tie-break)."""
        return 0

    def _indexed(self, index: SkillIndex) -> None:
        """The index was built again (for what the adapter keeps beside it)."""

    def _user_gone(self, user_id: str) -> None:
        """`user_id` was removed from the contact center (for what the adapter keeps of each user)."""

    # ------------------------------------------------------------------ the index, in step with the center

    def index(self) -> SkillIndex:
        """The skill index of the contact center as it is: built again when it changed unheard."""
        index = self._index
        if index is None or index.revision != self.center.revision:
            index = self._build()
        return index

    def invalidate(self) -> None:
        """Work out everything again when next needed (who is free changed for everyone)."""
        if self._index is not None:
            self._index.revision = -1  # no revision of a contact center

    def provisioned(self, change: CenterChanged) -> None:
        """Bring the index and the free agents up to date with `change`, just made: the users it touched
        only, unless it may have changed everyone's routing or the index missed a change before it."""
        index = self._index
        if index is None:
            return  # built when first needed
        users = users_changed(change)
        worked_out = change.what == QUEUE_CHANGED or change.what in SKILL_CHANGED
        if index.revision != self.center.revision - 1 or (users is None and not worked_out):
            self._build()
            return
        index.revision = self.center.revision
        if change.what == QUEUE_CHANGED:  # its agents, before and after
            users = index.update_queues(self.center, self._groups())
            self._indexed(index)
        elif users is None:  # a skill changed: the holders of one renamed or removed
            users = index.update_skills(self.center)
        else:
            for user_id in users:
                index.update_user(self.center, user_id)
        for user_id in users:
            self._refile(user_id, index)

    def _build(self) -> SkillIndex:
        """The index over every agent, and every agent filed again (one still free keeps its time)."""
        if self._index is not None:
            self._updates += self._index.updates
        index = self._index = SkillIndex.build(self.center, self._groups(), skills=self._with_skills)
        self._buckets, self._bucketed = {}, {}
        self._indexed(index)
        before = self._lanes.forget_agents()
        now = self.clock.now()
        for user_id in self.center.users:
            for agent in self._agents_of(user_id):
                self._observe(agent, before.get(agent, now), index)
        return index

    def _refile(self, user_id: str, index: SkillIndex) -> None:
        """Each agent of `user_id`, whose entries changed (those they have now, and those still filed for
        them), looked at again, keeping the time it has been free since."""
        now = self.clock.now()
        agents = list(self._agents_of(user_id))
        for agent in dict.fromkeys([*self._lanes.free_of(user_id), *agents]):
            since = self._lanes.since(agent)
            self._lanes.busy(agent)
            self._observe(agent, now if since is None else since, index)
        self._forget_gone(user_id, agents)

    def _forget_gone(self, user_id: str, agents: Iterable[Agent]) -> None:
        """Forget the agents `user_id` no longer has (a device taken or deleted, the user removed) and, for
        a user removed, what the adapter keeps of them: what routing holds stays the size of the contact
        center as it is, however many users and devices came and went."""
        bucketed = self._bucketed.get(user_id)
        if bucketed is not None:
            kept = set(agents)
            for agent in [agent for agent in bucketed if agent not in kept]:
                del bucketed[agent]
                self._buckets.pop(agent, None)
            if not bucketed:
                del self._bucketed[user_id]
        if user_id not in self.center.users:
            self._user_gone(user_id)

    def filed(self) -> tuple[dict[str, list[tuple[str, int]]], list[str], dict[Agent, tuple[str, float, Any]]]:
        """What routing holds, for reading (tests compare it with a build over every agent): each user's
        groups, the users in tie-break order, and every free agent with its user, time and buckets."""
        index = self.index()
        groups = {user_id: sorted(groups) for user_id, groups in index.groups_of.items() if groups}
        return groups, sorted(index.order, key=index.order.__getitem__), self._lanes.filed()

    def sizes(self) -> dict[str, int]:
        """How many entries routing's tables hold (tests check that provisioning churn leaves none behind
        for users and devices gone): the lanes', the index's and the agents' buckets kept."""
        index = self.index()
        return {
            **self._lanes.sizes(),
            "index users": len(index.order) + len(index.groups_of) + len(index.skills_of),
            "index entries": sum(map(len, index.levels.values())) + sum(map(len, index.holders.values())),
            "agents bucketed": len(self._buckets),
            "users bucketed": len(self._bucketed),
        }

    # ------------------------------------------------------------------ observing agents

    def observe(self, agents: Iterable[Agent]) -> None:
        """Look at agents an action touched: each free is filed (from now) unless it is already, each
        no longer free is dropped."""
        index = self.index()
        now = self.clock.now()
        for agent in agents:
            self._observe(agent, now, index)

    def _observe(self, agent: Agent, since: float, index: SkillIndex) -> None:
        self._looked += 1
        user = self._free_user(agent)
        if user is None:
            self._lanes.busy(agent)
            return
        if self._lanes.is_free(agent):
            return
        groups = index.groups_of.get(user.id, ())
        cached = self._buckets.get(agent)
        if cached is None or cached[0] is not groups:  # a user's groups are replaced when they change
            cached = self._buckets[agent] = (groups, self._buckets_of(agent, groups))
            self._bucketed.setdefault(user.id, {})[agent] = None
        self._lanes.free(agent, user.id, since, cached[1], index.order[user.id], self._place(agent, user))

    # ------------------------------------------------------------------ the one loop

    def dispatch(self, offer: Callable[[Waiting, Agent, str], None]) -> None:
        """Offer waiting work to free agents until nothing more can be offered, earliest work first: each
        piece is taken out of its bucket and `offer` is called with it, the agent and the agent's user.

        An offer is itself an action that may look again and ask to dispatch: the nested ask returns at
        once and the outer loop goes on."""
        if self._dispatching:
            return
        self._dispatching = True
        try:
            while (entry := self._next_ready()) is not None:
                choice = self._lanes.choose(entry)
                if choice is None:
                    continue
                self._lanes.remove(entry.work_id)
                offer(entry, *choice)
        finally:
            self._dispatching = False

    def _next_ready(self) -> Waiting | None:
        self.index()
        return self._lanes.next_ready()
