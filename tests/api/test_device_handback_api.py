"""A device an admin takes from a Ready agent over REST logs out: the agent is told on /v2/me/devices, the
Statistics API stops counting them ready, and the next agent given the device finds it logged out."""

from __future__ import annotations

import aiohttp
from desktop import open_desktop
from rest_client import ADMIN, AGENT1, SUPERVISOR, Rest

from simulator.api.keys import CENTER
from simulator.core.voice import VirtualClock

AGENT2 = "agent2@example.com"


def _devices(messages: list[dict]) -> list[dict]:
    return [device for message in messages if message["channel"] == "/v2/me/devices"
            for device in message["data"]["devices"]]  # fmt: skip


async def test_an_unassigned_device_logs_out_its_agent_is_told_and_stops_counting_as_ready(serve) -> None:
    server = await serve(clock=VirtualClock())
    sales = server.app[CENTER].skill_named("Sales")
    assert sales is not None
    async with aiohttp.ClientSession() as http:
        admin, supervisor = Rest(http, server.url, ADMIN), Rest(http, server.url, SUPERVISOR)
        agent = await open_desktop(server.url, server.bayeux, http, AGENT1, server.user_id(AGENT1))
        try:
            await agent.rest.ok("POST", "/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
            await agent.rest.ok("POST", "/me/channels/voice", {"operationName": "Ready"})
            await admin.ok("POST", f"{server.url}/sim/clock", {"advance": 10})

            async def ready_agents() -> float:
                body = await supervisor.ok("GET", f"{server.url}/api/v1/stats/{sales.id}/CurrentReadyAgents")
                return body["statistics"][0]["values"][0]["value"]

            assert await ready_agents() == 1
            device_id = await agent.device_id()
            await agent.sync()
            await admin.ok("DELETE", f"/users/{agent.user_id}/devices/{device_id}")
            told = [device for device in _devices(await agent.sync()) if device["id"] == device_id]
            assert told and told[-1]["userState"]["state"] == "Logout", told
            assert told[-1]["deviceState"] == "Inactive"
            await admin.ok("POST", f"{server.url}/sim/clock", {"advance": 10})
            assert await ready_agents() == 0

            await admin.ok("POST", f"/users/{server.user_id(AGENT2)}/devices", {"id": device_id})
            other = Rest(http, server.url, AGENT2)
            devices = (await other.ok("GET", "/me/devices?fields=*"))["devices"]
            [taken] = [device for device in devices if device["id"] == device_id]
            assert taken["userState"]["state"] == "Logout" and taken["deviceState"] == "Inactive"
        finally:
            await agent.close()


async def test_a_session_started_again_on_me_logs_in_a_device_assigned_since(serve) -> None:
    server = await serve()
    async with aiohttp.ClientSession() as http:
        admin, agent = Rest(http, server.url, ADMIN), Rest(http, server.url, AGENT1)
        await agent.ok("POST", "/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
        await agent.ok("POST", "/me", {"operationName": "Ready"})
        added = await admin.ok("POST", f"/users/{server.user_id(AGENT1)}/devices", {"phoneNumber": "5077"})
        await agent.ok("POST", "/me", {"operationName": "StartContactCenterSession"})
        devices = (await agent.ok("GET", "/me/devices", fields="*"))["devices"]
        states = {device["id"]: device["userState"]["state"] for device in devices}
        assert states[added["id"]] == "NotReady" and sorted(states.values()) == ["NotReady", "Ready"], states
        channels = (await agent.ok("GET", "/me/channels", fields="*"))["channels"]
        assert {channel["channel"]: channel["userState"]["state"] for channel in channels}["chat"] == "NotReady"
        again = await agent.post("/me", {"operationName": "StartContactCenterSession"})
        assert again.code == 2, again.body
