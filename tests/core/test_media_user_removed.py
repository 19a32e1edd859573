"""A user removed while the multimedia core has work for them: as with calls, one who holds interactions
(accepted, or parked in their workbins) is not removed; an invitation still pending is revoked, told to
them, and the interaction offered at once to the next agent rather than after the invitation lapses."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.center_file import load_default
from simulator.core.changes import CenterChanged
from simulator.core.events import Event
from simulator.core.media import InteractionMessage
from simulator.core.refusals import INVALID, Refusal
from simulator.core.users import User
from simulator.core.voice import VirtualClock
from simulator.core.world import World


def _world() -> tuple[World, list[Event], User, User]:
    """agent3 and agent1 Ready, agent3 first (offered the next chat or e-mail), with the events seen."""
    world = World(load_default(), VirtualClock())
    first, second = (world.center.user_named(f"agent{n}@example.com") for n in (3, 1))
    assert first is not None and second is not None
    for user in (first, second):
        world.agent_operate(user.id, "StartContactCenterSession", {})
        world.agent_operate(user.id, "Ready", {})
        world.advance(1)
    seen: list[Event] = []
    world.events.subscribe(seen.append)
    return world, seen, first, second


def _told(seen: list[Event], user: User) -> list[str]:
    return [
        event.change.data["interaction"]["state"]
        for event in seen
        if isinstance(event.change, InteractionMessage) and event.change.user_id == user.id
    ]


def _holding(world: World, user: User) -> list[tuple[str, str | None]]:
    """The user's interactions, each with the state of their part in it."""
    return [
        (interaction.id, getattr(interaction.handling_of(user.id), "state", None))
        for interaction in world.interactions_of(user.id)
    ]


def test_a_user_holding_an_accepted_chat_is_not_removed_and_nothing_changes() -> None:
    world, seen, first, _second = _world()
    chat = world.start_chat("Web chat", "Vera", None, "hi")
    world.interaction_operate(first.id, chat, "Accept", {})
    seen.clear()
    with pytest.raises(Refusal) as refused:
        world.remove_user(first)
    assert refused.value.code == INVALID
    assert first.userName in refused.value.message and "1 chat interaction" in refused.value.message
    assert world.center.users[first.id] is first and first.device_ids
    assert _holding(world, first) == [(chat, "Accepted")] and seen == []
    world.interaction_operate(first.id, chat, "Complete", {})
    world.remove_user(first)  # once the chat is done
    assert first.id not in world.center.users


def test_a_user_with_an_email_parked_in_a_workbin_is_not_removed() -> None:
    world, _seen, first, _second = _world()
    email = world.receive_email("Support mailbox", "pat@example.org", None, "Hi", "text")
    world.interaction_operate(first.id, email, "Accept", {})
    world.interaction_operate(first.id, email, "PlaceInWorkbin", {"workbin": "InProgress"})
    with pytest.raises(Refusal, match="1 interaction in workbins"):
        world.remove_user(first)
    assert first.id in world.center.users


def test_a_pending_invitation_is_revoked_and_offered_at_once_to_the_next_agent() -> None:
    world, seen, first, second = _world()
    chat = world.start_chat("Web chat", "Vera", None, "hi")
    assert _holding(world, first) == [(chat, "Invited")]
    seen.clear()
    world.remove_user(first)
    assert _told(seen, first) == ["Revoked"], "told while they still exist"
    removal = next(i for i, event in enumerate(seen) if isinstance(event.change, CenterChanged))
    assert all(
        event.change.user_id != first.id for event in seen[removal:] if isinstance(event.change, InteractionMessage)
    )
    assert _holding(world, second) == [(chat, "Invited")], "offered at once, not when the invitation lapses"
    assert world.media.waiting() == []
    world.interaction_operate(second.id, chat, "Accept", {})
    assert _holding(world, second) == [(chat, "Accepted")]


def test_a_pending_conference_invitation_is_revoked_and_the_owner_keeps_the_chat() -> None:
    world, seen, first, second = _world()
    chat = world.start_chat("Web chat", "Vera", None, "hi")
    world.interaction_operate(first.id, chat, "Accept", {})
    world.interaction_operate(first.id, chat, "InviteUser", {"agentId": second.id})
    assert _holding(world, second) == [(chat, "Invited")]
    seen.clear()
    world.remove_user(second)
    assert _told(seen, second) == ["Revoked"]
    assert _holding(world, first) == [(chat, "Accepted")]
    capabilities: list[Any] = [
        event.change.data["interaction"]["capabilities"]
        for event in seen
        if isinstance(event.change, InteractionMessage) and event.change.user_id == first.id
    ]
    assert capabilities and "InviteUser" in capabilities[-1], "the owner may invite someone else"


def test_a_user_refused_for_a_call_keeps_their_pending_invitation() -> None:
    world, seen, first, _second = _world()
    chat = world.start_chat("Web chat", "Vera", None, "hi")
    world.place_call("+15551230000", world.center.devices[first.device_ids[0]].phoneNumber)
    seen.clear()
    with pytest.raises(Refusal, match="calls going on"):
        world.remove_user(first)
    assert _holding(world, first) == [(chat, "Invited")] and seen == [], "nothing half-applied"
