"""Sampling every few simulated seconds reads who is sampled (the agents, the holders of each skill) from
the contact center once per change of it, not at every sampling: with a thousand agents, reading every
user's roles at each sampling was a scan of the whole contact center every few seconds."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.center_file import load_default
from simulator.core.users import AGENT, User
from simulator.core.voice import VirtualClock
from simulator.core.world import World
from simulator.statistics.sampler import Statistics


@pytest.fixture
def role_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The user id of every `User.has_role` call from now on."""
    reads: list[str] = []
    original = User.has_role

    def counted(self: User, role: Any) -> bool:
        reads.append(self.id)
        return original(self, role)

    monkeypatch.setattr(User, "has_role", counted)
    return reads


def _sampled() -> tuple[World, Statistics]:
    world = World(load_default(), VirtualClock())
    statistics = Statistics(world.center, world.clock)
    world.events.subscribe(statistics)
    statistics.start()
    return world, statistics


def test_samplings_between_changes_read_no_roles(role_reads: list[str]) -> None:
    world, statistics = _sampled()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.advance(10)  # the first sampling learns who is sampled
    assert role_reads, "the first sampling reads the roles"
    role_reads.clear()
    world.advance(60)
    assert role_reads == []
    assert len(statistics.series(agent.id, "CurrentReadyAgents")) == 7


def test_an_agent_added_between_samplings_is_sampled_from_the_next_one(role_reads: list[str]) -> None:
    world, statistics = _sampled()
    world.advance(10)
    added = world.add_user(userName="newcomer@example.com", password="password", roles=[AGENT])
    world.advance(10)
    assert added.id in role_reads, "the change made the sampling look again"
    assert [value for _time, value in statistics.series(added.id, "CurrentReadyAgents")] == [0]
    role_reads.clear()
    world.remove_user(added)
    world.advance(10)
    assert role_reads, "the removal made the sampling look again"
    assert added.id not in statistics.objects("AGENT")
    assert len(statistics.samples[(added.id, "AGENT", 10)]) == 1, "a removed agent is sampled no more"
