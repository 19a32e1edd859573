"""A voice queue's own ring timeout (`ringTimeout` of the queue in the contact-center file): how long
routing rings an agent with one of its calls before offering it to the next agent, whatever the contact
center's no-answer timeout."""

from __future__ import annotations

from importlib import resources

import pytest

from simulator.center_file import parse
from simulator.core.contact_center import ContactCenter, ContactCenterError
from simulator.core.directory import CenterDirectory
from simulator.core.refusals import Refusal
from simulator.core.routing import Router
from simulator.core.voice import Telephony, VirtualClock

DEFAULT = resources.files("simulator").joinpath("default_contact_center.yaml").read_text(encoding="utf-8")
SALES = '{name: Sales line, channel: voice, phoneNumber: "8000", skills: [Sales], callRecording: {percentage: 50}}'


def center_with(queue: str, telephony: str = "") -> ContactCenter:
    """The default contact center with the Sales line written as `queue`."""
    assert SALES in DEFAULT
    return parse(DEFAULT.replace(SALES, queue) + telephony, "center.yaml")


def ringing_after(center: ContactCenter, seconds: float) -> tuple[list[str], list[str]]:
    """Agents 1 and 2 Ready, a call to the Sales line, `seconds` later: the calls ringing on each."""
    clock = VirtualClock()
    telephony = Telephony(CenterDirectory(center), clock, [], center.voice_options)
    Router(center, telephony, clock)
    devices = []
    for name in ("agent1@example.com", "agent2@example.com"):
        user = center.user_named(name)
        assert user is not None
        devices.append(user.device_ids[0])
        for operation in ("StartContactCenterSession", "Ready"):
            params = {"channels": ["voice"]} if operation == "StartContactCenterSession" else {}
            telephony.device_operate(user.id, user.device_ids[0], operation, params)
    telephony.inbound_call("+15551230000", "8000")
    clock.advance(seconds)
    first, second = (
        [view.id for view in telephony.calls_of_device(device) if view.state == "Ringing"] for device in devices
    )
    return first, second


def test_a_queue_rings_an_agent_for_its_own_ring_timeout() -> None:
    queue, telephony = SALES.replace("}}", "}, ringTimeout: 5}"), "telephony:\n  noAnswerTimeout: 60\n"
    first, second = ringing_after(center_with(queue, telephony), 4.9)
    assert len(first) == 1 and second == []
    first, second = ringing_after(center_with(queue, telephony), 5)
    assert first == [] and len(second) == 1  # agent1 (level 8) let it ring: agent2 gets it


def test_without_its_own_ring_timeout_a_queue_rings_for_the_no_answer_timeout() -> None:
    center = center_with(SALES, "telephony:\n  noAnswerTimeout: 60\n")
    first, second = ringing_after(center, 59.9)
    assert len(first) == 1 and second == []


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        (SALES.replace("}}", "}, ringTimeout: 0}"), "queues[0].ringTimeout must be above 0 seconds"),
        (SALES.replace("}}", "}, ringTimeout: -1}"), "queues[0].ringTimeout must be above 0 seconds"),
        (SALES.replace("}}", "}, ringTimeout: soon}"), "queues[0].ringTimeout must be a number of seconds"),
        (
            "{name: Sales line, channel: chat, internal: true, ringTimeout: 5}",
            "queues[0].ringTimeout: only a voice queue rings agents",
        ),
    ],
)
def test_a_bad_ring_timeout_is_reported_at_its_line(queue: str, expected: str) -> None:
    with pytest.raises(ContactCenterError) as caught:
        center_with(queue)
    assert f"center.yaml:51: {expected}" in str(caught.value)


@pytest.mark.parametrize(("channel", "seconds"), [("voice", 0), ("voice", -2.5), ("chat", 5)])
def test_the_contact_center_refuses_a_ring_timeout_it_cannot_keep(channel: str, seconds: float) -> None:
    center = ContactCenter()
    with pytest.raises(Refusal) as caught:
        center.add_queue("Line", channel, internal=True, ring_timeout=seconds)
    assert caught.value.field == "ringTimeout" and "ringTimeout" in caught.value.message
    assert center.queues == {}
