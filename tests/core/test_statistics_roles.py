"""An agent who loses ROLE_AGENT is no longer sampled, but the samples taken while they were an agent
still read: the Statistics API answers what was measured, not an empty series as if nothing had been."""

from __future__ import annotations

from simulator.center_file import load_default
from simulator.core.users import SUPERVISOR
from simulator.core.voice import VirtualClock
from simulator.core.world import World
from simulator.statistics.sampler import Statistics


def test_the_samples_of_an_agent_who_lost_the_role_still_read_and_no_new_ones_are_taken():
    world = World(load_default(), VirtualClock())
    statistics = Statistics(world.center, world.clock)
    world.events.subscribe(statistics)
    statistics.start()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {"channels": ["voice"]})
    world.agent_operate(agent.id, "Ready", {})
    world.advance(20)
    before = statistics.series(agent.id, "CurrentReadyAgents")
    assert [value for _time, value in before] == [1, 1]
    world.update_user(agent, {"roles": [SUPERVISOR]})
    world.advance(20)
    assert statistics.series(agent.id, "CurrentReadyAgents") == before, "older samples still read, none added"
    assert "CurrentReadyAgents" in [definition.name for definition in statistics.definitions_of(agent.id)]


def test_a_user_never_an_agent_has_no_statistics():
    world = World(load_default(), VirtualClock())
    statistics = Statistics(world.center, world.clock)
    world.events.subscribe(statistics)
    statistics.start()
    world.advance(20)
    admin = world.center.user_named("admin@example.com")
    assert admin is not None
    assert statistics.kinds_of(admin.id) == () and statistics.series(admin.id, "CurrentReadyAgents") == []
