"""Provisioning that touches one agent (a session at a place, a skill given or taken, a device given)
brings routing up to date for that agent only: counted, not timed, with 20 and with 2,000 agents Ready on
voice and chat. And what the agent is offered follows at once: work of a skill given is offered to them,
work of a skill or a device taken back is not, and an agent free all along keeps the time they became free.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from simulator.core.changes import CenterChanged
from simulator.core.contact_center import ContactCenter
from simulator.core.media import Multimedia
from simulator.core.routing import skills
from simulator.core.routing.engine import users_changed
from simulator.core.voice import Telephony, VirtualClock
from simulator.core.world import World

CUSTOMER = "+15551230000"
SALES, SPANISH = "8000", "8100"
SPARE = "spare-device"  # a device of nobody, at no place


def _center(agents: int) -> ContactCenter:
    """`agents` agents with a device each, all holding Sales (a voice and a chat queue require it); a
    Spanish line and chat nobody can take yet; a place with one device, and a spare device."""
    center = ContactCenter(name=f"{agents} agents")
    sales = center.add_skill("Sales")
    center.add_skill("Spanish")
    center.add_queue("Sales line", "voice", phoneNumber=SALES, skills=["Sales"])
    center.add_queue("Spanish line", "voice", phoneNumber=SPANISH, skills=["Spanish"])
    center.add_queue("Sales chat", "chat", internal=True, skills=["Sales"])
    center.add_queue("Spanish chat", "chat", internal=True, skills=["Spanish"])
    for number in range(agents):
        user = center.add_user(f"agent{number}@example.com", "password")
        center.assign_device(user, center.add_device(f"{6000 + number}"))
        center.assign_skill(user, sales, 5)
    center.add_device("5999")
    center.add_place("Desk", ["5999"])
    center.add_device("5998", id=SPARE)
    return center


def _world(agents: int, ready: Callable[[int], bool] = lambda index: True) -> World:
    """The world of `_center`, its agents (those `ready` picks) in a session and Ready on every channel."""
    world = World(_center(agents), VirtualClock())
    for index, user in enumerate(world.center.users.values()):
        if ready(index):
            world.agent_operate(user.id, "StartContactCenterSession", {})
            world.agent_operate(user.id, "Ready", {})
    return world


@contextlib.contextmanager
def _counting(counts: dict[str, int]) -> Iterator[None]:
    """Count the voice core's lookups, the engine's checks of who is free on chat and every look-up of who
    may take a whole queue's work."""
    names = ("calls_of_device", "device_view", "device_free", "leg_state", "has_call", "call_ids", "calls_of_user")
    patched: list[tuple[Any, str, Any]] = [(Telephony, name, getattr(Telephony, name)) for name in names]
    patched += [(Multimedia, "_free", Multimedia._free), (skills, "skilled_agents", skills.skilled_agents)]

    def counted(name: str, original: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] = counts.get(name, 0) + 1
            return original(*args, **kwargs)

        return wrapper

    for owner, name, original in patched:
        setattr(owner, name, counted(name, original))
    try:
        yield
    finally:
        for owner, name, original in patched:
            setattr(owner, name, original)


def _work(agents: int, change: Callable[[World, str], None]) -> dict[str, int]:
    """What `change` of the first agent costs routing among `agents` agents all Ready: the lookups, the
    agents and work examined, and the users whose index entries were worked out, on voice and chat."""
    world = _world(agents, ready=lambda index: index > 0)
    agent = next(iter(world.center.users))
    router, queues = world.router, world.media.queues
    before = (router.evaluations, router.index_updates, queues.evaluations, queues.index_updates)
    counts: dict[str, int] = {}
    with _counting(counts):
        change(world, agent)
    after = (router.evaluations, router.index_updates, queues.evaluations, queues.index_updates)
    names = ("call evaluations", "call index updates", "chat evaluations", "chat index updates")
    counts.update({name: a - b for name, a, b in zip(names, after, before, strict=True)})
    return counts


def _session_at_a_place(world: World, agent: str) -> None:
    world.agent_operate(agent, "StartContactCenterSession", {"place": "Desk"})
    world.agent_operate(agent, "Ready", {})
    world.agent_operate(agent, "EndContactCenterSession", {})
    assert [device.phoneNumber for device in world.center.devices_of(world.center.users[agent])] == ["6000"]


def _skill_given(world: World, agent: str) -> None:
    spanish = world.center.skill_named("Spanish")
    assert spanish is not None
    world.assign_skill(world.center.users[agent], spanish, 3)


def _device_given(world: World, agent: str) -> None:
    world.assign_device(world.center.users[agent], world.center.devices[SPARE])


@pytest.mark.parametrize("change", [_session_at_a_place, _skill_given, _device_given])
def test_a_change_of_one_agent_does_the_same_work_with_20_and_with_2000_agents(
    change: Callable[[World, str], None],
) -> None:
    small, large = _work(20, change), _work(2000, change)
    assert small == large
    assert small["call index updates"] > 0 and small["chat index updates"] > 0  # the counts measure something
    assert small["call evaluations"] > 0 and small["chat evaluations"] > 0


class _Visited(dict[str, Any]):
    """A table of the contact center that counts every walk over all of it."""

    walks = 0

    def _walked(self) -> None:
        type(self).walks += 1

    def __iter__(self) -> Iterator[str]:
        self._walked()
        return super().__iter__()

    def values(self) -> Any:
        self._walked()
        return super().values()

    def items(self) -> Any:
        self._walked()
        return super().items()

    def keys(self) -> Any:
        self._walked()
        return super().keys()


@pytest.mark.parametrize("change", [_session_at_a_place, _skill_given, _device_given])
def test_a_change_of_one_agent_walks_no_list_of_every_user_or_device(change: Callable[[World, str], None]) -> None:
    """Nor does the next lookup of a user by name or of a device by number (indexes over every user or
    device that the change would have made stale): who holds a skill or a device is in none of them."""
    world = _world(20, ready=lambda index: index > 0)
    center = world.center
    agent = next(iter(center.users))
    center.user_named("agent3@example.com")  # the lookups of names and numbers built before the count
    world.telephony.inbound_call(CUSTOMER, "6003")
    center.users, center.devices = _Visited(center.users), _Visited(center.devices)
    _Visited.walks = 0
    change(world, agent)
    fourth = center.user_named("agent4@example.com")
    assert fourth is not None
    world.telephony.inbound_call(CUSTOMER, "6004")
    assert world.telephony.calls_of_device(fourth.device_ids[0]) != []
    assert _Visited.walks == 0


def test_a_queue_changed_works_out_its_agents_before_and_after_only() -> None:
    """Among 20 agents, the Spanish line goes from Spanish (agents 1 and 2) to French (agent 3): three
    agents' entries are worked out, without walking every user, and its next call rings the French
    speaker; a description changed works out nobody's. A queue added changes every agent's channels:
    everyone is worked out."""
    world = _world(20)
    center = world.center
    users = list(center.users.values())
    spanish = center.skill_named("Spanish")
    assert spanish is not None
    french = world.add_skill(name="French")
    for user in users[1:3]:
        world.assign_skill(user, spanish, 7)
    world.assign_skill(users[3], french, 1)
    line = next(queue for queue in center.queues.values() if queue.phoneNumber == SPANISH)
    updates = world.router.index_updates
    world.update_queue(line, {"description": "Spanish speakers"})
    assert world.router.index_updates == updates
    center.users = _Visited(center.users)
    _Visited.walks = 0
    world.update_queue(line, {"skills": ["French"]})
    assert _Visited.walks == 0
    center.users = dict(center.users)
    assert world.router.index_updates - updates == 3
    call = world.place_call(CUSTOMER, SPANISH)
    assert _ringing(world, users[3].id) == [call]
    updates = world.router.index_updates
    world.add_queue(name="French line", channel="voice", phoneNumber="8200", skills=["French"])
    assert world.router.index_updates - updates == 20


def test_a_queue_renamed_or_removed_counts_its_own_work_only() -> None:
    """Whether work waits in a queue (or for a skill) is asked of routing's buckets: with calls and a chat
    waiting elsewhere, renaming and removing a queue, and renaming a skill, walk no list of every call or
    interaction."""
    world = _world(3, ready=lambda index: False)
    for _ in range(3):
        world.place_call(CUSTOMER, SALES)
    world.start_chat("Sales chat", "Visitor", None, "hello")
    spanish_chat = next(queue for queue in world.center.queues.values() if queue.name == "Spanish chat")
    spanish_line = next(queue for queue in world.center.queues.values() if queue.name == "Spanish line")
    world.router._calls = _Visited(world.router._calls)  # type: ignore[assignment]
    world.media._offered = _Visited(world.media._offered)
    _Visited.walks = 0
    world.update_queue(spanish_chat, {"name": "Chat en espanol"})
    world.remove_queue(spanish_line)
    spanish = world.center.skill_named("Spanish")
    assert spanish is not None
    world.update_skill(spanish, {"name": "Espanol"})
    assert _Visited.walks == 0
    assert spanish_chat.name == "Chat en espanol" and spanish_line.id not in world.center.queues


def _describe_skill(world: World, agent: str) -> None:
    sales = world.center.skill_named("Sales")
    assert sales is not None
    world.update_skill(sales, {"description": "people who sell"})


def _reporting_setting(world: World, agent: str) -> None:
    world.update_setting("reporting", {"name": "defaultServiceLevelInterval", "value": "30"})


def _custom_settings(world: World, agent: str) -> None:
    world.add_settings_group("wallboard", "Wallboard")
    world.add_setting("wallboard", {"name": "colour", "value": "blue"})
    world.remove_settings_group("wallboard")


@pytest.mark.parametrize("change", [_describe_skill, _reporting_setting, _custom_settings])
def test_a_change_that_routes_nothing_examines_no_agent(change: Callable[[World, str], None]) -> None:
    """A skill described, a reporting or custom setting changed: no agent's routing changes, so none is
    examined or worked out again, with 20 agents as with 2,000."""
    small, large = _work(20, change), _work(2000, change)
    assert small == large
    assert small["call evaluations"] == small["chat evaluations"] == 0
    assert small["call index updates"] == small["chat index updates"] == 0


def test_an_agent_state_setting_changed_still_looks_at_every_agent() -> None:
    """An agent state's definition changed may change who is Ready: every agent is worked out again."""
    world = _world(3)
    world.add_setting("agent-states", {"operationName": "Coffee", "displayName": "Coffee", "state": "Ready"})
    for setting in ({"operationName": "Coffee", "state": "NotReady"}, {"operationName": "Coffee"}):
        before = world.router.index_updates, world.media.queues.index_updates
        if len(setting) > 1:
            world.update_setting("agent-states", setting)
        else:
            world.remove_setting("agent-states", "Coffee")
        after = world.router.index_updates, world.media.queues.index_updates
        assert [a - b for a, b in zip(after, before, strict=True)] == [3, 3]


# ---------------------------------------------------------------------- what the agent is offered


def _ringing(world: World, user_id: str) -> list[str]:
    return [call.id for call in world.calls_of(user_id) if call.state == "Ringing"]


def _agent(world: World, index: int) -> str:
    return list(world.center.users)[index]


def test_a_call_of_a_skill_given_to_a_ready_agent_rings_them_and_not_once_it_is_taken_back() -> None:
    world = _world(3)
    spanish = world.center.skill_named("Spanish")
    assert spanish is not None
    first = world.place_call(CUSTOMER, SPANISH)
    assert all(_ringing(world, user) == [] for user in world.center.users)
    taker = world.center.users[_agent(world, 1)]
    world.assign_skill(taker, spanish, 2)
    assert _ringing(world, taker.id) == [first]  # offered at once, not at the next action
    world.call_operate(taker.id, first, "Answer", {})
    world.call_operate(taker.id, first, "Hangup", {})
    world.agent_operate(taker.id, "Ready", {})
    world.unassign_skill(taker, spanish)
    second = world.place_call(CUSTOMER, SPANISH)
    assert all(_ringing(world, user) == [] for user in world.center.users)
    assert world.router.waiting(world.router.queue_of_number(SPANISH) or "") == [second]


def test_a_chat_of_a_skill_given_to_a_ready_agent_is_offered_to_them_and_not_once_it_is_taken_back() -> None:
    world = _world(3)
    spanish = world.center.skill_named("Spanish")
    assert spanish is not None
    first = world.start_chat("Spanish chat", "Visitor", None, "hola")
    assert world.media.waiting() == [first]
    taker = world.center.users[_agent(world, 2)]
    world.assign_skill(taker, spanish, 2)
    assert [interaction.id for interaction in world.interactions_of(taker.id)] == [first]
    world.interaction_operate(taker.id, first, "Accept", {})
    world.interaction_operate(taker.id, first, "Complete", {})
    world.unassign_skill(taker, spanish)
    second = world.start_chat("Spanish chat", "Vera", None, "hola")
    assert world.media.waiting() == [second]
    assert all(second not in [i.id for i in world.interactions_of(user)] for user in world.center.users)


def test_work_waiting_in_a_queue_whose_skills_change_is_offered_at_once() -> None:
    """A call and a chat wait for Spanish, which nobody holds; their queues now take Sales: each goes to the
    agent free longest (agent0, Ready first), at the change."""
    world = _world(3)
    call = world.place_call(CUSTOMER, SPANISH)
    chat = world.start_chat("Spanish chat", "Visitor", None, "hola")
    for name in ("Spanish line", "Spanish chat"):
        queue = next(queue for queue in world.center.queues.values() if queue.name == name)
        world.update_queue(queue, {"skills": ["Sales"]})
    first = _agent(world, 0)
    assert _ringing(world, first) == [call]
    assert [interaction.id for interaction in world.interactions_of(first)] == [chat]


def test_a_skill_level_changed_decides_the_next_call_at_once() -> None:
    world = _world(3)
    sales = world.center.skill_named("Sales")
    assert sales is not None
    best = world.center.users[_agent(world, 2)]
    world.set_skill_level(best, sales, 9)
    call = world.place_call(CUSTOMER, SALES)
    assert _ringing(world, best.id) == [call]


def test_an_agent_free_all_along_keeps_the_time_they_became_free_through_a_change_of_theirs() -> None:
    """agent0 is Ready 10 s before agent1, at the same level; a skill given to agent0 later files them
    again, still free since then: the call goes to agent0, free longest."""
    world = _world(2, ready=lambda index: index == 0)
    world.advance(10)
    second = _agent(world, 1)
    world.agent_operate(second, "StartContactCenterSession", {})
    world.agent_operate(second, "Ready", {})
    world.advance(10)
    spanish = world.center.skill_named("Spanish")
    assert spanish is not None
    world.assign_skill(world.center.users[_agent(world, 0)], spanish, 1)
    call = world.place_call(CUSTOMER, SALES)
    assert _ringing(world, _agent(world, 0)) == [call]


def test_a_device_taken_back_from_a_ready_agent_is_not_rung_and_their_other_device_is() -> None:
    world = _world(1, ready=lambda index: False)
    agent = _agent(world, 0)
    world.agent_operate(agent, "StartContactCenterSession", {"place": "Desk"})
    world.agent_operate(agent, "Ready", {})
    own, desk = (world.center.devices[device] for device in world.center.users[agent].device_ids)
    world.unassign_device(world.center.users[agent], own)
    call = world.place_call(CUSTOMER, SALES)
    assert [view.id for view in world.telephony.calls_of_device(desk.id)] == [call]
    assert world.telephony.calls_of_device(own.id) == []


def test_a_device_given_to_another_agent_takes_calls_of_that_agents_skills_only() -> None:
    """A free device given from an agent with Spanish to one without is offered no Spanish call."""
    world = _world(2, ready=lambda index: False)
    spanish = world.center.skill_named("Spanish")
    assert spanish is not None
    holder, other = (world.center.users[_agent(world, index)] for index in (0, 1))
    world.assign_skill(holder, spanish, 4)
    world.agent_operate(holder.id, "StartContactCenterSession", {"channels": ["voice"]})
    world.agent_operate(holder.id, "Ready", {})
    device = world.center.devices[holder.device_ids[0]]
    world.unassign_device(holder, device)
    world.assign_device(other, device)
    world.place_call(CUSTOMER, SPANISH)
    assert world.telephony.calls_of_device(device.id) == []


def test_an_agent_whose_only_device_is_deleted_is_offered_no_call_and_the_next_agent_is() -> None:
    world = _world(2)
    gone, other = (world.center.users[_agent(world, index)] for index in (0, 1))
    world.remove_device(world.center.devices[gone.device_ids[0]])
    for routing in (world.router, world.media.queues):
        kept = routing.filed()
        routing.invalidate()
        assert routing.filed() == kept, "what routing kept is what it builds over the contact center now"
    call = world.place_call(CUSTOMER, SALES)
    assert _ringing(world, other.id) == [call], "the agent free longest has no device left: the next one rings"


def test_a_change_of_users_that_names_nobody_is_not_trusted_to_change_nobody() -> None:
    assert users_changed(CenterChanged("remove_device", ())) is None
    assert users_changed(CenterChanged("remove_device", ("someone",))) == ("someone",)


# ---------------------------------------------------------------------- users and devices that come and go


def _come_and_go(world: World, cycle: int) -> None:
    """A user added with two devices and the best Sales level, Ready on every channel and rung by a call
    the customer hangs up on; then both devices deleted and the user removed. Each change names its user,
    so routing follows it rather than build its index again over every agent."""
    sales = world.center.skill_named("Sales")
    assert sales is not None
    user = world.add_user(userName=f"churn{cycle}@example.com", password="password")
    devices = [world.add_device_for(user, phoneNumber=f"{prefix}{cycle:03d}") for prefix in ("7", "77")]
    world.assign_skill(user, sales, 9)
    world.agent_operate(user.id, "StartContactCenterSession", {})
    world.agent_operate(user.id, "Ready", {})
    call = world.place_call(CUSTOMER, SALES)
    assert _ringing(world, user.id) == [call]
    world.remote_operate(call, CUSTOMER, "Hangup")
    for device in devices:
        world.remove_device(device)
    world.remove_user(user)


def test_users_and_devices_that_come_and_go_leave_nothing_of_theirs_in_routing() -> None:
    """Counted after one cycle (its call opens the queue's counters) and after 50 more: every table of
    users, devices and their buckets holds as much; a heap holds its current entries and at most twice
    as many no longer current, with 32 more, as the lanes trim them."""
    world = _world(20)
    routings = (world.router, world.media.queues)
    _come_and_go(world, 0)
    indexes = [routing.index() for routing in routings]
    before = [routing.sizes() for routing in routings]
    for cycle in range(1, 51):
        _come_and_go(world, cycle)
    assert all(routing.index() is index for routing, index in zip(routings, indexes, strict=True)), "no build"
    for routing, kept in zip(routings, before, strict=True):
        held = routing.sizes()
        assert {name: count for name, count in held.items() if "heaps" not in name} == {
            name: count for name, count in kept.items() if "heaps" not in name
        }
        for kind in ("work", "free"):
            assert held[f"{kind} heaps"] <= 2 * held[f"{kind} entries"] + 32 * held[f"{kind} buckets"]
    assert before[0]["agents bucketed"] == 20 and before[0]["agent counters"] == 0, "the counts count something"


def test_devices_that_come_and_go_leave_nothing_of_theirs_in_the_voice_engine() -> None:
    world = _world(20)
    _come_and_go(world, 0)
    before = world.telephony.sizes()
    for cycle in range(1, 31):
        _come_and_go(world, cycle)
    assert world.telephony.sizes() == before
    assert before["devices"] >= 20 and before["devices told"] >= 20, "the counts count something"


def test_a_voice_queue_that_comes_and_goes_leaves_no_counters_behind() -> None:
    world = _world(2)
    counted = world.router.sizes()["queue counters"]
    for cycle in range(3):
        queue = world.add_queue(name=f"Line {cycle}", channel="voice", phoneNumber=f"82{cycle:02d}")
        call = world.place_call(CUSTOMER, queue.phoneNumber or "")
        assert world.router.sizes()["queue counters"] == counted + 1
        world.remote_operate(call, CUSTOMER, "Hangup")
        world.remove_queue(queue)
        assert world.router.sizes()["queue counters"] == counted
