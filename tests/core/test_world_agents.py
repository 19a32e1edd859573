"""An operation on /me goes to every machine of the agent whose state takes it, and is refused (2 naming the
state, as on one channel or one device) when none does; its parameters, the channels it names included,
are read before anything, and a refusal leaves the World as it was."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.center_file import load_default
from simulator.core.refusals import INVALID, Refusal
from simulator.core.voice import VirtualClock
from simulator.core.world import World

START = "StartContactCenterSession"


def _refused(world: World, user_id: str, operation: str, params: dict[str, Any] | None = None) -> Refusal:
    """The refusal of an operation on /me, with the World checked unchanged by it."""
    before = world.state()
    with pytest.raises(Refusal) as refused:
        world.agent_operate(user_id, operation, params or {})
    assert world.state() == before
    return refused.value


def _accepted(world: World, user_id: str, operation: str, params: dict[str, Any] | None = None) -> None:
    before = world.state()
    world.agent_operate(user_id, operation, params or {})
    assert world.state() != before


def _agent(world: World, name: str) -> str:
    user = world.center.user_named(name)
    assert user is not None
    return user.id


@pytest.mark.parametrize(
    ("setup", "operation", "state"),
    [
        ([START], START, "NotReady"),
        (["DoNotDisturbOn"], "DoNotDisturbOn", "On"),
        ([START, "DoNotDisturbOn", "DoNotDisturbOff"], "DoNotDisturbOff", "Off"),
        ([], "Ready", "Logout"),
        ([], "EndContactCenterSession", "Logout"),
        ([START, "EndContactCenterSession"], "EndContactCenterSession", "Logout"),
    ],
)
def test_an_agent_without_a_device_is_refused_on_me_as_on_the_chat_channel(
    setup: list[str], operation: str, state: str
) -> None:
    world = World(load_default(), VirtualClock())
    user = world.add_user(userName="new@example.com", password="pw")
    assert not user.device_ids
    for step in setup:
        _accepted(world, user.id, step)
    refusal = _refused(world, user.id, operation)
    assert (refusal.code, refusal.state) == (INVALID, state) and operation in refusal.message
    with pytest.raises(Refusal) as on_chat:
        world.channel_operate(user.id, "chat", operation, {})
    assert (on_chat.value.code, on_chat.value.state) == (INVALID, state)


@pytest.mark.parametrize("channel", ["chat", "email", "voice"])
def test_a_session_on_one_channel_asked_twice_is_refused(channel: str) -> None:
    world = World(load_default(), VirtualClock())
    agent = _agent(world, "agent1@example.com")
    _accepted(world, agent, START, {"channels": [channel]})
    refusal = _refused(world, agent, START, {"channels": [channel]})
    assert refusal.code == INVALID and refusal.state == "NotReady"
    _accepted(world, agent, START)  # the channels still logged out take it


@pytest.mark.parametrize("channels", [["fax"], ["chat", "fax"], []])
def test_a_channel_the_agent_has_not_is_refused_naming_channels(channels: list[str]) -> None:
    world = World(load_default(), VirtualClock())
    agent = _agent(world, "agent1@example.com")
    refusal = _refused(world, agent, START, {"channels": channels})
    assert (refusal.code, refusal.field) == (INVALID, "channels") and "channels" in refusal.message
    if channels:
        assert "'fax'" in refusal.message


def test_a_channel_the_agent_has_not_takes_no_place() -> None:
    world = World(load_default(), VirtualClock())
    agent, other = _agent(world, "agent1@example.com"), _agent(world, "agent2@example.com")
    refusal = _refused(world, agent, START, {"place": "Spare desk", "channels": ["fax"]})
    assert refusal.field == "channels" and "'fax'" in refusal.message
    assert world.places.taken == {}
    _accepted(world, other, START, {"place": "Spare desk"})
    numbers = [world.center.devices[device_id].phoneNumber for device_id in world.center.user(other).device_ids]
    assert "5010" in numbers


def test_parameters_are_read_before_the_state() -> None:
    world = World(load_default(), VirtualClock())
    agent = _agent(world, "agent1@example.com")
    _accepted(world, agent, START)
    refusal = _refused(world, agent, START, {"channels": ["fax"]})  # logged in everywhere, but the name is wrong
    assert refusal.field == "channels"
    refusal = _refused(world, agent, "NotReady", {"workMode": "Sideways"})
    assert refusal.field == "workMode"


def test_a_request_that_changes_some_machines_changes_those() -> None:
    world = World(load_default(), VirtualClock())
    agent = _agent(world, "agent1@example.com")
    world.channel_operate(agent, "chat", "DoNotDisturbOn", {})
    _accepted(world, agent, "DoNotDisturbOn")  # the device and e-mail were not yet
    user = world.center.user(agent)
    assert {name: getattr(channel, "dnd", None) for name, channel in user.channels.items() if name != "voice"} == {
        "chat": "On",
        "email": "On",
    }
    assert _refused(world, agent, "DoNotDisturbOn").state == "On"
