"""The contact center answers the voice core's lookups, and follows changes made through the model."""

from __future__ import annotations

from simulator.center_file import load_default
from simulator.core.directory import CenterDirectory
from simulator.core.voice import Directory


def test_lines_and_agent_states_come_from_the_contact_center():
    center = load_default()
    directory: Directory = CenterDirectory(center)
    agent = center.user_named("agent1@example.com")
    line = directory.line_of_number("5001")
    assert line is not None and line.user_id == agent.id
    assert directory.line_of_device(line.device_id) == line
    assert directory.devices_of_user(agent.id) == [line.device_id]
    assert directory.line_of_number("8000") is None  # a queue number is not a device
    assert directory.line_of_number("+15550000") is None
    names = [state.operationName for state in directory.agent_states().values()]
    assert names[:5] == ["AfterCallWork", "AuxWork", "NotReady", "Offline", "Ready"] and "OutToLunch" in names


def test_changes_to_the_model_are_seen_at_once():
    center = load_default()
    directory = CenterDirectory(center)
    agent = center.user_named("agent2@example.com")
    device = center.add_device("5077")
    assert directory.line_of_number("5077").user_id is None
    center.assign_device(agent, device)
    assert directory.line_of_number("5077").user_id == agent.id
    assert device.id in directory.devices_of_user(agent.id)
    center.remove_device(device)
    assert directory.line_of_device(device.id) is None
    assert directory.devices_of_user("nobody") == []


def test_the_holders_of_a_skill_best_first_for_routing():
    center = load_default()
    sales = center.skill_named("Sales")
    assert [(user.userName, level) for user, level in center.holders_of(sales)] == [
        ("agent1@example.com", 8),
        ("agent2@example.com", 5),
    ]
    billing = center.skill_named("Billing")
    assert [user.userName for user, _ in center.holders_of(billing, minimum_level=5)] == ["agent2@example.com"]
