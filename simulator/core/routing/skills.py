"""Who may take a queue's work, at which level: the one rule of skills and levels for every channel, and
the index of it that routing keeps per revision of the contact center."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..contact_center import ContactCenter
from ..users import AGENT

SKILL = "skill:"  # the group of the work transferred to a skill, which its holders take


@dataclass
class SkillIndex:
    """Who may take each group's work (a queue, or the holders of a skill) at which level, built once per
    revision of the contact center, and the order of users for the last tie-break."""

    revision: int
    levels: dict[str, dict[str, int]]  # group -> user id -> level
    groups_of: dict[str, list[tuple[str, int]]]  # user id -> [(group, level)]
    order: dict[str, int]  # user id -> place among the contact center's users


def skilled_agents(center: ContactCenter, queue_id: str) -> list[tuple[str, int]]:
    """(user id, level) of the agents a queue may route to, best level first, then in user order.

    The one rule of who may take a queue's work, whatever its channel: the agents holding one of the
    queue's skills at their best level among them (a queue that requires none takes every agent). Voice
    calls and chat and e-mail interactions are both routed with it."""
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


def skill_index(center: ContactCenter, queues: Mapping[str, str], *, skills: bool = False) -> SkillIndex:
    """The index of `center` as it is now for the groups `queues` names (group -> queue id); with `skills`,
    also one group per skill (`SKILL` + its name) taken by everyone holding it."""
    levels = {group: dict(skilled_agents(center, queue_id)) for group, queue_id in queues.items()}
    if skills:
        for skill in center.skills.values():
            levels[SKILL + skill.name] = {user.id: level for user, level in center.holders_of(skill)}
    groups_of: dict[str, list[tuple[str, int]]] = {}
    for group, members in levels.items():
        for user_id, level in members.items():
            groups_of.setdefault(user_id, []).append((group, level))
    order = {user_id: place for place, user_id in enumerate(center.users)}
    return SkillIndex(center.revision, levels, groups_of, order)
