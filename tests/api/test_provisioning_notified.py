"""Provisioning is an event like any other: an admin's change that changes what an agent's channels show
reaches that agent on /v2/me/channels, over real HTTP and a real CometD client."""

from __future__ import annotations

import aiohttp
from desktop import open_desktop
from rest_client import Rest

ADMIN = "admin@example.com"


def _channels(messages: list[dict]) -> list[list[dict]]:
    return [message["data"]["channels"] for message in messages if message["channel"] == "/v2/me/channels"]


async def test_a_renamed_agent_state_is_told_to_the_agents_in_it(live_server):
    async with aiohttp.ClientSession() as http:
        agent = await open_desktop(live_server.url, live_server.bayeux, http, "agent1@example.com",
                                   live_server.user_id("agent1@example.com"))  # fmt: skip
        admin = Rest(http, live_server.url, ADMIN)
        try:
            assert (await agent.post("/me", {"operationName": "StartContactCenterSession"})).status == 200
            assert (await agent.post("/me", {"operationName": "OutToLunch"})).status == 200
            await agent.sync()
            await admin.ok("PUT", "/settings/agent-states", {"operationName": "OutToLunch", "displayName": "Lunch"})
            told = _channels(await agent.sync())
            assert told, "the agent was told nothing"
            names = {channel["channel"]: channel["userState"]["displayName"] for channel in told[-1]}
            assert names["chat"] == "Lunch" and names["voice"] == "Lunch", told
        finally:
            await agent.close()


async def test_an_agent_not_in_the_changed_state_is_told_nothing(live_server):
    async with aiohttp.ClientSession() as http:
        agent = await open_desktop(live_server.url, live_server.bayeux, http, "agent2@example.com",
                                   live_server.user_id("agent2@example.com"))  # fmt: skip
        admin = Rest(http, live_server.url, ADMIN)
        try:
            assert (await agent.post("/me", {"operationName": "StartContactCenterSession"})).status == 200
            await agent.sync()
            await admin.ok("PUT", "/settings/agent-states", {"operationName": "OutToLunch", "displayName": "Lunch"})
            assert _channels(await agent.sync()) == []
        finally:
            await agent.close()


async def test_removing_the_last_chat_queue_takes_the_chat_channel_away_and_says_so(live_server):
    async with aiohttp.ClientSession() as http:
        agent = await open_desktop(live_server.url, live_server.bayeux, http, "agent1@example.com",
                                   live_server.user_id("agent1@example.com"))  # fmt: skip
        admin = Rest(http, live_server.url, ADMIN)
        try:
            queues = (await admin.ok("GET", "/queues?fields=*"))["queues"]
            chat = next(queue for queue in queues if queue["channel"] == "chat")
            await admin.ok("DELETE", f"/queues/{chat['id']}")
            told = _channels(await agent.sync())
            assert told and "chat" not in {channel["channel"] for channel in told[-1]}, told
            assert "email" in {channel["channel"] for channel in told[-1]}
            listed = await agent.get("/me/channels?fields=*")
            assert "chat" not in {channel["channel"] for channel in listed["channels"]}
        finally:
            await agent.close()
