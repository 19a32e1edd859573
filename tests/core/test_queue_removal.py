"""A queue with work waiting in it is not removed: the customers would wait forever in a queue nobody
routes. The removal is refused (2, naming the queue) and changes nothing; once the work is gone it goes."""

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
    assert "renamed" in refused.value.message and chat.name == "Web chat"
    world.update_queue(chat, {"name": "Web chat", "description": "the same name is no rename"})
    agent = world.center.user_named("agent3@example.com")  # Support, level 9
    assert agent is not None
    world.agent_operate(agent.id, "StartContactCenterSession", {"channels": ["chat"]})
    world.agent_operate(agent.id, "Ready", {})
    assert world.interaction(interaction).state == "Invited"
    world.interaction_operate(agent.id, interaction, "Accept", {})
    world.update_queue(chat, {"name": "Chat line"})
    assert chat.name == "Chat line"
