"""The World as the one way in: operations across channels are all or nothing, the event stream is
ordered and repeatable, and the work of one operation does not grow with the contact center."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.center_file import load_default
from simulator.core.contact_center import ContactCenter
from simulator.core.events import Event, plain
from simulator.core.refusals import Refusal
from simulator.core.settings import OFFLINE
from simulator.core.voice import Telephony, VirtualClock
from simulator.core.world import World


def _world(center: ContactCenter | None = None) -> tuple[World, list[Event]]:
    world = World(center or load_default(), VirtualClock())
    seen: list[Event] = []
    world.events.subscribe(seen.append)
    return world, seen


def _user(world: World, name: str) -> str:
    user = world.center.user_named(name)
    assert user is not None
    return user.id


# ---------------------------------------------------------------------- all or nothing, every channel


def test_ending_a_session_started_on_email_alone_ends_email():
    world, _seen = _world()
    agent = _user(world, "agent1@example.com")
    world.agent_operate(agent, "StartContactCenterSession", {"channels": ["email"]})
    assert world.center.users[agent].channels["email"].user_state.id != OFFLINE.id
    world.agent_operate(agent, "EndContactCenterSession", {})
    channels = world.center.users[agent].channels
    assert {name: channels[name].user_state.id for name in ("chat", "email")} == {
        "chat": OFFLINE.id,
        "email": OFFLINE.id,
    }


def test_ending_a_session_ends_voice_and_media_alike():
    world, _seen = _world()
    agent = _user(world, "agent1@example.com")
    world.agent_operate(agent, "StartContactCenterSession", {})
    world.agent_operate(agent, "EndContactCenterSession", {})
    device = world.center.users[agent].device_ids[0]
    assert world.device_state(device).user_state["state"] == "Logout"
    assert all(channel.user_state.id == OFFLINE.id for name, channel in world.center.users[agent].channels.items()
               if name != "voice")  # fmt: skip


def test_an_operation_every_channel_refuses_changes_nothing_and_tells_nobody():
    world, seen = _world()
    agent = _user(world, "agent1@example.com")
    before = world.state()
    with pytest.raises(Refusal):
        world.agent_operate(agent, "Ready", {})  # logged out everywhere
    assert world.state() == before and seen == []


def test_a_media_refusal_after_voice_would_accept_leaves_both_unchanged():
    world, seen = _world()
    agent = _user(world, "agent1@example.com")
    world.agent_operate(agent, "StartContactCenterSession", {})
    # An agent state the voice core knows (it reads the definitions when asked) while the multimedia
    # core is asked of a definition that no longer exists by the time it plans: removed between them.
    world.center.agent_states.pop("OutToLunch")
    before, told = world.state(), len(seen)
    with pytest.raises(Refusal):
        world.agent_operate(agent, "OutToLunch", {})
    assert world.state() == before and len(seen) == told


# ---------------------------------------------------------------------- the stream


def test_the_stream_numbers_events_in_order_with_the_simulated_time():
    world, seen = _world()
    agent = _user(world, "agent1@example.com")
    world.agent_operate(agent, "StartContactCenterSession", {})
    world.advance(5)
    world.agent_operate(agent, "Ready", {})
    assert [event.seq for event in seen] == list(range(1, len(seen) + 1))
    assert seen[0].time == 0 and seen[-1].time == 5
    assert world.events.seq == seen[-1].seq


def test_provisioning_and_passwords_are_events_like_any_other():
    world, seen = _world()
    admin = world.center.user_named("admin@example.com")
    agent = world.center.user_named("agent1@example.com")
    assert admin is not None and agent is not None
    world.center.add_skill("Spanish")
    world.change_password(agent, admin, None, "secret")
    kinds = [event.kind for event in seen]
    assert kinds == ["CenterChanged", "PasswordChanged"], kinds  # the password's change is told once
    assert plain(seen[-1])["user_id"] == agent.id


_AGENTS = ("agent1@example.com", "agent2@example.com", "agent3@example.com")
_inputs = st.lists(
    st.one_of(
        st.tuples(st.just("agent"), st.sampled_from(_AGENTS),
                  st.sampled_from(["StartContactCenterSession", "Ready", "NotReady", "AfterCallWork",
                                   "EndContactCenterSession", "DoNotDisturbOn", "DoNotDisturbOff"])),
        st.tuples(st.just("call"), st.sampled_from(["8000", "5001", "5002"]), st.sampled_from(["+15551230000",
                                                                                             "+15557770000"])),
        st.tuples(st.just("answer"), st.sampled_from(_AGENTS), st.integers(0, 3)),
        st.tuples(st.just("hangup"), st.sampled_from(_AGENTS), st.integers(0, 3)),
        st.tuples(st.just("advance"), st.sampled_from([1, 5, 31])),
    ),
    max_size=30,
)  # fmt: skip


def _play(world: World, inputs: list[tuple[Any, ...]]) -> None:
    for step in inputs:
        with contextlib.suppress(Refusal):
            if step[0] == "agent":
                world.agent_operate(_user(world, step[1]), step[2], {})
            elif step[0] == "call":
                world.place_call(step[2], step[1])
            elif step[0] in ("answer", "hangup"):
                agent = _user(world, step[1])
                calls = world.calls_of(agent)
                if calls:
                    call = calls[step[2] % len(calls)]
                    world.call_operate(agent, call.id, "Answer" if step[0] == "answer" else "Hangup", {})
            else:
                world.advance(step[1])


@settings(max_examples=40, deadline=None)
@given(_inputs)
def test_the_same_inputs_on_a_fresh_world_give_the_same_stream_event_for_event(inputs):
    first, first_seen = _world()
    _play(first, inputs)
    second, second_seen = _world()
    _play(second, inputs)
    assert [plain(event) for event in first_seen] == [plain(event) for event in second_seen]


def test_reset_starts_again_from_the_contact_center_as_loaded():
    world, seen = _world()
    agent = _user(world, "agent1@example.com")
    world.center.add_skill("Spanish")
    world.agent_operate(agent, "StartContactCenterSession", {})
    world.place_call("+15551230000", "5001")
    world.reset()
    assert seen[-1].kind == "WorldReset"
    assert world.center.skill_named("Spanish") is None and world.calls() == []
    assert world.center.new_id() == World(load_default(), VirtualClock()).center.new_id()


# ---------------------------------------------------------------------- work per operation


def _center(agents: int) -> ContactCenter:
    """A contact center of `agents` agents with one device each, all holding the queue's skill."""
    center = ContactCenter(name=f"{agents} agents")
    skill = center.add_skill("Sales")
    center.add_queue("Sales line", "voice", phoneNumber="8000", skills=["Sales"])
    for number in range(agents):
        user = center.add_user(f"agent{number}@example.com", "password")
        device = center.add_device(f"{6000 + number}")
        center.assign_device(user, device)
        center.assign_skill(user, skill, 5)
    return center


@contextlib.contextmanager
def _counting(counts: dict[str, int]) -> Iterator[None]:
    """Count every call of the voice core's lookups (the queries routing and the API make of it)."""
    names = ("calls_of_device", "device_view", "device_free", "leg_state", "has_call", "call_ids", "calls_of_user")
    originals = {name: getattr(Telephony, name) for name in names}

    def counted(name: str, original: Any) -> Any:
        def wrapper(self: Telephony, *args: Any, **kwargs: Any) -> Any:
            counts[name] = counts.get(name, 0) + 1
            return original(self, *args, **kwargs)

        return wrapper

    for name, original in originals.items():
        setattr(Telephony, name, counted(name, original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(Telephony, name, original)


def _work_of_one_call(agents: int) -> dict[str, int]:
    """The lookups and routing evaluations of one routed call, offered, answered and hung up, and the
    agent made Ready again on every channel, in a contact center where every agent is Ready."""
    world, _seen = _world(_center(agents))
    users = list(world.center.users.values())
    for user in users:
        world.agent_operate(user.id, "StartContactCenterSession", {})
        world.agent_operate(user.id, "Ready", {})
    counts: dict[str, int] = {}
    evaluations = world.router.evaluations
    with _counting(counts):
        call = world.place_call("+15551230000", "8000")
        ringing = next(user for user in users if world.calls_of(user.id))
        world.call_operate(ringing.id, call, "Answer", {})
        world.call_operate(ringing.id, call, "Hangup", {})
        world.agent_operate(ringing.id, "Ready", {})
    counts["evaluations"] = world.router.evaluations - evaluations
    return counts


def test_one_operation_does_the_same_work_with_20_and_with_2000_agents():
    small, large = _work_of_one_call(20), _work_of_one_call(2000)
    assert small == large
    assert small["evaluations"] > 0  # the count measures something


async def test_one_call_of_the_control_api_lists_its_parties_with_their_roles(live_server):
    """POST /sim/calls answers the new call with its parties (what traffic runs read to learn whose
    phone it rang), the same document GET /sim/calls/{id} gives."""
    import aiohttp
    from rest_client import Rest

    async with aiohttp.ClientSession() as http:
        admin = Rest(http, live_server.url, "admin@example.com")
        placed = await admin.ok("POST", f"{live_server.url}/sim/calls", {"from": "+15551230000", "to": "5001"})
        call = (await admin.ok("GET", f"{live_server.url}/sim/calls/{placed['id']}"))["call"]
        assert call["id"] == placed["id"]
        assert {party["role"] for party in call["parties"]} == {"agent", "external"}
        assert placed["call"] == call
        missing = await admin.get(f"{live_server.url}/sim/calls/0000")
        assert missing.status == 404 and missing.body["statusCode"] == 6


def test_a_session_at_a_place_ended_channel_by_channel_still_gives_the_place_back():
    from simulator.center_file import load_default
    from simulator.core.refusals import Refusal
    from simulator.core.voice import VirtualClock
    from simulator.core.world import World

    world = World(load_default(), VirtualClock())
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {"place": "Spare desk"})
    assert [device.phoneNumber for device in world.center.devices_of(agent)] == ["5001", "5010"]
    for channel in ("voice", "chat", "email"):
        world.channel_operate(agent.id, channel, "EndContactCenterSession", {})
    world.agent_operate(agent.id, "EndContactCenterSession", {})
    assert [device.phoneNumber for device in world.center.devices_of(agent)] == ["5001"]
    with pytest.raises(Refusal):  # no session and no place now: an End like any other
        world.agent_operate(agent.id, "EndContactCenterSession", {})
    world.reset()
    assert world.places.taken == {}


@pytest.mark.parametrize("params", [{"channels": 5}, {"loginCode": ""}, {"queue": ["x"]}])
def test_a_session_at_a_place_with_a_bad_parameter_takes_nothing(params: dict[str, Any]):
    """Parameters are read before the place's devices are taken: a refusal leaves no trace in the stream."""
    world, seen = _world()
    agent = _user(world, "agent1@example.com")
    revision = world.center.revision
    with pytest.raises(Refusal) as refused:
        world.agent_operate(agent, "StartContactCenterSession", {"place": "Spare desk", **params})
    assert refused.value.code == 1 and refused.value.field == next(iter(params))
    assert seen == [] and world.center.revision == revision and world.places.taken == {}
    assert [device.phoneNumber for device in world.center.devices_of(world.center.users[agent])] == ["5001"]


def test_an_agent_with_no_device_yet_works_on_chat_and_email_through_me():
    """An agent created over REST has no device until one is assigned; /me still starts, sets and ends
    the session on the channels they have, and asking for voice by name is refused."""
    world, _seen = _world()
    user = world.center.add_user("new.agent@example.com", "secret", roles=["ROLE_AGENT"])
    assert user.device_ids == [] and {"chat", "email"} <= set(user.channels)
    world.agent_operate(user.id, "StartContactCenterSession", {})
    world.agent_operate(user.id, "Ready", {})
    assert {name: user.channels[name].user_state.state for name in ("chat", "email")} == {
        "chat": "Ready",
        "email": "Ready",
    }
    world.agent_operate(user.id, "EndContactCenterSession", {})
    assert all(user.channels[name].user_state.id == OFFLINE.id for name in ("chat", "email"))
    with pytest.raises(Refusal):
        world.agent_operate(user.id, "StartContactCenterSession", {"channels": ["voice"]})


def test_a_password_change_is_one_event_and_rebuilds_nothing():
    """Nothing built over the contact center reads a password: changing one is told as PasswordChanged
    alone, and the routing indexes, keyed by the contact center's revision, stay as they are."""
    from simulator.core.changes import PasswordChanged

    world, seen = _world()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    revision = world.center.revision
    world.change_password(agent, agent, "password", "n3w-password")
    assert [type(event.change) for event in seen] == [PasswordChanged]
    assert world.center.revision == revision and agent.has_password("n3w-password")


def test_do_not_disturb_on_one_of_two_devices_shows_on_the_voice_channel_as_on_the_user():
    world, _seen = _world()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {"place": "Spare desk"})
    second = [device for device in world.center.devices_of(agent) if device.phoneNumber == "5010"][0]
    world.device_operate(agent.id, second.id, "DoNotDisturbOn", {})
    voice = agent.channels["voice"].document(world.center)
    assert voice["dndState"] == "On" == world.center.do_not_disturb_of(agent)
    world.device_operate(agent.id, second.id, "DoNotDisturbOff", {})
    assert agent.channels["voice"].document(world.center)["dndState"] == "Off"


def test_an_agent_state_on_me_goes_to_the_devices_logged_in_when_a_new_one_is_not():
    """A device assigned while the session goes on starts logged out; /me changes the devices logged in
    (as it changes the channels logged in), and is refused only when no device is."""
    world, _seen = _world()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {"channels": ["voice"]})
    first = agent.device_ids[0]
    added = world.center.add_device("5077")
    world.center.assign_device(agent, added)
    world.agent_operate(agent.id, "Ready", {})
    assert world.device_state(first).user_state["state"] == "Ready"
    assert world.device_state(added.id).user_state["state"] == "Logout"
    world.agent_operate(agent.id, "EndContactCenterSession", {})
    with pytest.raises(Refusal) as refused:
        world.agent_operate(agent.id, "Ready", {})
    assert refused.value.state == "Logout"


def test_do_not_disturb_on_me_sets_the_devices_not_yet_on_and_is_refused_when_all_are():
    world, _seen = _world()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {"place": "Spare desk"})
    first, second = agent.device_ids
    world.device_operate(agent.id, second, "DoNotDisturbOn", {})
    world.agent_operate(agent.id, "DoNotDisturbOn", {})
    assert [world.device_state(device).do_not_disturb for device in (first, second)] == ["On", "On"]
    assert agent.channels["chat"].document(world.center)["dndState"] == "On"
    with pytest.raises(Refusal) as refused:
        world.agent_operate(agent.id, "DoNotDisturbOn", {})
    assert refused.value.code == 2


def test_a_device_taken_from_a_ready_agent_is_offered_no_call_of_the_queue():
    world, _seen = _world()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {"channels": ["voice"]})
    world.agent_operate(agent.id, "Ready", {})
    device = world.center.devices[agent.device_ids[0]]
    world.center.unassign_device(agent, device)
    world.place_call("+15551230000", "8000")  # the Sales line
    assert world.telephony.calls_of_device(device.id) == []


def test_do_not_disturb_on_me_reaches_chat_and_email_when_every_device_already_has_it():
    world, _seen = _world()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {})
    for device in agent.device_ids:
        world.device_operate(agent.id, device, "DoNotDisturbOn", {})
    world.agent_operate(agent.id, "DoNotDisturbOn", {})
    assert {name: agent.channels[name].document(world.center)["dndState"] for name in ("chat", "email")} == {
        "chat": "On",
        "email": "On",
    }


def test_offline_ends_a_session_at_a_place_and_gives_the_place_back():
    """Any definition whose state is Logout ends the session as EndContactCenterSession does."""
    world, _seen = _world()
    agent = world.center.user_named("agent1@example.com")
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {"place": "Spare desk"})
    world.agent_operate(agent.id, "Offline", {})
    assert [device.phoneNumber for device in world.center.devices_of(agent)] == ["5001"]
    assert world.places.taken == {}
    other = world.center.user_named("agent2@example.com")
    assert other is not None
    world.agent_operate(other.id, "StartContactCenterSession", {"place": "Spare desk"})  # free again
