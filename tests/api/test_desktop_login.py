"""What desktops written for real servers ask at login and on a call: the `/me` subresources, trailing
slashes, the server version, a DN's T-Server settings, and the transfer dialog's contact search."""

from __future__ import annotations

import aiohttp
import pytest
from conftest import start_server
from rest_client import ADMIN, AGENT1, AGENT2, Rest, id_of, serving

from simulator.center_file import load_default, parse
from simulator.core.site import SiteOptions

LOGIN = "features,devices,channels,settings"


async def test_the_login_request_of_real_desktops(rest):
    me = (await rest(AGENT1).ok("GET", "/me", subresources=LOGIN))["user"]
    assert me["userName"] == AGENT1
    # where the user lives, as on /users/{id} (desktops follow it)
    assert me["path"] == f"/users/{me['id']}" and me["uri"] == rest(AGENT1).base + me["path"]
    assert {feature["id"] for feature in me["features"]} >= {"api-voice"}
    assert [device["phoneNumber"] for device in me["devices"]] == ["5001"]
    assert "voice" in {channel["channel"] for channel in me["channels"]}
    assert set(me["settings"]) == {"general-settings", "reporting", "agent-states"}
    assert any(state["operationName"] == "Ready" for state in me["settings"]["agent-states"])
    on_call = (await rest(AGENT1).ok("GET", "/me/", subresources=LOGIN + ",calls,interactions,chats"))["user"]
    assert (on_call["calls"], on_call["interactions"], on_call["chats"]) == ([], [], [])
    everything = (await rest(AGENT1).ok("GET", "/me", subresources="*"))["user"]
    assert {"skills", "devices", "channels", "features", "settings", "calls", "interactions", "chats"} <= set(
        everything
    )


async def test_every_path_takes_a_trailing_slash(rest):
    agent = rest(AGENT1)
    assert (await agent.ok("GET", "/me/devices/"))["uris"]
    await agent.ok("POST", "/me/", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
    await agent.ok("POST", "/me/channels/voice/", {"operationName": "Ready"})
    assert (await agent.ok("GET", "/me/channels/voice/"))["channel"]["userState"]["state"] == "Ready"
    assert (await agent.get("/nothing/")).status == 404


async def test_every_documented_path_answers_the_same_with_a_trailing_slash(rest):
    """Each GET of the OpenAPI document without a path parameter, the control API's included."""
    admin = rest(ADMIN)
    document = (await admin.get("/openapi.json")).body
    server = admin.base.removesuffix("/api/v2")
    paths = [path for path, item in document["paths"].items() if "get" in item and "{" not in path]
    assert "/sim/journal" in paths and "/api/v2/me" in paths
    for path in paths:
        plain, slashed = await admin.get(server + path), await admin.get(server + path + "/")
        assert (slashed.status, slashed.body.get("statusCode")) == (plain.status, plain.body.get("statusCode")), path


async def test_calls_are_a_subresource_of_me_and_contacts_show_availability(rest):
    agent, other = rest(AGENT1), rest(AGENT2)

    async def availability(user: str) -> str:
        contacts = (await agent.ok("GET", "/contacts", fields="*", userName=user))["contacts"]
        return contacts[0]["availability"]

    assert await availability(AGENT1) == "Offline"
    await agent.ok("POST", "/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
    assert await availability(AGENT1) == "NotAvailable"
    await agent.ok("POST", "/me/channels/voice", {"operationName": "Ready"})
    assert await availability(AGENT1) == "Available"
    await other.ok("POST", "/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
    device = id_of((await agent.ok("GET", "/me/devices"))["uris"][0])
    await agent.ok("POST", f"/devices/{device}/calls", {"operationName": "Dial", "destination": "5002"})
    assert await availability(AGENT1) == "Busy"
    busy = (await agent.ok("GET", "/contacts", fields="userName", availability="Busy"))["contacts"]
    assert {contact["userName"] for contact in busy} == {AGENT1, AGENT2}  # the caller and the ringing agent
    ordered = (await agent.ok("GET", "/contacts", fields="*", sortBy="availability"))["contacts"]
    states = [contact["availability"] for contact in ordered]
    assert "Busy" in states and states == sorted(states, key=str.lower)
    calls = (await agent.ok("GET", "/me", subresources="calls"))["user"]["calls"]
    assert len(calls) == 1 and calls[0]["state"] == "Dialing"
    assert calls == (await agent.ok("GET", "/me/calls", fields="*"))["calls"]


async def test_the_transfer_dialog_searches_sorts_and_pages_contacts(rest):
    agent = rest(AGENT1)
    everyone = (await agent.ok("GET", "/contacts", fields="*"))["contacts"]
    query = {"fields": "*", "includeUsersInBusinessUnits": "true", "searchTerm": "agent", "sortBy": "name",
             "order": "Descending", "limit": "2", "offset": "1"}  # fmt: skip
    page = await agent.ok("GET", "/contacts", **query)
    found = sorted((c for c in everyone if "agent" in (c["name"] + c.get("userName", "")).lower()),
                   key=lambda c: c["name"].lower(), reverse=True)  # fmt: skip
    assert [c["id"] for c in page["contacts"]] == [c["id"] for c in found[1:3]]
    assert page["totalCount"] == len(found)
    for contact in page["contacts"]:
        assert all(set(number) == {"phoneNumber", "description", "switchName"} for number in contact["phoneNumbers"])
    for bad, field in (
        ({"sortBy": "shoeSize"}, "sortBy"),
        ({"limit": "-1"}, "limit"),
        ({"colour": "red"}, "colour"),
        ({"order": "sideways"}, "order"),  # also without sortBy: nothing is taken silently
        ({"sortBy": "name", "sortOrder": "up"}, "order"),
    ):
        reply = await agent.get("/contacts", **bad)
        assert (reply.status, reply.code) == (400, 2) and field in reply.message


@pytest.mark.parametrize(("profile", "version"), [("8.5.1", "8.5.100.00"), ("8.5.2", "8.5.202.96")])
async def test_the_server_version(profile, version):
    center = load_default()
    center.site = SiteOptions(profile=profile)
    runner, server = await start_server(center=center)
    try:
        async with aiohttp.ClientSession() as http:
            reply = await Rest(http, server.url, AGENT1).get("/diagnostics/version")
    finally:
        await runner.cleanup()
    assert reply.status == 200 and reply.body == {"statusCode": 0, "version": version}


async def test_a_dns_tserver_settings_with_defaults_and_from_the_file(rest):
    device = id_of((await rest(AGENT1).ok("GET", "/me/devices"))["uris"][0])
    settings = (await rest(AGENT1).ok("GET", f"/devices/{device}/settings/tserver/"))["settings"]
    assert settings["phoneNumber"] == "5001" and settings["switchName"] == "SIP_Switch"
    assert settings["no-answer-timeout"] == "30" and all(isinstance(value, str) for value in settings.values())
    assert (await rest(ADMIN).get(f"/devices/{device}/settings/tserver")).status == 200
    refused = await rest(AGENT2).get(f"/devices/{device}/settings/tserver")
    assert (refused.status, refused.code) == (403, 5)
    center = parse(
        "users:\n  - {userName: a@example.com, password: p, devices: [{phoneNumber: '7001'}]}\n"
        "telephony:\n  tserver: {switchName: PBX_East, agent-logout-on-unregister: true}\n",
        "center.yaml",
    )
    async with serving(center) as url, aiohttp.ClientSession() as http:
        user = Rest(http, url, "a@example.com", "p")
        [device_uri] = (await user.ok("GET", "/me/devices"))["uris"]
        served = (await user.ok("GET", f"/devices/{id_of(device_uri)}/settings/tserver"))["settings"]
    assert served["switchName"] == "PBX_East" and served["agent-logout-on-unregister"] == "true"
    assert served["phoneNumber"] == "7001" and served["dnType"] == "Extension"  # a default the file left
