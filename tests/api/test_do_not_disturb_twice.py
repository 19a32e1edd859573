"""Do Not Disturb asked twice is refused alike on a device and on a chat or e-mail channel: 2 naming the
state, as the device's capabilities (which stop offering it) say; /me is refused only when every device
and channel already is as asked."""

from __future__ import annotations

import aiohttp
import pytest
from rest_client import ADMIN, AGENT1, Rest


@pytest.mark.parametrize("path", ["/me/channels/chat", "/me/channels/email", "/me/channels/voice", "device"])
async def test_do_not_disturb_on_twice_is_refused_with_2_on_every_kind_of_channel(serve, path: str) -> None:
    server = await serve()
    async with aiohttp.ClientSession() as http:
        agent = Rest(http, server.url, AGENT1)
        if path == "device":
            device = (await agent.ok("GET", "/me/devices", fields="*"))["devices"][0]
            assert "DoNotDisturbOn" in device["capabilities"]
            path = f"/devices/{device['id']}"
        await agent.ok("POST", path, {"operationName": "DoNotDisturbOn"})
        twice = await agent.post(path, {"operationName": "DoNotDisturbOn"})
        assert twice.code == 2 and "doNotDisturb On" in twice.message, twice.body
        off = await agent.post(path, {"operationName": "DoNotDisturbOff"})
        assert off.code == 0
        again = await agent.post(path, {"operationName": "DoNotDisturbOff"})
        assert again.code == 2 and "doNotDisturb Off" in again.message, again.body


async def test_do_not_disturb_on_me_is_refused_only_once_every_device_and_channel_has_it(serve) -> None:
    server = await serve()
    async with aiohttp.ClientSession() as http:
        agent = Rest(http, server.url, AGENT1)
        await agent.ok("POST", "/me/channels/chat", {"operationName": "DoNotDisturbOn"})
        await agent.ok("POST", "/me", {"operationName": "DoNotDisturbOn"})  # the device and e-mail are not yet
        channels = (await agent.ok("GET", "/me/channels", fields="*"))["channels"]
        assert {channel["channel"]: channel["dndState"] for channel in channels} == dict.fromkeys(
            ("voice", "chat", "email"), "On"
        )
        assert (await agent.post("/me", {"operationName": "DoNotDisturbOn"})).code == 2


async def test_an_agent_without_a_device_is_refused_on_me_once_no_channel_would_change(serve) -> None:
    """The chat and e-mail channels alone decide: Do Not Disturb or a session asked twice, or an agent state
    while logged out, answers 2 on /me as on /me/channels/chat, and changes nothing."""
    server = await serve()
    async with aiohttp.ClientSession() as http:
        admin = Rest(http, server.url, ADMIN)
        await admin.ok("POST", "/users", {"userName": "new@example.com", "password": "pw", "roles": ["ROLE_AGENT"]})
        agent = Rest(http, server.url, "new@example.com", "pw")
        for operation in ("Ready", "EndContactCenterSession", "StartContactCenterSession", "DoNotDisturbOn"):
            if operation in ("StartContactCenterSession", "DoNotDisturbOn"):
                await agent.ok("POST", "/me", {"operationName": operation})
            before = (await agent.ok("GET", "/me/channels", fields="*"))["channels"]
            on_me = await agent.post("/me", {"operationName": operation})
            on_chat = await agent.post("/me/channels/chat", {"operationName": operation})
            assert (on_me.code, on_chat.code) == (2, 2), (operation, on_me.body, on_chat.body)
            assert (await agent.ok("GET", "/me/channels", fields="*"))["channels"] == before
