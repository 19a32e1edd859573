"""Contact-center sessions over real HTTP: `StartContactCenterSession` at a `place` takes the place's
devices (refused while one is another user's), `EndContactCenterSession` ends every channel and gives the
place back, and a user who must change their password on first login can do nothing else first."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from conftest import start_server
from rest_client import ADMIN, AGENT1, AGENT2, Rest

from simulator.center_file import load_default, parse

START = {"operationName": "StartContactCenterSession"}
END = {"operationName": "EndContactCenterSession"}


@pytest.fixture
async def rest() -> AsyncIterator[Callable[[str], Rest]]:
    runner, server = await start_server()
    try:
        async with aiohttp.ClientSession() as http:
            yield lambda user, password="password": Rest(http, server.url, user, password)
    finally:
        await runner.cleanup()


async def numbers(agent: Rest) -> list[str]:
    return sorted(device["phoneNumber"] for device in (await agent.ok("GET", "/me/devices", fields="*"))["devices"])


async def test_a_session_at_a_place_takes_its_devices_until_it_ends(rest):
    a1, a2 = rest(AGENT1), rest(AGENT2)
    await a1.ok("POST", "/me", {**START, "place": "Spare desk"})
    assert await numbers(a1) == ["5001", "5010"]
    devices = (await a1.ok("GET", "/me/devices", fields="*"))["devices"]
    assert {device["userState"]["state"] for device in devices} == {"NotReady"}  # logged in on both

    refused = await a2.post("/me", {**START, "place": "Spare desk"})
    assert (refused.status, refused.code) == (400, 2)
    assert "place 'Spare desk' is in use: device 5010 is agent1@example.com's" in refused.message
    assert await numbers(a2) == ["5002"]
    assert (await a2.ok("GET", "/me/channels", fields="*"))["channels"][0]["userState"]["state"] == "Logout"

    await a1.ok("POST", "/me", END)
    assert await numbers(a1) == ["5001"]
    channels = (await a1.ok("GET", "/me/channels", fields="*"))["channels"]
    assert {channel["userState"]["state"] for channel in channels} == {"Logout"}  # every channel ended
    await a2.ok("POST", "/me", {**START, "place": "Spare desk"})
    assert await numbers(a2) == ["5002", "5010"]


async def test_an_unknown_place_or_a_wrong_type_names_the_place(rest):
    a1 = rest(AGENT1)
    for place, named in (("Attic", "place 'Attic' is not a place of the contact center (places: Spare desk)"),
                         (7, "place must be a string")):  # fmt: skip
        refused = await a1.post("/me", {**START, "place": place})
        assert (refused.status, refused.code) == (400, 2) and named in refused.message
    assert await numbers(a1) == ["5001"]


async def test_a_session_refused_gives_the_place_back(rest):
    a1 = rest(AGENT1)
    refused = await a1.post("/me", {**START, "place": "Spare desk", "channels": ["fax"]})
    assert refused.code == 2 and "channels[0]" in refused.message
    await a1.ok("POST", "/me", START)
    refused = await a1.post("/me", {**START, "place": "Spare desk"})  # already in a session
    assert refused.code == 2
    assert await numbers(a1) == ["5001"]
    assert (await rest(ADMIN).ok("GET", "/devices", fields="*", phoneNumber="5010"))["devices"][0].get(
        "userUri"
    ) is None


def test_places_in_the_contact_center_file_name_their_mistakes():
    from simulator.core.contact_center import ContactCenterError

    users = "users:\n  - {userName: a@example.com, password: p, devices: [{phoneNumber: '5001'}]}\n"
    center = parse(users + "places:\n  - {name: Desk 1, devices: ['5001']}\n", "center.yaml")
    assert [device_id for device_id in center.places["Desk 1"].device_ids] == list(center.devices)
    for places, expected in (
        ("  - {name: Desk 1, devices: ['5999']}\n", "devices[0] '5999' is not the number of a device"),
        ("  - {name: D, devices: ['5001']}\n  - {name: E, devices: ['5001']}\n", "'5001' is already at a place"),
        ("  - {name: D}\n  - {name: D}\n", "places[1].name: place with name 'D' already exists"),
        ("  - {name: D, phones: []}\n", "places[0].phones is not a known field"),
    ):
        with pytest.raises(ContactCenterError, match=expected.replace("[", r"\[").replace("]", r"\]")):
            parse(users + "places:\n" + places, "center.yaml")
    assert "Spare desk" in load_default().places


async def test_a_user_who_must_change_their_password_can_only_read_me_and_change_it(rest):
    admin = rest(ADMIN)
    created = await admin.ok(
        "POST",
        "/users",
        {
            "userName": "new@example.com",
            "password": "first",
            "changePasswordOnFirstLogin": True,
            "roles": ["ROLE_AGENT"],
        },  # fmt: skip
    )
    new = rest("new@example.com", "first")
    me = (await new.ok("GET", "/me"))["user"]
    assert me["changePasswordOnFirstLogin"] is True
    for method, path, body in (("GET", "/me/channels", None), ("GET", "/users", None), ("POST", "/me", START)):
        refused = await new.request(method, path, json=body)
        assert (refused.status, refused.code) == (403, 3), (method, path)
        assert "must change their password first" in refused.message and "ChangePassword" in refused.message
    change = {
        "operationName": "ChangePassword",
        "oldPassword": base64.b64encode(b"first").decode(),
        "newPassword": base64.b64encode(b"second").decode(),
    }
    await new.request("POST", "/me?firstLogin=true", json=change)
    changed = rest("new@example.com", "second")
    assert (await changed.ok("GET", f"/users/{created['id']}"))["user"]["changePasswordOnFirstLogin"] is False
    await changed.ok("GET", "/me/channels")
    await changed.ok("POST", "/me", {**START, "place": "Spare desk"})  # a user with no device of their own
    assert await numbers(changed) == ["5010"]
