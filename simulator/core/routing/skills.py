"""Who may take a queue's work, at which level: the one rule of skills and levels for every channel, and
the index of it that routing keeps, built once and then brought up to date user by user.

A change that touches one user (a skill given, taken or leveled; a device given or taken; a user added,
changed or removed) changes that user's entries only, so `SkillIndex.update_user` works out theirs and
leaves the others be: what it costs does not grow with the contact center. A queue changed (its skills,
its name) changes the entries of its agents only, before and after (`update_queues`): those before are
the index's own, those after the holders of its skills, which the index keeps per skill. A skill renamed
or removed changes its holders' entries only (`update_skills`). `updates` counts
the users whose entries were worked out, so tests can check that without timing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..contact_center import ContactCenter
from ..queues import Queue
from ..users import AGENT, User

SKILL = "skill:"  # the group of the work transferred to a skill, which its holders take

Signature = tuple[str, tuple[str, ...]]  # a queue group's queue id and that queue's skills: who may take it


def level_in(center: ContactCenter, queue: Queue, user: User) -> int | None:
    """The level at which `user` takes `queue`'s work, or None when they do not: an agent's best level
    among the queue's skills they hold (0 for a queue that requires none)."""
    if not user.has_role(AGENT):
        return None
    if not queue.skill_ids:
        return 0
    levels = [user.skill_levels[skill_id] for skill_id in queue.skill_ids
              if skill_id in user.skill_levels and skill_id in center.skills]  # fmt: skip
    return max(levels) if levels else None


def skilled_agents(center: ContactCenter, queue_id: str) -> list[tuple[str, int]]:
    """(user id, level) of the agents a queue may route to, best level first, then in user order.

    The one rule of who may take a queue's work, whatever its channel (`level_in`), over the users who
    may: the holders of the queue's skills (every user, for a queue that requires none). Voice calls and
    chat and e-mail interactions are both routed with it."""
    queue = center.queues.get(queue_id)
    if queue is None:
        return []
    if queue.skill_ids:
        holders = {user.id: user for skill_id in queue.skill_ids if skill_id in center.skills
                   for user, _level in center.holders_of(center.skills[skill_id])}  # fmt: skip
        candidates = list(holders.values())
    else:
        candidates = list(center.users.values())
    best = [(user.id, level) for user in candidates if (level := level_in(center, queue, user)) is not None]
    order = {user_id: index for index, user_id in enumerate(center.users)}
    return sorted(best, key=lambda item: (-item[1], order[item[0]]))


@dataclass
class SkillIndex:
    """Who may take each group's work (a queue, or the holders of a skill) at which level, and the order of
    users for the last tie-break, as of `revision` of the contact center.

    `groups_of` lists are replaced, never changed in place, when a user's entries change: routing files
    an agent under the list it was given and can tell a list still current by its identity."""

    revision: int
    queues: dict[str, Signature]  # group -> its queue id and that queue's skills
    skills: bool  # also one group per skill (`SKILL` + its name), taken by everyone holding it
    levels: dict[str, dict[str, int]]  # group -> user id -> level
    groups_of: dict[str, list[tuple[str, int]]]  # user id -> [(group, level)]
    order: dict[str, int]  # user id -> place among the contact center's users
    next_order: int  # the place of the next user added (users are added at the end)
    holders: dict[str, dict[str, None]]  # skill id -> the users holding it (any level)
    skills_of: dict[str, tuple[str, ...]]  # user id -> the ids of the skills they hold
    skill_names: dict[str, str]  # skill id -> its name, as the skill groups were made
    updates: int = 0  # users whose entries were worked out

    @classmethod
    def build(cls, center: ContactCenter, queues: Mapping[str, str], *, skills: bool = False) -> SkillIndex:
        """The index of `center` as it is now for the groups `queues` names (group -> queue id); with
        `skills`, also one group per skill. Every user's entries are worked out."""
        levels = {group: dict(skilled_agents(center, queue_id)) for group, queue_id in queues.items()}
        if skills:
            for skill in center.skills.values():
                levels[SKILL + skill.name] = {user.id: level for user, level in center.holders_of(skill)}
        groups_of: dict[str, list[tuple[str, int]]] = {}
        for group, members in levels.items():
            for user_id, level in members.items():
                groups_of.setdefault(user_id, []).append((group, level))
        order: dict[str, int] = {}
        holders: dict[str, dict[str, None]] = {}
        skills_of: dict[str, tuple[str, ...]] = {}
        for place, user in enumerate(center.users.values()):
            order[user.id] = place
            skills_of[user.id] = tuple(user.skill_levels)
            for skill_id in user.skill_levels:
                holders.setdefault(skill_id, {})[user.id] = None
        signatures = _signatures(center, queues)
        names = {skill.id: skill.name for skill in center.skills.values()}
        return cls(
            center.revision, signatures, skills, levels, groups_of, order, len(order), holders, skills_of, names,
            len(order),
        )  # fmt: skip

    def update_queues(self, center: ContactCenter, queues: Mapping[str, str]) -> list[str]:
        """The groups are now `queues` (group -> queue id), some changed since (a queue's skills, the queue
        a name reaches): the agents of the groups changed, before and after, have their entries worked out
        again, and are answered. The others are left be."""
        now = _signatures(center, queues)
        changed = [group for group in [*now, *(g for g in self.queues if g not in now)]
                   if now.get(group) != self.queues.get(group)]  # fmt: skip
        users: dict[str, None] = {}
        for group in changed:
            users.update(dict.fromkeys(self.levels.get(group, ())))
            if group in now:
                users.update(dict.fromkeys(self._may_take(now[group][1])))
        self.queues = now
        for user_id in users:
            self.update_user(center, user_id)
        for group in changed:
            if group not in now:
                self.levels.pop(group, None)
        return self._in_order(users)

    def update_skills(self, center: ContactCenter) -> list[str]:
        """Skills were renamed or removed since: the holders of those skills have their entries worked out
        again (a skill group is named for its skill; without skill groups, a skill removed only), and are
        answered; a description changed changes nobody's."""
        now = {skill.id: skill.name for skill in center.skills.values()}
        changed = {skill_id: name for skill_id, name in self.skill_names.items() if now.get(skill_id) != name}
        self.skill_names = now
        users: dict[str, None] = {}
        for skill_id in changed:
            if self.skills or skill_id not in now:  # without skill groups, a name is read by nobody
                users.update(dict.fromkeys(self.holders.get(skill_id, ())))
        for user_id in users:
            self.update_user(center, user_id)
        current = set(now.values())
        for skill_id, name in changed.items():
            if skill_id not in now:
                self.holders.pop(skill_id, None)
            if self.skills and name not in current:
                self.levels.pop(SKILL + name, None)
        return self._in_order(users)

    def _in_order(self, users: Iterable[str]) -> list[str]:
        """`users` in the contact center's order (the last tie-break), so they are filed as a build would."""
        return sorted(users, key=lambda user_id: self.order.get(user_id, self.next_order))

    def _may_take(self, skill_ids: tuple[str, ...]) -> list[str]:
        """The users who may take the work of a queue requiring `skill_ids`, as the index knows them: the
        holders of those skills (every user, for a queue that requires none)."""
        if not skill_ids:
            return list(self.order)
        return list(dict.fromkeys(user_id for skill_id in skill_ids for user_id in self.holders.get(skill_id, ())))

    def update_user(self, center: ContactCenter, user_id: str) -> None:
        """Work out `user_id`'s entries again from the contact center as it is (a user added has the next
        place; a user gone has no entries left)."""
        self.updates += 1
        for group, _level in self.groups_of.pop(user_id, ()):
            self.levels[group].pop(user_id, None)
        for skill_id in self.skills_of.pop(user_id, ()):
            self.holders.get(skill_id, {}).pop(user_id, None)
        user = center.users.get(user_id)
        if user is None:
            self.order.pop(user_id, None)
            return
        self.skills_of[user_id] = tuple(user.skill_levels)
        for skill_id in user.skill_levels:
            self.holders.setdefault(skill_id, {})[user_id] = None
        if user_id not in self.order:
            self.order[user_id] = self.next_order
            self.next_order += 1
        groups = self._groups_of(center, user)
        for group, level in groups:
            self.levels.setdefault(group, {})[user_id] = level
        if groups:
            self.groups_of[user_id] = groups

    def _groups_of(self, center: ContactCenter, user: User) -> list[tuple[str, int]]:
        groups = []
        for group, (queue_id, _skills) in self.queues.items():
            queue = center.queues.get(queue_id)
            level = None if queue is None else level_in(center, queue, user)
            if level is not None:
                groups.append((group, level))
        if self.skills:
            for skill_id, level in user.skill_levels.items():
                skill = center.skills.get(skill_id)
                if skill is not None:
                    groups.append((SKILL + skill.name, level))
        return groups


def _signatures(center: ContactCenter, queues: Mapping[str, str]) -> dict[str, Signature]:
    return {group: (queue_id, tuple(center.queues[queue_id].skill_ids)) for group, queue_id in queues.items()}
