"""The work of routing one chat does not grow with the number of agents, as for one call
(tests/core/test_world.py): counted, not timed, through the World, with 20 and with 2,000 agents Ready
on chat who may all take the chat queue's work."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from simulator.core.contact_center import ContactCenter
from simulator.core.media import Multimedia
from simulator.core.routing import skills
from simulator.core.voice import VirtualClock
from simulator.core.world import World


def _center(agents: int) -> ContactCenter:
    """A contact center of `agents` agents, all holding the chat queue's skill at the same level."""
    center = ContactCenter(name=f"{agents} agents")
    skill = center.add_skill("Support")
    center.add_queue("Web chat", "chat", internal=True, skills=["Support"])
    for number in range(agents):
        user = center.add_user(f"agent{number}@example.com", "password")
        center.assign_skill(user, skill, 5)
    return center


@contextlib.contextmanager
def _counting(counts: dict[str, int]) -> Iterator[None]:
    """Count every check of whether an agent is free and every look-up of who may take a queue's work."""
    free, skilled = Multimedia._free, skills.skilled_agents

    def counted_free(self: Multimedia, *args: Any) -> bool:
        counts["free"] = counts.get("free", 0) + 1
        return free(self, *args)

    def counted_skilled(*args: Any) -> list[tuple[str, int]]:
        counts["skilled_agents"] = counts.get("skilled_agents", 0) + 1
        return skilled(*args)

    Multimedia._free = counted_free  # type: ignore[method-assign]
    skills.skilled_agents = counted_skilled
    try:
        yield
    finally:
        Multimedia._free = free  # type: ignore[method-assign]
        skills.skilled_agents = skilled


def _work_of_one_chat(agents: int) -> dict[str, int]:
    """The checks and routing evaluations of one chat routed, accepted and completed, and the agent's
    next chat routed to the next agent, in a contact center where every agent is Ready on chat."""
    counts: dict[str, int] = {}
    with _counting(counts):  # before the world starts: routing holds the engine's check from then on
        world = World(_center(agents), VirtualClock())
        users = list(world.center.users.values())
        for user in users:
            world.agent_operate(user.id, "StartContactCenterSession", {"channels": ["chat"]})
            world.channel_operate(user.id, "chat", "Ready", {})
        counts.clear()
        evaluations = world.media.queues.evaluations
        chat = world.start_chat("Web chat", "Visitor", None, "hello")
        [taker] = [user for user in users if world.interactions_of(user.id)]
        world.interaction_operate(taker.id, chat, "Accept", {})
        second = world.start_chat("Web chat", "Vera", None, "hi")
        [other] = [user for user in users if user is not taker and world.interactions_of(user.id)]
        world.interaction_operate(taker.id, chat, "Complete", {})
    counts["evaluations"] = world.media.queues.evaluations - evaluations
    assert (taker, other) == (users[0], users[1])  # idle longest first
    assert world.interaction(second).id == second
    return counts


def test_one_chat_is_routed_with_the_same_work_with_20_and_with_2000_agents() -> None:
    small, large = _work_of_one_chat(20), _work_of_one_chat(2000)
    assert small == large
    assert small["evaluations"] > 0 and small["free"] > 0  # the counts measure something
