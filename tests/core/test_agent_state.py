"""One agent-state machine governs every channel: a voice device, a chat channel and an e-mail channel in
the same state allow the same operations, read them the same way and show the same `userState`."""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.center_file import load_default
from simulator.core.agent_state import (
    AGENT_MACHINE,
    AGENT_OPERATIONS,
    DND_MACHINE,
    DND_OPERATIONS,
    AgentStateModel,
)
from simulator.core.channels import Channel
from simulator.core.refusals import Refusal
from simulator.core.settings import BUILTIN_AGENT_STATES
from simulator.core.voice import VirtualClock
from simulator.core.voice.device import DeviceVoice
from simulator.core.world import World

OPERATIONS = (*AGENT_OPERATIONS, *DND_OPERATIONS, "wrap_up_started", "wrap_up_ended")


def _world() -> tuple[World, str]:
    world = World(load_default(), VirtualClock())
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    return world, agent.id


def _voice(world: World, user_id: str) -> tuple[dict[str, Any], str]:
    return world.center.voice_state_of(user_id)


def _media(world: World, user_id: str, name: str) -> Channel:
    channel = world.center.users[user_id].channels[name]
    assert isinstance(channel, Channel)
    return channel


def _shown(world: World, user_id: str) -> dict[str, tuple[dict[str, Any], str]]:
    """Each channel's (userState, dndState) as /me/channels shows it."""
    documents = (channel.document(world.center) for channel in world.center.users[user_id].channels.values())
    return {doc["channel"]: (doc["userState"], doc["dndState"]) for doc in documents}


def _allowed(model: AgentStateModel) -> tuple[str, ...]:
    return tuple(name for name in OPERATIONS if model.may(name))


@pytest.mark.parametrize(("state", "dnd"), list(itertools.product(AGENT_MACHINE.states, DND_MACHINE.states)), ids=str)
def test_a_device_and_a_channel_in_the_same_state_allow_the_same_operations(state: str, dnd: str) -> None:
    device, chat = DeviceVoice("d1"), Channel("chat", {})
    for model in (device, chat):
        model.agent_state, model.dnd = state, dnd
    assert _allowed(device) == _allowed(chat)
    assert _allowed(device)  # every state allows something: nothing is a dead end


def test_an_agent_state_on_a_channel_logged_out_is_refused_by_the_same_rule_on_voice_and_chat() -> None:
    world, agent = _world()
    with pytest.raises(Refusal) as on_chat:
        world.channel_operate(agent, "chat", "Ready", {})
    with pytest.raises(Refusal) as on_voice:
        world.channel_operate(agent, "voice", "Ready", {})
    assert on_chat.value.code == on_voice.value.code == 2
    assert "in state Logout" in on_chat.value.message and on_voice.value.state == "Logout"


def test_after_call_work_by_hand_on_chat_and_email_as_on_voice() -> None:
    world, agent = _world()
    world.agent_operate(agent, "StartContactCenterSession", {})
    world.agent_operate(agent, "Ready", {})
    for channel in ("voice", "chat", "email"):
        world.channel_operate(agent, channel, "AfterCallWork", {})
    shown = _shown(world, agent)
    after_call_work = BUILTIN_AGENT_STATES[0]
    assert shown["chat"] == shown["email"] == shown["voice"]
    assert shown["chat"][0] == {
        "id": after_call_work.id,
        "displayName": after_call_work.displayName,
        "state": "NotReady",
        "workMode": "AfterCallWork",
    }
    assert _media(world, agent, "chat").agent_state == "AfterCallWork"  # the machine's state, not a NotReady
    # nothing routes to an agent in after-call work    assert not world.media._free(world.center.users[agent], "chat")
    world.channel_operate(agent, "chat", "Ready", {})  # a manual change ends it
    assert _shown(world, agent)["chat"][0]["state"] == "Ready"


def test_reasons_work_modes_and_definitions_read_alike_on_every_channel() -> None:
    world, agent = _world()
    world.agent_operate(agent, "StartContactCenterSession", {})
    world.agent_operate(agent, "NotReady", {"workMode": "AuxWork", "reason": "OutToLunch"})
    shown = _shown(world, agent)
    assert shown["voice"] == shown["chat"] == shown["email"]
    assert shown["chat"][0]["displayName"] == "Not Ready - Out to lunch"  # the definition of that combination
    world.agent_operate(agent, "Ready", {"workMode": "AutoIn"})
    shown = _shown(world, agent)
    assert shown["voice"] == shown["chat"] == shown["email"]
    assert shown["chat"][0] == {"state": "Ready", "workMode": "AutoIn"}  # no definition of Ready in AutoIn
    with pytest.raises(Refusal) as bad:
        world.channel_operate(agent, "chat", "NotReady", {"workMode": "Coffee"})
    assert bad.value.code == 1 and bad.value.field == "workMode"


def test_a_definition_renamed_shows_at_once_on_every_channel() -> None:
    world, agent = _world()
    world.agent_operate(agent, "StartContactCenterSession", {})
    world.agent_operate(agent, "OutToLunch", {})
    world.center.update_agent_state({"operationName": "OutToLunch", "displayName": "Lunch"})
    shown = _shown(world, agent)
    assert {name: state["displayName"] for name, (state, _dnd) in shown.items()} == dict.fromkeys(
        ("voice", "chat", "email"), "Lunch"
    )


@pytest.mark.parametrize("channel", ["chat", "email", "voice"])
@pytest.mark.parametrize(("first", "twice"), [("DoNotDisturbOn", "On"), ("DoNotDisturbOff", "Off")])
def test_do_not_disturb_already_as_asked_is_refused_alike_everywhere(channel: str, first: str, twice: str) -> None:
    """One machine, one answer: a channel, like a device (whose capabilities then do not offer it),
    refuses Do Not Disturb already as asked with 2 naming the state, and changes and tells nothing."""
    world, agent = _world()
    world.channel_operate(agent, channel, "DoNotDisturbOn", {})
    if first == "DoNotDisturbOff":
        world.channel_operate(agent, channel, "DoNotDisturbOff", {})
    seen, before = world.events.seq, world.state()
    with pytest.raises(Refusal) as refused:
        world.channel_operate(agent, channel, first, {})
    assert refused.value.code == 2 and refused.value.state == twice
    assert f"doNotDisturb {twice}" in refused.value.message
    assert world.events.seq == seen and world.state() == before


_DEFINED = ("AuxWork", "OutToLunch", "Offline")
_OPERATIONS = st.one_of(
    st.tuples(st.sampled_from([*AGENT_OPERATIONS, *DND_OPERATIONS, *_DEFINED]), st.just({})),
    st.tuples(st.just("StartContactCenterSession"), st.sampled_from([{"channels": ["chat"]}, {"channels": ["voice"]}])),
    st.tuples(st.just("Ready"), st.sampled_from([{"workMode": mode} for mode in ("ManualIn", "AutoIn")])),
    st.tuples(
        st.just("NotReady"),
        st.fixed_dictionaries({}, optional={"workMode": st.sampled_from(["AuxWork", "AfterCallWork"]),
                                            "reason": st.sampled_from(["OutToLunch", "Break"])}),
    ),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(_OPERATIONS, max_size=25))
def test_random_operations_on_me_never_leave_voice_and_media_disagreeing(steps: list[tuple[str, dict]]) -> None:
    """Whatever was accepted, every channel in a state allows what the machine allows in that state; and
    channels that were never started apart show one state."""
    world, agent = _world()
    devices = [world.telephony._device(device_id) for device_id in world.center.users[agent].device_ids]
    channels = [_media(world, agent, name) for name in ("chat", "email")]
    apart = False
    for operation, params in steps:
        with contextlib.suppress(Refusal):
            world.agent_operate(agent, operation, params)
            apart = apart or "channels" in params
        for model in (*devices, *channels):
            reference = Channel("reference", {}) if isinstance(model, DeviceVoice) else DeviceVoice("reference")
            reference.agent_state, reference.dnd = model.agent_state, model.dnd
            assert _allowed(model) == _allowed(reference)
        if not apart:
            shown = _shown(world, agent)
            assert shown["voice"] == shown["chat"] == shown["email"], (operation, params)


def test_a_session_ended_on_a_channel_logged_out_is_refused_there_and_no_change_on_me() -> None:
    world, agent = _world()
    for operation in ("EndContactCenterSession", "Offline"):  # the Offline definition ends the session
        with pytest.raises(Refusal) as refused:
            world.channel_operate(agent, "email", operation, {})
        assert refused.value.code == 2 and "in state Logout: start a contact-center session" in refused.value.message
    world.agent_operate(agent, "StartContactCenterSession", {"channels": ["chat"]})
    seen = world.events.seq
    world.agent_operate(agent, "StartContactCenterSession", {"channels": ["chat", "email"]})  # chat: as it was
    assert _media(world, agent, "email").logged_in and world.events.seq == seen + 1


def test_an_unknown_operation_is_refused_alike_on_chat_and_on_voice():
    """The same wrong operationName gets the same statusCode and field whichever channel reads it."""
    from simulator.center_file import load_default
    from simulator.core.refusals import Refusal
    from simulator.core.voice import VirtualClock
    from simulator.core.world import World

    world = World(load_default(), VirtualClock())
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {})
    refusals = []
    for channel in ("voice", "chat"):
        with pytest.raises(Refusal) as refused:
            world.channel_operate(agent.id, channel, "Dance", {})
        refusals.append((refused.value.code, refused.value.field))
    assert refusals[0] == refusals[1] == (1, "operationName")
