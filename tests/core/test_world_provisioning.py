"""The World's provisioning: a change made through the World is the contact center's own change, told on
the World's stream once and in order, and a refused one changes nothing and tells nothing."""

from __future__ import annotations

import pytest

from simulator.center_file import load_default
from simulator.core.events import Event, plain
from simulator.core.refusals import Refusal
from simulator.core.voice import VirtualClock
from simulator.core.world import World


def _world() -> tuple[World, list[Event]]:
    world = World(load_default(), VirtualClock())
    seen: list[Event] = []
    world.events.subscribe(seen.append)
    return world, seen


def test_a_change_through_the_world_is_told_once_with_the_users_it_concerns() -> None:
    world, seen = _world()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    revision = world.center.revision
    skill = world.add_skill(name="Welsh")
    world.assign_skill(agent, skill, 4)
    assert [(event.kind, plain(event)["what"], plain(event)["user_ids"]) for event in seen] == [
        ("CenterChanged", "add_skill", []),
        ("CenterChanged", "assign_skill", [agent.id]),
    ]
    assert world.center.revision == revision + 2  # what indexes over the contact center are keyed by
    assert world.center.skill_of(agent, skill.id).level == 4


def test_a_device_made_for_a_user_is_created_then_assigned() -> None:
    world, seen = _world()
    agent = world.center.user_named("agent2@example.com")
    assert agent is not None
    device = world.add_device_for(agent, phoneNumber="7001")
    assert device.user_id == agent.id and device.id in agent.device_ids
    assert [plain(event)["what"] for event in seen] == ["add_device", "assign_device"]


def test_a_device_refused_for_a_user_leaves_nothing_behind() -> None:
    world, seen = _world()
    agent = world.center.user_named("agent2@example.com")
    assert agent is not None
    devices, held = dict(world.center.devices), list(agent.device_ids)
    taken = next(iter(world.center.devices.values())).phoneNumber
    with pytest.raises(Refusal, match="phoneNumber"):
        world.add_device_for(agent, phoneNumber=taken)
    assert (world.center.devices, agent.device_ids, seen) == (devices, held, [])


def test_a_refused_change_tells_nothing() -> None:
    world, seen = _world()
    admin = world.center.user_named("admin@example.com")
    assert admin is not None
    with pytest.raises(Refusal, match="themself"):
        world.remove_user(admin, by=admin)
    assert world.center.user_named("admin@example.com") is admin
    assert seen == []


def test_a_change_names_its_users_however_they_are_passed_and_a_new_user_too() -> None:
    world, seen = _world()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.center.update_user(user=agent, changes={"firstName": "Ann"})  # by name, not by position
    created = world.add_user(userName="new@example.com", password="password")
    assert [(plain(event)["what"], plain(event)["user_ids"]) for event in seen] == [
        ("update_user", [agent.id]),
        ("add_user", [created.id]),
    ]


def test_a_device_taken_back_names_its_former_owner() -> None:
    world, seen = _world()
    first, second = (world.center.user_named(f"agent{n}@example.com") for n in (1, 2))
    assert first is not None and second is not None
    world.remove_device(world.center.devices[first.device_ids[0]])
    world.unassign_device(second, world.center.devices[second.device_ids[0]])
    world.remove_device(world.add_device(phoneNumber="7002"))  # nobody's
    assert [(plain(event)["what"], plain(event)["user_ids"]) for event in seen] == [
        ("remove_device", [first.id]),
        ("unassign_device", [second.id]),
        ("add_device", []),
        ("remove_device", []),
    ]
