"""A device taken from its agent (unassigned, its user removed, the device deleted) logs out first: its
agent is told, the statistics stop counting it theirs, and the next user it is assigned to starts afresh."""

from __future__ import annotations

import pytest

from simulator.center_file import load_default
from simulator.core.events import Event
from simulator.core.refusals import Refusal
from simulator.core.statistic_definitions import SKILL_AG
from simulator.core.users import SUPERVISOR, User
from simulator.core.voice import VirtualClock
from simulator.core.voice.events import DeviceStateChanged
from simulator.core.world import World
from simulator.statistics.sampler import Statistics
from simulator.statistics.tally import IN_CALL, LOGGED_OUT, READY


def _world() -> tuple[World, list[Event], Statistics]:
    world = World(load_default(), VirtualClock())
    seen: list[Event] = []
    world.events.subscribe(seen.append)
    statistics = Statistics(world.center, world.clock)
    world.events.subscribe(statistics)
    return world, seen, statistics


def _agent(world: World, name: str = "agent1@example.com") -> User:
    user = world.center.user_named(name)
    assert user is not None
    return user


def _agents_and_supervisor(world: World) -> tuple[User, User, User]:
    """agent1, agent2 and the supervisor of the default contact center."""
    return _agent(world), _agent(world, "agent2@example.com"), _agent(world, "supervisor@example.com")


def _ready_with_dnd_and_forwarding(world: World, agent: User) -> str:
    world.agent_operate(agent.id, "StartContactCenterSession", {"channels": ["voice"]})
    world.agent_operate(agent.id, "Ready", {})
    device = agent.device_ids[0]
    world.device_operate(agent.id, device, "DoNotDisturbOn", {})
    world.device_operate(agent.id, device, "ForwardCallsOn", {"destination": "+15559990000"})
    world.device_operate(agent.id, device, "DoNotDisturbOff", {})
    return device


def _device_events(seen: list[Event], device_id: str) -> list[DeviceStateChanged]:
    return [
        e.change for e in seen if isinstance(e.change, DeviceStateChanged) and e.change.device.device_id == device_id
    ]


def test_an_unassigned_device_logs_out_and_its_agent_is_told_while_still_holding_it():
    world, seen, _statistics = _world()
    agent = _agent(world)
    device_id = _ready_with_dnd_and_forwarding(world, agent)
    told = len(seen)
    world.unassign_device(agent, world.center.devices[device_id])
    change, unheld = _device_events(seen[told:], device_id)
    assert change.user_id == agent.id, "the agent who held the device is told"
    assert change.device.user_state["state"] == "Logout" and change.device.device_state == "Inactive"
    assert change.device.forward_to is None and change.device.do_not_disturb == "Off"
    assert unheld.user_id is None and unheld.device.user_state["state"] == "Logout", "then it is nobody's"
    kinds = [event.kind for event in seen[told:]]
    assert kinds == ["DeviceStateChanged", "DeviceStateChanged", "CenterChanged"], "logged out before it is taken"
    view = world.device_state(device_id)
    assert view.user_id is None and view.user_state["state"] == "Logout"


def test_a_device_assigned_to_another_user_starts_logged_out_not_in_the_last_agents_state():
    world, _seen, _statistics = _world()
    agent, other = _agent(world), _agent(world, "agent2@example.com")
    device_id = _ready_with_dnd_and_forwarding(world, agent)
    device = world.center.devices[device_id]
    world.unassign_device(agent, device)
    world.assign_device(other, device)
    view = world.device_state(device_id)
    assert view.user_id == other.id
    assert (view.user_state["state"], view.do_not_disturb, view.forward_to) == ("Logout", "Off", None)
    assert "StartContactCenterSession" in world.telephony.operations_of_device(device_id)


def test_removing_a_user_logs_their_devices_out_and_tells_them():
    world, seen, _statistics = _world()
    agent = _agent(world)
    device_id = _ready_with_dnd_and_forwarding(world, agent)
    told = len(seen)
    world.remove_user(agent)
    change, unheld = _device_events(seen[told:], device_id)
    assert change.user_id == agent.id and change.device.user_state["state"] == "Logout"
    assert unheld.user_id is None
    assert world.device_state(device_id).user_state["state"] == "Logout"


def test_a_device_never_used_is_unassigned_without_an_event_of_the_voice_core():
    world, seen, _statistics = _world()
    agent = _agent(world)
    device = world.center.devices[agent.device_ids[0]]
    world.unassign_device(agent, device)
    assert [event.kind for event in seen] == ["CenterChanged"]


def test_the_tally_stops_counting_an_unassigned_devices_agent_as_ready():
    world, _seen, statistics = _world()
    agent = _agent(world)
    device_id = _ready_with_dnd_and_forwarding(world, agent)
    sales = world.center.skill_named("Sales")
    assert sales is not None
    ready = next(definition for definition in world.center.statistics
                 if definition.name == "CurrentReadyAgents" and definition.object_type == SKILL_AG)  # fmt: skip
    assert statistics.tally.agent_status[agent.id][0] == READY and statistics.value(ready, sales.id) == 1
    world.unassign_device(agent, world.center.devices[device_id])
    assert statistics.tally.agent_status[agent.id][0] == LOGGED_OUT
    assert statistics.value(ready, sales.id) == 0


def test_a_deleted_device_logs_out_first():
    world, _seen, statistics = _world()
    agent = _agent(world)
    device_id = _ready_with_dnd_and_forwarding(world, agent)
    world.remove_device(world.center.devices[device_id])
    assert statistics.tally.agent_status[agent.id][0] == LOGGED_OUT


def test_a_session_started_again_on_me_logs_in_a_device_assigned_since_and_leaves_the_others_as_they_are():
    """As Do Not Disturb on /me: the devices not yet logged in take it; refused (2) only when all are."""
    world, _seen, _statistics = _world()
    agent = _agent(world)
    world.agent_operate(agent.id, "StartContactCenterSession", {"channels": ["voice"]})
    first = agent.device_ids[0]
    world.agent_operate(agent.id, "Ready", {})
    added = world.add_device(phoneNumber="5077")
    world.assign_device(agent, added)
    world.agent_operate(agent.id, "StartContactCenterSession", {"channels": ["voice"]})
    assert world.device_state(first).user_state["state"] == "Ready", "a device logged in keeps its state"
    assert world.device_state(added.id).user_state["state"] == "NotReady"
    before = world.state()
    with pytest.raises(Refusal) as refused:
        world.agent_operate(agent.id, "StartContactCenterSession", {"channels": ["voice"]})
    assert refused.value.code == 2 and world.state() == before


def test_a_call_to_a_device_given_to_another_user_is_not_counted_as_the_last_agents():
    world, _seen, statistics = _world()
    agent, other = _agent(world), _agent(world, "agent2@example.com")
    device_id = _ready_with_dnd_and_forwarding(world, agent)
    device = world.center.devices[device_id]
    world.unassign_device(agent, device)
    world.assign_device(other, device)
    statuses: list[str] = []  # the last agent's status after every event of the call, as a sample may see it
    world.events.subscribe(lambda _event: statuses.append(statistics.tally.agent_status[agent.id][0]))
    world.place_call("+15551230000", device.phoneNumber)  # rings whatever the agent state
    assert world.telephony.calls_of_device(device_id) and statuses
    assert set(statuses) == {LOGGED_OUT}, "never in a call on a device that is no longer theirs"
    assert statistics.tally.agent_status[other.id][0] == IN_CALL


def test_a_supervisor_monitoring_the_agent_does_not_go_on_monitoring_the_device_for_its_next_user():
    world, _seen, _statistics = _world()
    agent, other, supervisor = _agents_and_supervisor(world)
    device = world.center.devices[agent.device_ids[0]]
    world.supervise(supervisor.id, device.id, "ListenIn", {})
    assert world.telephony.monitoring_of(device.id) is not None
    world.unassign_device(agent, device)
    assert world.telephony.monitoring_of(device.id) is None
    assert world.device_state(device.id).supervisor_monitoring == {}
    world.assign_device(other, device)
    call = world.place_call("+15551230000", device.phoneNumber)
    world.call_operate(other.id, call, "Answer", {})
    assert world.calls_of(supervisor.id) == [], "the supervisor does not join the next user's call"


def _monitored(world: World, seen: list[Event], device_id: str) -> list[dict[str, str]]:
    return [event.device.supervisor_monitoring for event in _device_events(seen, device_id)]


def test_a_supervisor_losing_their_device_ends_their_monitoring_and_its_next_holder_does_not_listen_in():
    world, seen, _statistics = _world()
    agent, other, supervisor = _agents_and_supervisor(world)
    watched = agent.device_ids[0]
    own = world.center.devices[supervisor.device_ids[0]]
    world.supervise(supervisor.id, watched, "ListenIn", {})
    assert _monitored(world, seen, watched)[-1]["supervisorMonitoringState"] == "ListenIn"
    world.unassign_device(supervisor, own)
    assert world.telephony.monitoring_of(watched) is None
    told = _device_events(seen, watched)[-1]
    assert told.user_id == agent.id and told.device.supervisor_monitoring == {}, "the agent is told it ended"
    assert told.device.supervisor_id is None
    world.assign_device(other, own)
    call = world.place_call("+15551230000", world.center.devices[watched].phoneNumber)
    world.call_operate(agent.id, call, "Answer", {})
    assert world.calls_of(other.id) == [], "the device's next holder does not join the agent's call"
    assert [party.get("device") for party in world.telephony.call_snapshot(call)["parties"]] == [None, watched]


def test_a_supervisor_removed_ends_every_monitoring_and_another_supervisor_may_monitor_at_once():
    world, seen, _statistics = _world()
    first, second, supervisor = (
        _agent(world),
        _agent(world, "agent2@example.com"),
        _agent(world, "supervisor@example.com"),
    )
    watched = [first.device_ids[0], second.device_ids[0]]
    for device_id in watched:
        world.supervise(supervisor.id, device_id, "Coach", {})
    world.remove_user(supervisor)
    for device_id in watched:
        assert world.telephony.monitoring_of(device_id) is None
        assert world.device_state(device_id).supervisor_id is None, "no monitoring by a user who is gone"
        assert _monitored(world, seen, device_id)[-1] == {}
    successor = world.add_user(userName="sup2@example.com", password="pw", roles=[SUPERVISOR])
    world.assign_device(successor, world.add_device(phoneNumber="5088"))
    world.supervise(successor.id, watched[0], "ListenIn", {})
    assert world.device_state(watched[0]).supervisor_id == successor.id


def test_a_supervisor_losing_one_device_keeps_monitoring_from_another_only_what_it_started_there():
    world, _seen, _statistics = _world()
    agent, supervisor = _agent(world), _agent(world, "supervisor@example.com")
    watched = agent.device_ids[0]
    spare = world.add_device(phoneNumber="5088")
    world.assign_device(supervisor, spare)
    world.supervise(supervisor.id, watched, "ListenIn", {})  # conducted from the supervisor's first device
    world.unassign_device(supervisor, spare)
    assert world.telephony.monitoring_of(watched) is not None, "taking an unused device ends nothing"
    world.supervise(supervisor.id, watched, "CancelSupervisorMonitoring", {})
    world.unassign_device(supervisor, world.center.devices[supervisor.device_ids[0]])
    assert world.telephony.monitoring_of(watched) is None


def _coached_by_supervisor(world: World) -> tuple[User, list[str]]:
    """The supervisor coaching agent1 and listening in on agent2; returns them and the watched devices."""
    supervisor = _agent(world, "supervisor@example.com")
    watched = [_agent(world).device_ids[0], _agent(world, "agent2@example.com").device_ids[0]]
    world.supervise(supervisor.id, watched[0], "Coach", {})
    world.supervise(supervisor.id, watched[1], "ListenIn", {})
    return supervisor, watched


def test_a_supervisor_demoted_ends_every_monitoring_with_the_notifications_of_a_removal():
    told: dict[str, list[tuple[str | None, object]]] = {}
    for change in ("demoted", "removed"):
        world, seen, _statistics = _world()
        supervisor, watched = _coached_by_supervisor(world)
        since = len(seen)
        if change == "demoted":
            world.update_user(supervisor, {"roles": ["ROLE_AGENT"]})
        else:
            world.remove_user(supervisor)
        for device_id in watched:
            assert world.telephony.monitoring_of(device_id) is None, change
            assert world.device_state(device_id).supervisor_id is None, change
        told[change] = [
            (event.user_id, event.device) for device_id in watched for event in _device_events(seen[since:], device_id)
        ]
    assert told["demoted"] == told["removed"], "each monitored agent is told the same, once"
    assert [device.supervisor_monitoring for _user, device in told["demoted"]] == [{}, {}]


def test_a_supervisor_demoted_leaves_the_monitored_call_and_the_agent_stays_on_it():
    world, _seen, _statistics = _world()
    supervisor, watched = _coached_by_supervisor(world)
    agent = _agent(world)
    call = world.place_call("+15551230000", world.center.devices[watched[0]].phoneNumber)
    world.call_operate(agent.id, call, "Answer", {})
    assert world.calls_of(supervisor.id), "the supervisor coaches on the agent's call"
    world.update_user(supervisor, {"firstName": "Still", "roles": ["ROLE_SUPERVISOR", "ROLE_AGENT"]})
    assert world.calls_of(supervisor.id), "a change that keeps the role ends nothing"
    world.update_user(supervisor, {"roles": ["ROLE_AGENT"]})
    assert world.calls_of(supervisor.id) == [], "the supervisor's leg is released"
    assert world.calls_of(agent.id), "the agent's call goes on"
    assert world.telephony.monitoring_of(watched[1]) is None


def test_supervisor_monitoring_switched_off_ends_every_monitoring_as_a_demotion_does():
    told: dict[str, list[tuple[str | None, object]]] = {}
    for change in ("switched off", "demoted"):
        world, seen, _statistics = _world()
        supervisor, watched = _coached_by_supervisor(world)
        agent = _agent(world)
        call = world.place_call("+15551230000", world.center.devices[watched[0]].phoneNumber)
        world.call_operate(agent.id, call, "Answer", {})
        since = len(seen)
        if change == "demoted":
            world.update_user(supervisor, {"roles": ["ROLE_AGENT"]})
        else:
            world.set_features([f for f in world.center.feature_ids if f != "api-supervisor-monitoring"])
        assert [world.telephony.monitoring_of(device_id) for device_id in watched] == [None, None], change
        assert world.calls_of(supervisor.id) == [], change
        assert world.calls_of(agent.id), "the agent's call goes on"
        told[change] = [
            (event.user_id, event.device) for device_id in watched for event in _device_events(seen[since:], device_id)
        ]
    assert told["switched off"] == told["demoted"] and told["demoted"], "each monitored agent is told the same"


def test_a_monitored_device_nobody_holds_deleted_ends_its_monitoring_and_the_supervisor_goes_on():
    world, _seen, _statistics = _world()
    supervisor = _agent(world, "supervisor@example.com")
    spare = world.add_device(phoneNumber="7001")
    world.supervise(supervisor.id, spare.id, "ListenIn", {})
    assert world.telephony.monitoring_of(spare.id) is not None
    before = world.telephony.sizes()
    world.remove_device(spare)
    after = world.telephony.sizes()
    assert after["monitorings"] == before["monitorings"] - 1 and after["supervising"] == before["supervising"] - 2
    _coached_by_supervisor(world)
    world.update_user(supervisor, {"roles": ["ROLE_AGENT"]})  # ends the others, finding none dangling
    assert world.telephony.sizes()["supervising"] == 0
