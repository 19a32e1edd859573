"""A queue with work waiting in it is not removed, nor a chat queue renamed, nor a skill that chats were
transferred to renamed or removed: the customers would wait forever where nobody routes. The change is
refused (2, naming the queue or skill) and changes nothing; once the work is gone it is made. Calls wait
by their queue's id: a voice queue is renamed under them. A chat handled by an agent holds no queue: one
whose invitation to an agent is rejected or lapses goes back to the queue it came from by its id, under
the name it has by then."""

from __future__ import annotations

import pytest

from simulator.center_file import load_default
from simulator.core.queues import Queue
from simulator.core.refusals import INVALID, Refusal
from simulator.core.voice import VirtualClock
from simulator.core.world import World

CUSTOMER = "+15551230000"


def _queue(world: World, name: str) -> Queue:
    return next(queue for queue in world.center.queues.values() if queue.name == name)


def _ready_for_chat(world: World, user_name: str) -> str:
    """`user_name` starts a chat session and goes Ready; answers their id."""
    agent = world.center.user_named(user_name)
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {"channels": ["chat"]})
    world.agent_operate(agent.id, "Ready", {})
    return agent.id


def test_a_voice_queue_with_a_call_waiting_is_not_removed_until_the_call_is_gone():
    world = World(load_default(), VirtualClock())
    sales = _queue(world, "Sales line")
    call = world.place_call(CUSTOMER, "8000")  # nobody is ready: it waits
    before, revision = world.state(), world.center.revision
    with pytest.raises(Refusal) as refused:
        world.remove_queue(sales)
    assert refused.value.code == INVALID and "'Sales line'" in refused.value.message
    assert "1 call" in refused.value.message
    assert sales.id in world.center.queues and world.state() == before and world.center.revision == revision
    world.remote_operate(call, CUSTOMER, "Hangup")
    world.remove_queue(sales)
    assert sales.id not in world.center.queues


def test_a_chat_queue_with_a_chat_waiting_is_not_removed_until_the_visitor_leaves():
    world = World(load_default(), VirtualClock())
    chat = _queue(world, "Web chat")
    interaction = world.start_chat("Web chat", "Visitor")
    with pytest.raises(Refusal) as refused:
        world.remove_queue(chat)
    assert refused.value.code == INVALID and "'Web chat'" in refused.value.message
    assert "1 interaction" in refused.value.message
    assert chat.id in world.center.queues
    world.visitor_operate(interaction, "Leave")
    world.remove_queue(chat)
    assert chat.id not in world.center.queues


def test_a_chat_queue_with_a_chat_waiting_keeps_its_name_until_the_chat_is_taken():
    """Chats wait under their queue's name: renamed, the queue would leave them where nobody routes."""
    world = World(load_default(), VirtualClock())
    chat = _queue(world, "Web chat")
    interaction = world.start_chat("Web chat", "Visitor")
    with pytest.raises(Refusal) as refused:
        world.update_queue(chat, {"name": "Chat line"})
    assert refused.value.code == INVALID and "'Web chat'" in refused.value.message
    assert refused.value.field == "name"
    assert "renamed" in refused.value.message and chat.name == "Web chat"
    world.update_queue(chat, {"name": "Web chat", "description": "the same name is no rename"})
    agent_id = _ready_for_chat(world, "agent3@example.com")  # Support, level 9
    assert world.interaction(interaction).state == "Invited"
    world.interaction_operate(agent_id, interaction, "Accept", {})
    world.update_queue(chat, {"name": "Chat line"})
    assert chat.name == "Chat line"


def test_a_voice_queue_is_renamed_under_its_waiting_call_which_is_still_answered():
    world = World(load_default(), VirtualClock())
    sales = _queue(world, "Sales line")
    call = world.place_call(CUSTOMER, "8000")  # nobody is ready: it waits
    world.update_queue(sales, {"name": "Sales"})
    assert sales.name == "Sales" and world.router.waiting(sales.id) == [call]
    agent = world.center.user_named("agent1@example.com")  # Sales, level 8
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {})
    world.agent_operate(agent.id, "Ready", {})
    assert [c.id for c in world.calls_of(agent.id) if c.state == "Ringing"] == [call]


def _transferred_to_billing(world: World, name: str = "Billing") -> tuple[str, str]:
    """A chat of Web chat accepted by agent3 (Support), who goes Not Ready and transfers it to the Billing
    skill (by `name`), which nobody free holds: it waits for Billing. Answers the chat and agent3."""
    agent_id = _ready_for_chat(world, "agent3@example.com")
    interaction = world.start_chat("Web chat", "Visitor")
    world.interaction_operate(agent_id, interaction, "Accept", {})
    world.agent_operate(agent_id, "NotReady", {})
    world.interaction_operate(agent_id, interaction, "SingleStepTransfer", {"skill": name})
    assert world.media.waiting() == [interaction]
    return interaction, agent_id


@pytest.mark.parametrize("change", ["renamed", "removed"])
def test_a_skill_with_a_chat_transferred_to_it_is_kept_until_the_chat_is_taken(change: str):
    world = World(load_default(), VirtualClock())
    interaction, _agent = _transferred_to_billing(world)
    billing = world.center.skill_named("Billing")
    assert billing is not None
    before, revision = world.state(), world.center.revision
    with pytest.raises(Refusal) as refused:
        if change == "renamed":
            world.update_skill(billing, {"name": "Invoices"})
        else:
            world.remove_skill(billing)
    assert refused.value.code == INVALID and "'Billing'" in refused.value.message
    assert "1 interaction" in refused.value.message and change in refused.value.message
    assert refused.value.field == ("name" if change == "renamed" else None)
    assert world.center.skill_named("Billing") is billing and world.state() == before
    assert world.center.revision == revision
    world.update_skill(billing, {"description": "who bills"})  # no rename: made
    taker_id = _ready_for_chat(world, "agent2@example.com")  # Billing, level 7
    assert world.interaction(interaction).state == "Invited"
    world.interaction_operate(taker_id, interaction, "Accept", {})
    world.update_skill(billing, {"name": "Invoices"})
    assert billing.name == "Invoices"


def test_a_skill_renamed_routes_its_next_transfer_to_its_holders():
    """The skill index follows a rename: a chat transferred to the skill by its new name reaches its
    holder."""
    world = World(load_default(), VirtualClock())
    billing = world.center.skill_named("Billing")
    assert billing is not None
    world.update_skill(billing, {"name": "Invoices"})
    interaction, _agent = _transferred_to_billing(world, "Invoices")
    _ready_for_chat(world, "agent2@example.com")
    assert world.interaction(interaction).state == "Invited"


def test_the_queue_a_chat_was_transferred_to_a_skill_from_is_renamed_under_it():
    """A chat transferred to a skill waits for the skill, not in the queue it came from."""
    world = World(load_default(), VirtualClock())
    _transferred_to_billing(world)
    chat = _queue(world, "Web chat")
    world.update_queue(chat, {"name": "Chat line"})
    assert chat.name == "Chat line"


@pytest.mark.parametrize("ending", ["Reject", "lapse"])
def test_a_chat_whose_transfer_invitation_ends_goes_back_to_its_queue_renamed_meanwhile(ending: str):
    """A chat transferred to an agent goes back to the queue it came from when the invitation is rejected
    or lapses: the queue it has by its id, renamed while the chat was handled and out on the invitation."""
    world = World(load_default(), VirtualClock())
    chat = _queue(world, "Web chat")
    holder = _ready_for_chat(world, "agent3@example.com")  # Support, level 9
    interaction = world.start_chat("Web chat", "Visitor")
    world.interaction_operate(holder, interaction, "Accept", {})
    world.update_queue(chat, {"name": "Chat line"})  # accepted: nothing waits in it
    world.agent_operate(holder, "NotReady", {})
    invited = _ready_for_chat(world, "agent2@example.com")  # no Support: invited by name only
    world.interaction_operate(holder, interaction, "SingleStepTransfer", {"userId": invited})
    world.update_queue(chat, {"name": "Web line"})  # out on an invitation: nothing waits in it either
    assert world.interaction(interaction).state == "Invited"
    if ending == "Reject":
        world.interaction_operate(invited, interaction, "Reject", {})
    else:
        world.advance(world.media.options.invite_timeout + 1)
    assert world.media.waiting() == [interaction]
    assert world.media.queues.held_under(chat) == 1, "it waits under the queue's name of now"
    assert world.interaction(interaction).queue == "Web line"
    taker = _ready_for_chat(world, "agent1@example.com")  # Support, level 3
    assert world.interaction(interaction).handling_of(taker) is not None, "the queue's agent is invited"


def test_a_chat_pulled_from_a_workbin_whose_transfer_invitation_is_rejected_goes_back_to_its_queue():
    """Parked, a chat is in its workbin's private queue, which no routing serves; pulled and transferred to
    an agent who rejects it, it goes back to the contact center's queue it came from."""
    world = World(load_default(), VirtualClock())
    holder = _ready_for_chat(world, "agent3@example.com")
    interaction = world.start_chat("Web chat", "Visitor")
    world.interaction_operate(holder, interaction, "Accept", {})
    world.interaction_operate(holder, interaction, "PlaceInWorkbin", {"workbin": "InProgress"})
    world.pull(holder, "InProgress", interaction)
    world.agent_operate(holder, "NotReady", {})
    invited = _ready_for_chat(world, "agent2@example.com")
    world.interaction_operate(holder, interaction, "SingleStepTransfer", {"userId": invited})
    world.interaction_operate(invited, interaction, "Reject", {})
    assert world.media.queues.held_under(_queue(world, "Web chat")) == 1
    taker = _ready_for_chat(world, "agent1@example.com")
    assert world.interaction(interaction).handling_of(taker) is not None
