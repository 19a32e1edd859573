"""Recorded exchanges of a desktop written for real servers, in each release profile: the requests it
sends at login, on a call and on its channels, and every document it reads, checked field by field (keys
and value types) against the shapes written down in `desktop_shapes`.

The desktop is a browser's: Basic credentials on the first request, the cookie afterwards, CometD over
long-polling on the cookie. Every message comes from a connect sent right after the request that caused
it, so nothing is waited for by time.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from conftest import LiveServer, start_server
from desktop_shapes import (
    ACCESS_DENIED,
    CHANNEL_MESSAGE,
    CONTACT,
    DEVICE,
    DEVICE_MESSAGE,
    LOGGED_OUT,
    LOGIN_USER,
    PASSWORD_MESSAGE,
    PROFILES,
    TSERVER,
    VERSION,
    call,
    call_message,
    check,
)
from rest_client import ADMIN, AGENT1, AGENT2, basic

from simulator.center_file import load_default
from simulator.core.site import SiteOptions
from simulator.core.voice import VirtualClock

CUSTOMER = "+14155550100"
CALLS, DEVICES, CHANNELS, ME = "/v2/me/calls", "/v2/me/devices", "/v2/me/channels", "/v2/me"


@dataclass
class Desktop:
    """One browser desktop: a cookie jar, and a long-polling CometD session on that cookie."""

    server: LiveServer
    http: aiohttp.ClientSession
    client_id: str = ""
    unread: list[dict[str, Any]] = field(default_factory=list)

    async def rest(self, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, dict]:
        async with self.http.request(method, f"{self.server.url}/api/v2{path}", json=body, headers=headers) as r:
            return r.status, await r.json()

    async def ok(self, method: str, path: str, body: Any = None, **headers: str) -> dict:
        status, answer = await self.rest(method, path, body, **headers)
        assert status == 200 and answer["statusCode"] == 0, (method, path, answer)
        return answer

    async def bayeux(self, *messages: dict[str, Any]) -> list[dict[str, Any]]:
        async with self.http.post(self.server.notifications_url, json=list(messages)) as response:
            assert response.status == 200
            return await response.json()

    async def connect(self) -> None:
        """Follow the topics: handshake on the cookie, subscribe, and the first connect."""
        [reply] = await self.bayeux({"channel": "/meta/handshake", "version": "1.0",
                                     "supportedConnectionTypes": ["long-polling"]})  # fmt: skip
        assert reply["successful"] is True, reply
        self.client_id = reply["clientId"]
        for topic in (CALLS, DEVICES, CHANNELS, ME):
            [subscribed] = await self.bayeux(
                {"channel": "/meta/subscribe", "clientId": self.client_id, "subscription": topic}
            )
            assert subscribed["successful"] is True
        await self.messages()

    async def messages(self, topic: str | None = None) -> list[dict[str, Any]]:
        """The data of every message delivered since the last call (of one topic; the others are kept)."""
        replies = await self.bayeux({"channel": "/meta/connect", "clientId": self.client_id,
                                     "connectionType": "long-polling", "advice": {"timeout": 0}})  # fmt: skip
        assert replies[-1]["successful"] is True
        self.unread += [reply for reply in replies if not reply["channel"].startswith("/meta/")]
        taken = [message for message in self.unread if topic is None or message["channel"] == topic]
        self.unread = [message for message in self.unread if message not in taken]
        return [message["data"] for message in taken]


@pytest.fixture(params=PROFILES)
async def profile(request) -> str:
    return request.param


@pytest.fixture
async def server(profile: str) -> AsyncIterator[LiveServer]:
    center = load_default()
    center.site = SiteOptions(profile=profile)
    runner, live = await start_server(center=center, clock=VirtualClock())
    yield live
    await runner.cleanup()


@pytest.fixture
async def desktop(server: LiveServer) -> AsyncIterator[Desktop]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield Desktop(server, http)


async def logged_in(desktop: Desktop) -> None:
    await desktop.ok("GET", "/me?subresources=features,devices,channels,settings", **basic(AGENT1))
    await desktop.connect()
    await desktop.ok("POST", "/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
    await desktop.ok("POST", "/me/channels/voice", {"operationName": "Ready"})
    await desktop.messages()


async def as_admin(server: LiveServer, method: str, path: str, body: Any = None) -> dict:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{server.url}{path}", json=body, headers=basic(ADMIN)) as response,
    ):
        answer = await response.json()
        assert response.status == 200, answer
        return answer


async def test_login(desktop: Desktop, profile: str):
    status, refused = await desktop.rest("GET", "/me")
    assert (status, refused["statusCode"]) == ACCESS_DENIED[profile]
    async with desktop.http.get(f"{desktop.server.url}/api/v2/me") as response:
        assert ("WWW-Authenticate" in response.headers) == (profile == "8.5.1")
    me = (await desktop.ok("GET", "/me/?subresources=features,devices,channels,settings", **basic(AGENT1)))["user"]
    check(me, LOGIN_USER, "user")
    [device] = me["devices"]
    assert device["userState"]["state"] == LOGGED_OUT[profile]
    assert device["deviceState"] == {"8.5.1": "Inactive", "8.5.2": "Active"}[profile]
    assert {channel["userState"]["state"] for channel in me["channels"]} == {LOGGED_OUT[profile]}
    check(await desktop.ok("GET", "/diagnostics/version"), VERSION)
    check(await desktop.ok("GET", f"/devices/{device['id']}/settings/tserver"), TSERVER)
    contacts = await desktop.ok(
        "GET", "/contacts?fields=*&includeUsersInBusinessUnits=true&searchTerm=a&sortBy=name&limit=50&offset=0"
    )
    assert contacts["contacts"]
    for index, contact in enumerate(contacts["contacts"]):
        check(contact, CONTACT, f"contacts[{index}]")
    await desktop.connect()
    await desktop.ok("POST", "/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
    [devices] = await desktop.messages(DEVICES)
    check(devices, DEVICE_MESSAGE, "DeviceStateChangeMessage")
    assert devices["devices"][0]["userState"]["state"] == "NotReady"
    [channels] = await desktop.messages(CHANNELS)
    check(channels, CHANNEL_MESSAGE, "channels message")
    for index, listed in enumerate((await desktop.ok("GET", "/me/devices?fields=*"))["devices"]):
        check(listed, DEVICE, f"devices[{index}]")


async def test_an_inbound_call_a_conference_and_the_hang_up(desktop: Desktop, server: LiveServer, profile: str):
    await logged_in(desktop)
    async with aiohttp.ClientSession() as other:  # a second agent, Ready, to join the conference
        for path, operation in (("/me", "StartContactCenterSession"), ("/me/channels/voice", "Ready")):
            async with other.post(f"{server.url}/api/v2{path}", json={"operationName": operation},
                                  headers=basic(AGENT2)) as response:  # fmt: skip
                assert response.status == 200
        await as_admin(server, "POST", "/sim/calls", {"from": CUSTOMER, "to": "5001"})
        [ringing] = await desktop.messages(CALLS)
        check(ringing, call_message(profile), "Ringing")
        leg = ringing["call"]
        assert leg["state"] == "Ringing" and leg["ani"] == CUSTOMER
        if profile == "8.5.2":
            assert leg["id"] == leg["callUuid"] != leg["connId"]
            assert leg["participants"][0]["phoneNumber"] == CUSTOMER
        else:
            assert leg["id"] == leg["connId"] != leg["callUuid"]
            assert leg["participants"] == [CUSTOMER]
        assert leg["uri"].endswith(f"/api/v2/me/calls/{leg['id']}") and leg["path"] == f"/me/calls/{leg['id']}"
        listed = (await desktop.ok("GET", "/me/calls?fields=*"))["calls"]
        for index, document in enumerate(listed):
            check(document, call(profile), f"calls[{index}]")
        check((await desktop.ok("GET", f"/me/calls/{leg['id']}"))["call"], call(profile), "call")

        await desktop.ok("POST", f"/me/calls/{leg['id']}", {"operationName": "Answer"})
        [established] = await desktop.messages(CALLS)
        check(established, call_message(profile), "Established")
        assert "Hangup" in established["call"]["capabilities"]

        await desktop.ok("POST", f"/me/calls/{leg['id']}", {"operationName": "SingleStepConference",
                                                            "destination": "5002"})  # fmt: skip
        async with other.get(f"{server.url}/api/v2/me/calls?fields=*", headers=basic(AGENT2)) as response:
            [offered] = (await response.json())["calls"]
        async with other.post(f"{server.url}/api/v2/me/calls/{offered['id']}", json={"operationName": "Answer"},
                              headers=basic(AGENT2)) as response:  # fmt: skip
            assert response.status == 200
        updates = await desktop.messages(CALLS)
        for index, message in enumerate(updates):
            check(message, call_message(profile), f"conference message {index}")
        three_way = updates[-1]["call"]
        assert len(three_way["participants"]) == 2
        numbers = [p["phoneNumber"] if profile == "8.5.2" else p for p in three_way["participants"]]
        assert sorted(numbers) == sorted([CUSTOMER, "5002"])
        assert len(three_way["participantsInfo"]) == 2

        await desktop.ok("POST", f"/me/calls/{leg['id']}", {"operationName": "Hangup"})
        released = await desktop.messages(CALLS)
        check(released[-1], call_message(profile), "Released")
        assert released[-1]["call"]["state"] == "Released"


async def test_channels_and_the_users_own_topic(desktop: Desktop, profile: str):
    await logged_in(desktop)
    await desktop.ok("POST", "/me/channels/voice", {"operationName": "NotReady"})
    await desktop.ok("POST", "/me", {"operationName": "EndContactCenterSession"})
    messages = await desktop.messages(CHANNELS)
    assert messages
    for index, message in enumerate(messages):
        check(message, CHANNEL_MESSAGE, f"channels message {index}")
    assert messages[-1]["channels"][0]["userState"]["state"] == LOGGED_OUT[profile]
    [device] = (await desktop.messages(DEVICES))[-1]["devices"]
    assert device["userState"]["state"] == LOGGED_OUT[profile]
    wrong = base64.b64encode(b"not-mine").decode()
    status, _ = await desktop.rest("POST", "/me", {"operationName": "ChangePassword", "oldPassword": wrong,
                                                   "newPassword": wrong})  # fmt: skip
    assert status == 400
    [error] = await desktop.messages(ME)
    check(error, PASSWORD_MESSAGE, "/v2/me")
    assert error["notificationType"] == "PasswordChangeError"


async def test_a_consultation_transfer_by_the_ids_and_uris_the_desktop_read(desktop: Desktop, server: LiveServer,
                                                                            profile: str):  # fmt: skip
    """The ids a desktop sends back are the ones it read (8.5.2: callUuids), in the path and in consultCallUri."""
    await logged_in(desktop)
    async with aiohttp.ClientSession() as other:
        for path, operation in (("/me", "StartContactCenterSession"), ("/me/channels/voice", "Ready")):
            async with other.post(f"{server.url}/api/v2{path}", json={"operationName": operation},
                                  headers=basic(AGENT2)) as response:  # fmt: skip
                assert response.status == 200
        await as_admin(server, "POST", "/sim/calls", {"from": CUSTOMER, "to": "5001"})
        [ringing] = await desktop.messages(CALLS)
        first = ringing["call"]
        await desktop.ok("POST", f"/me/calls/{first['id']}", {"operationName": "Answer"})
        await desktop.ok("POST", f"/me/calls/{first['id']}", {"operationName": "InitiateTransfer",
                                                             "destination": "5002"})  # fmt: skip
        consult = next(m["call"] for m in await desktop.messages(CALLS) if m["call"]["callType"] == "Consult")
        async with other.get(f"{server.url}/api/v2/me/calls?fields=*", headers=basic(AGENT2)) as response:
            [offered] = (await response.json())["calls"]
        async with other.post(f"{server.url}/api/v2/me/calls/{offered['id']}", json={"operationName": "Answer"},
                              headers=basic(AGENT2)) as response:  # fmt: skip
            assert response.status == 200
        await desktop.messages(CALLS)
        await desktop.ok("POST", f"/me/calls/{first['id']}", {"operationName": "CompleteTransfer",
                                                             "consultCallUri": consult["uri"]})  # fmt: skip
        assert (await desktop.ok("GET", "/me/calls"))["uris"] == []
        async with other.get(f"{server.url}/api/v2/me/calls?fields=*", headers=basic(AGENT2)) as response:
            [transferred] = (await response.json())["calls"]
        check(transferred, call(profile), "the transferred call")
        assert transferred["callUuid"] == first["callUuid"]
