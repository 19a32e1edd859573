"""Calls, agent states and the control API over real HTTP, watched by real CometD clients (aiocometd-ng).

Each test drives the simulator only through its public API (REST as agents, /sim as the admin) on a
virtual clock, and checks the full notification documents each agent receives against the shapes of the
reference's examples, that GETs show the same documents, that no agent receives another's messages and
that a refused operation changes nothing and tells nobody anything.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from conftest import LiveServer, start_server
from desktop import DEVICE_VOICE_KEYS, Desktop, check_call_message, open_desktop, same_call
from rest_client import ADMIN, AGENT1, AGENT2, AGENT3, SUPERVISOR, Reply, Rest

import bayeux
from simulator.app import create_app
from simulator.center_file import load_default, parse
from simulator.core.contact_center import ContactCenter
from simulator.core.voice import RemoteRule, VirtualClock, VoiceOptions

pytestmark = pytest.mark.interop

CUSTOMER = "+15550100"
REMOTE = "+15550200"


@dataclass
class Office:
    """Three agents at their desktops, and the admin driving the world through /sim."""

    server: LiveServer
    admin: Rest
    a1: Desktop
    a2: Desktop
    a3: Desktop

    @property
    def desktops(self) -> tuple[Desktop, ...]:
        return (self.a1, self.a2, self.a3)

    async def sim(self, method: str, path: str, body: Any = None) -> Reply:
        return await self.admin.request(method, f"{self.server.url}/sim{path}", json=body)

    async def advance(self, seconds: float) -> None:
        reply = await self.sim("POST", "/clock", {"advance": seconds})
        assert reply.code == 0, reply.body

    async def logged_in(self, *desktops: Desktop) -> None:
        for desktop in desktops:
            assert (
                await desktop.post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
            ).code == 0
            assert (await desktop.post("/me", {"operationName": "Ready"})).code == 0
            await desktop.sync()

    async def quiet(self, *desktops: Desktop) -> None:
        """Nothing was sent to these agents since their last sync."""
        for desktop in desktops:
            assert await desktop.sync() == []


@pytest.fixture
async def office() -> AsyncIterator[Office]:
    async with serving(load_default()) as office:
        yield office


@asynccontextmanager
async def serving(center: ContactCenter) -> AsyncIterator[Office]:
    """`center` served on a virtual clock, with agents 1-3 at their desktops."""
    runner, server = await start_server(clock=VirtualClock(), center=center)
    desktops: list[Desktop] = []
    try:
        async with aiohttp.ClientSession() as http:
            for user in (AGENT1, AGENT2, AGENT3):
                desktops.append(await open_desktop(server.url, server.bayeux, http, user, server.user_id(user)))
            yield Office(server, Rest(http, server.url, ADMIN), *desktops)
    finally:
        for desktop in desktops:
            await desktop.close()
        await runner.cleanup()


def number_of(desktop: Desktop) -> str:
    return {AGENT1: "5001", AGENT2: "5002", AGENT3: "5003"}[desktop.user]


async def dial(desktop: Desktop, destination: str, **extra: Any) -> str:
    device = await desktop.device_id()
    reply = await desktop.post(
        f"/devices/{device}/calls", {"operationName": "Dial", "destination": destination, **extra}
    )
    assert reply.code == 0, reply.body
    return reply.body["id"]


async def op(desktop: Desktop, call_id: str, name: str, **params: Any) -> Reply:
    return await desktop.post(f"/me/calls/{call_id}", {"operationName": name, **params})


async def ok(desktop: Desktop, call_id: str, name: str, **params: Any) -> None:
    reply = await op(desktop, call_id, name, **params)
    assert reply.code == 0, (name, reply.body)


async def agrees_with_get(desktop: Desktop, last: dict[str, Any]) -> None:
    """GET /me/calls/{id} and /me/calls?fields=* show the document the last notification carried."""
    one = (await desktop.get(f"/me/calls/{last['id']}"))["call"]
    assert same_call(one, last)
    listed = [call for call in await desktop.my_calls() if call["id"] == last["id"]]
    assert len(listed) == 1 and same_call(listed[0], last)


async def connected(office: Office, caller: Desktop, callee: Desktop) -> str:
    """An internal call from caller to callee, answered; both agents' messages consumed."""
    call_id = await dial(caller, number_of(callee))
    await ok(callee, call_id, "Answer")
    await caller.sync()
    await callee.sync()
    return call_id


# --------------------------------------------------------------------------- dialing out


async def test_dial_out_the_remote_answers_then_the_agent_hangs_up(office: Office):
    a1, a2 = office.a1, office.a2
    await office.logged_in(a1)
    call_id = await dial(a1, REMOTE, userData={"case": "42"})
    [dialing] = await a1.calls()
    call = check_call_message(dialing, "StatusChange")
    assert dialing["phoneNumber"] == "5001"
    assert (call["id"], call["state"], call["callType"]) == (call_id, "Dialing", "Outbound")
    assert call["participants"] == [REMOTE] and call["ani"] == "5001" and call["dnis"] == REMOTE
    assert call["userData"] == {"case": "42"}
    assert set(call["capabilities"]) == {
        "Hangup",
        "SendDtmf",
        "AttachUserData",
        "UpdateUserData",
        "DeleteUserData",
        "DeleteUserDataPair",
    }
    assert call["participantsInfo"][0]["country"] == {"name": "United States", "code": "US", "callingCode": "1"}
    await agrees_with_get(a1, call)
    assert (await a1.get("/me/calls"))["uris"] == [call["uri"]]

    await office.advance(2)
    [established] = await a1.calls()
    call = check_call_message(established, "StatusChange")
    assert call["state"] == "Established" and {"Hold", "Hangup", "InitiateTransfer", "StartCallRecording"} <= set(
        call["capabilities"]
    )
    await agrees_with_get(a1, call)

    await ok(a1, call_id, "Hangup")
    [released] = await a1.calls()
    assert check_call_message(released, "StatusChange")["state"] == "Released"
    assert released["call"]["capabilities"] == []
    assert await a1.my_calls() == []
    assert (await a1.rest.get(f"/me/calls/{call_id}")).code == 6
    await office.quiet(a2, office.a3)


async def test_a_busy_number_fails_the_dial_with_the_reference_error_fields(office: Office):
    a1, a2 = office.a1, office.a2
    assert (await a2.post("/me", {"operationName": "DoNotDisturbOn"})).code == 0
    await a2.sync()
    call_id = await dial(a1, "5002")
    [dialing] = await a1.calls()
    assert check_call_message(dialing, "StatusChange")["state"] == "Dialing"
    await office.advance(1)
    failed, released = await a1.calls()
    assert set(failed) == {"messageType", "notificationType", "phoneNumber", "errorMessage", "deviceUri",
                           "connectionId", "callUuid", "call", "extensions", "metrics"}  # fmt: skip
    assert failed["connectionId"] == call_id and failed["callUuid"] == dialing["call"]["callUuid"]
    assert failed["errorMessage"] == "Busy: 5002" and failed["deviceUri"] == dialing["call"]["deviceUri"]
    assert check_call_message(released, "StatusChange")["state"] == "Released"
    await office.quiet(a2)


# --------------------------------------------------------------------------- an internal call, both ends


async def test_an_internal_call_rings_is_answered_and_both_ends_agree(office: Office):
    a1, a2, a3 = office.desktops
    device = await a1.device_id()  # some desktops dial on /me/devices/{id}/calls, others on /devices/{id}/calls
    reply = await a1.post(
        f"/me/devices/{device}/calls", {"operationName": "Dial", "destination": {"phoneNumber": "5002"}}
    )
    assert reply.code == 0 and reply.body["uri"].endswith(f"/api/v2/me/calls/{reply.body['id']}")
    call_id = reply.body["id"]
    [dialing] = await a1.calls()
    [ringing] = await a2.calls()
    assert check_call_message(dialing, "StatusChange")["state"] == "Dialing"
    call = check_call_message(ringing, "StatusChange")
    assert (call["state"], call["callType"], call["participants"], ringing["phoneNumber"]) == (
        "Ringing",
        "Internal",
        ["5001"],
        "5002",
    )
    assert {"Answer", "AttachUserData"} <= set(call["capabilities"]) and "Hold" not in call["capabilities"]
    assert call["id"] == call_id and call["callUuid"] == dialing["call"]["callUuid"]

    await ok(a2, call_id, "Answer")
    [caller] = await a1.calls()
    [callee] = await a2.calls()
    assert check_call_message(caller, "StatusChange")["state"] == "Established"
    assert check_call_message(callee, "StatusChange")["state"] == "Established"
    assert caller["call"]["participants"] == ["5002"] and callee["call"]["participants"] == ["5001"]
    await agrees_with_get(a1, caller["call"])
    await agrees_with_get(a2, callee["call"])
    await office.quiet(a3)


async def test_hold_retrieve_mute_and_dtmf(office: Office):
    a1, a2, a3 = office.desktops
    call_id = await connected(office, a1, a2)
    await ok(a1, call_id, "Hold")
    [held] = await a1.calls()
    call = check_call_message(held, "StatusChange")
    assert call["state"] == "Held" and "Retrieve" in call["capabilities"] and "Hold" not in call["capabilities"]
    assert await a2.calls() == []  # the other end's leg did not change
    await ok(a1, call_id, "Retrieve")
    [retrieved] = await a1.calls()
    assert check_call_message(retrieved, "StatusChange")["state"] == "Established"

    await ok(a1, call_id, "MuteCall")
    [muted] = await a1.calls()
    call = check_call_message(muted, "StatusChange")
    assert call["mute"] == "On" and "UnmuteCall" in call["capabilities"] and "MuteCall" not in call["capabilities"]
    await ok(a1, call_id, "UnmuteCall")
    [unmuted] = await a1.calls()
    assert check_call_message(unmuted, "StatusChange")["mute"] == "Off"

    await ok(a1, call_id, "SendDtmf", digits="12#")
    [dtmf] = await a1.calls()
    check_call_message(dtmf, "DtmfSent")
    assert dtmf["digits"] == "12#"
    await agrees_with_get(a1, dtmf["call"])
    await office.quiet(a3)


async def test_user_data_changes_reach_every_leg(office: Office):
    a1, a2, _ = office.desktops
    call_id = await connected(office, a1, a2)
    steps: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("AttachUserData", {"userData": {"a": "1", "b": "2"}}, {"a": "1", "b": "2"}),
        ("UpdateUserData", {"userData": {"a": "9"}}, {"a": "9", "b": "2"}),
        ("DeleteUserDataPair", {"key": "a"}, {"b": "2"}),
        ("DeleteUserData", {}, {}),
    ]
    for name, params, expected in steps:
        await ok(a1, call_id, name, **params)
        for desktop in (a1, a2):
            [changed] = await desktop.calls()
            assert check_call_message(changed, "AttachedDataChanged")["userData"] == expected, name
    reply = await op(a1, call_id, "DeleteUserDataPair", key="nope")
    assert reply.code == 1 and "key" in reply.message


async def test_recording_start_pause_resume_stop(office: Office):
    a1, a2, _ = office.desktops
    call_id = await connected(office, a1, a2)
    for name, state in (
        ("StartCallRecording", "Recording"),
        ("PauseCallRecording", "Paused"),
        ("ResumeCallRecording", "Recording"),
        ("StopCallRecording", "Stopped"),
    ):
        await ok(a1, call_id, name)
        [message] = await a1.calls()
        call = check_call_message(message, "CallRecordingStateChange")
        assert call["recordingState"] == state, name
        assert name not in call["capabilities"]
    assert "StartCallRecording" in call["capabilities"]
    reply = await op(a1, call_id, "PauseCallRecording")
    assert reply.code == 2 and "Stopped" in reply.message


# --------------------------------------------------------------------------- transfers and conferences


async def test_consultation_transfer(office: Office):
    a1, a2, a3 = office.desktops
    call_id = await connected(office, a1, a2)
    await ok(a1, call_id, "InitiateTransfer", destination={"phoneNumber": "5003"})
    messages = await a1.calls()
    held = next(m for m in messages if m["call"]["id"] == call_id)
    assert check_call_message(held, "StatusChange")["state"] == "Held"
    consult = next(m for m in messages if m["call"]["id"] != call_id)
    assert (consult["call"]["state"], consult["call"]["callType"]) == ("Dialing", "Consult")
    [ringing] = await a3.calls()
    assert ringing["call"]["state"] == "Ringing"
    await ok(a3, consult["call"]["id"], "Answer")
    await a1.sync()
    await a3.sync()
    await ok(a1, call_id, "CompleteTransfer", consultCallUri=consult["call"]["uri"])
    assert await a1.my_calls() == []
    [on_2] = await a2.my_calls()
    [on_3] = await a3.my_calls()
    assert on_2["id"] == call_id == on_3["id"]
    assert on_2["participants"] == ["5003"] and on_3["participants"] == ["5002"]
    last_2 = [m for m in await a2.calls() if m["call"]["id"] == call_id][-1]
    assert same_call(last_2["call"], on_2)


async def test_single_step_transfer_and_conference(office: Office):
    a1, a2, a3 = office.desktops
    call_id = await connected(office, a1, a2)
    await ok(a1, call_id, "SingleStepConference", destination="5003")
    [ringing] = await a3.calls()
    assert ringing["call"]["state"] == "Ringing"
    await ok(a3, call_id, "Answer")
    for desktop in (a1, a2, a3):
        [mine] = await desktop.my_calls()
        assert sorted(mine["participants"]) == sorted({"5001", "5002", "5003"} - {number_of(desktop)})
    updates = [m for m in await a2.calls() if m["notificationType"] == "ParticipantsUpdated"]
    assert updates and check_call_message(updates[-1], "ParticipantsUpdated")["participants"] == ["5001", "5003"]

    await ok(a1, call_id, "RemoveParticipantFromConference", participant="5003")
    assert await a3.my_calls() == []
    [mine] = await a1.my_calls()
    assert mine["participants"] == ["5002"]

    await a1.sync()
    await ok(a1, call_id, "SingleStepTransfer", destination=CUSTOMER)
    assert await a1.my_calls() == []
    [released] = await a1.calls()
    assert released["call"]["state"] == "Released"


async def test_consultation_conference(office: Office):
    a1, a2, a3 = office.desktops
    call_id = await connected(office, a1, a2)
    await ok(a1, call_id, "InitiateConference", destination="5003")
    consult_id = next(c["id"] for c in await a1.my_calls() if c["id"] != call_id)
    await ok(a3, consult_id, "Answer")
    await ok(a1, consult_id, "CompleteConference", consultCallUri=consult_id)
    for desktop in (a1, a2, a3):
        [mine] = await desktop.my_calls()
        assert mine["id"] == call_id and mine["state"] == "Established"
        assert sorted(mine["participants"]) == sorted({"5001", "5002", "5003"} - {number_of(desktop)})


async def test_swap_and_merge_two_calls(office: Office):
    a1, a2, a3 = office.desktops
    first = await connected(office, a1, a2)
    await ok(a1, first, "Hold")
    second = await connected(office, a1, a3)
    await ok(a1, second, "SwapCalls", otherCallUri=first)
    states = {call["id"]: call["state"] for call in await a1.my_calls()}
    assert states == {first: "Established", second: "Held"}
    await ok(a1, first, "MergeWithOtherCall", otherCallUri=second)
    [merged] = await a1.my_calls()
    assert merged["id"] == first and sorted(merged["participants"]) == ["5002", "5003"]
    reply = await op(a1, first, "SwapCalls", otherCallUri=second)
    assert reply.code in (2, 6)


# --------------------------------------------------------------------------- the world: an external caller


async def test_an_external_caller_rings_an_agent_presses_keys_and_hangs_up(office: Office):
    a1, a2, _ = office.desktops
    placed = await office.sim("POST", "/calls", {"from": CUSTOMER, "to": "5001", "userData": {"order": "7"}})
    assert placed.code == 0 and placed.body["uri"].endswith(f"/sim/calls/{placed.body['id']}")
    call_id = placed.body["id"]
    [ringing] = await a1.calls()
    call = check_call_message(ringing, "StatusChange")
    assert (call["state"], call["callType"], call["ani"], call["dnis"], call["userData"]) == (
        "Ringing",
        "Inbound",
        CUSTOMER,
        "5001",
        {"order": "7"},
    )
    await ok(a1, call_id, "Answer")
    await a1.sync()
    assert (await office.sim("POST", f"/calls/{call_id}", {"operationName": "SendDtmf", "digits": "42"})).code == 0
    [dtmf] = await a1.calls()
    assert check_call_message(dtmf, "DtmfSent")["state"] == "Established" and dtmf["digits"] == "42"
    listed = (await office.sim("GET", "/calls")).body["calls"]
    assert [call["id"] for call in listed] == [call_id]
    assert {(party["number"], party["role"]) for party in listed[0]["parties"]} == {
        (CUSTOMER, "external"),
        ("5001", "agent"),
    }
    assert (await office.sim("POST", f"/calls/{call_id}", {"operationName": "Hangup"})).code == 0
    [released] = await a1.calls()
    assert released["call"]["state"] == "Released" and await a1.my_calls() == []
    await office.quiet(a2)


async def test_the_control_api_refuses_what_it_cannot_do(office: Office):
    a1 = office.a1
    chat_queue = await office.sim("POST", "/calls", {"from": CUSTOMER, "to": "04000"})
    assert chat_queue.code == 2 and "of the chat channel" in chat_queue.message
    missing = await office.sim("POST", "/calls", {"from": CUSTOMER})
    assert missing.code == 1 and "to" in missing.message
    agent = await a1.rest.request("POST", f"{office.server.url}/sim/calls", json={"from": CUSTOMER, "to": "5002"})
    assert agent.code == 5
    for body, words in (({"mode": "real"}, "virtual"), ({"speed": 2}, "speed"), ({"advance": -1}, "advance")):
        reply = await office.sim("POST", "/clock", body)
        assert reply.code == 2 and words in reply.message, reply.body
    assert (await office.sim("POST", "/clock", {"mode": "virtual"})).code == 0
    state = (await office.sim("GET", "/state")).body["state"]
    assert state["clock"]["mode"] == "virtual" and state["voice"]["calls"] == {}
    await office.quiet(*office.desktops)
    document = (await office.admin.get("/openapi.json")).body
    control = {path: item for path, item in document["paths"].items() if path.startswith("/sim/")}
    voice = {"/sim/calls", "/sim/calls/{call_id}", "/sim/clock", "/sim/reset", "/sim/state"}
    media = {"/sim/chats", "/sim/chats/{interaction_id}", "/sim/emails", "/sim/media"}
    assert set(control) == voice | media | {"/sim/journal", "/sim/recording", "/sim/faults"}
    for item in control.values():
        for operation in item.values():
            assert operation["tags"] == ["simulator control"] and operation["x-roles"] == ["ROLE_ADMIN"]


async def test_reset_ends_every_call_and_restores_the_contact_center(office: Office):
    a1, a2, _ = office.desktops
    await connected(office, a1, a2)
    await office.logged_in(a1)
    assert (await office.admin.post("/skills", {"name": "Temporary"})).code == 0
    assert (await office.sim("POST", "/reset")).code == 0
    assert await a1.my_calls() == [] and await a2.my_calls() == []
    assert (await office.sim("GET", "/calls")).body["calls"] == []
    [device] = (await a1.get("/me/devices?fields=*"))["devices"]
    assert device["userState"]["state"] == "Logout"
    names = {skill["name"] for skill in (await office.admin.ok("GET", "/skills", fields="*"))["skills"]}
    assert "Temporary" not in names


async def test_a_real_clock_cannot_be_advanced(live_server, rest):
    admin = rest(ADMIN)
    reply = await admin.request("POST", f"{live_server.url}/sim/clock", json={"advance": 1})
    assert reply.code == 2 and "real time" in reply.message


async def test_on_real_time_the_remote_party_answers_when_its_delay_is_over():
    center = load_default()
    center.voice_options = VoiceOptions(remote_rules=(RemoteRule("+1555*", "answer", 0.05),))
    runner = web.AppRunner(create_app(center))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    agent = center.user_named(AGENT1)
    assert agent is not None
    try:
        async with aiohttp.ClientSession() as http:
            desktop = await open_desktop(url, runner.app[bayeux.SERVER_KEY], http, AGENT1, agent.id)
            try:
                call_id = await dial(desktop, REMOTE)
                message = await desktop.wait_for(lambda data: data.get("call", {}).get("state") == "Established")
                assert message["data"]["call"]["id"] == call_id
            finally:
                await desktop.close()
    finally:
        await runner.cleanup()


# --------------------------------------------------------------------------- refusals change nothing


async def test_refused_call_operations_change_nothing_and_tell_nobody(office: Office):
    a1, a2, a3 = office.desktops
    call_id = await dial(a1, "5002")
    await a1.sync()
    await a2.sync()
    before = [await a1.my_calls(), await a2.my_calls()]
    state = (await office.sim("GET", "/state")).body["state"]["voice"]
    refusals = [
        (a1, call_id, "Answer", {}, 2, "Dialing"),
        (a2, call_id, "Hold", {}, 2, "Ringing"),
        (a1, call_id, "NoSuchOperation", {}, 2, "operationName"),
        (a1, call_id, "SendDtmf", {}, 1, "digits"),
        (a1, call_id, "SendDtmf", {"digits": "12x"}, 1, "digits"),
        (a1, call_id, "AttachUserData", {"userData": "x"}, 1, "userData"),
        (a3, call_id, "Hangup", {}, 6, call_id),
        (a1, "0000000000000000", "Hangup", {}, 6, "0000000000000000"),
    ]
    for desktop, target, name, params, code, words in refusals:
        reply = await op(desktop, target, name, **params)
        assert reply.code == code and words in reply.message, (name, reply.body)
    device = await a1.device_id()
    for body, code, words in (
        ({"operationName": "Dial"}, 1, "destination"),
        ({"operationName": "Dial", "destination": "5001"}, 1, "destination"),
        ({"operationName": "Dial", "destination": "5003"}, 2, "Dialing"),
        ({"destination": "5003"}, 1, "operationName"),
    ):
        reply = await a1.post(f"/devices/{device}/calls", body)
        assert reply.code == code and words in reply.message, (body, reply.body)
    other = await a2.device_id()
    reply = await a1.post(f"/me/devices/{other}/calls", {"operationName": "Dial", "destination": "5003"})
    assert reply.code == 5
    assert [await a1.my_calls(), await a2.my_calls()] == before
    assert (await office.sim("GET", "/state")).body["state"]["voice"] == state
    await office.quiet(a1, a2, a3)


# --------------------------------------------------------------------------- agent state and devices


async def test_agent_states_on_me_devices_and_channels(office: Office):
    a1, a2, _ = office.desktops
    reply = await a1.post("/me", {"operationName": "Ready"})
    assert reply.code == 2 and "Logout" in reply.message
    await office.quiet(a1)

    steps: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"], "loginCode": "1001"},
         {"state": "NotReady", "id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6", "displayName": "Not Ready"}),
        ("/me", {"operationName": "Ready"},
         {"state": "Ready", "id": "9430250E-0A1B-421F-B372-F29E69366DED", "displayName": "Ready"}),
        ("/me", {"operationName": "NotReady", "reason": "Coffee", "workMode": "AuxWork"},
         {"state": "NotReady", "reason": "Coffee", "workMode": "AuxWork"}),
        ("/me/channels/voice", {"operationName": "AfterCallWork"},
         {"state": "NotReady", "workMode": "AfterCallWork", "id": "D3663509-3D82-4DD3-A82E-2EA8EFA02AEF",
          "displayName": "AfterCallWork"}),
        ("/me/channels/voice", {"operationName": "Ready"},
         {"state": "Ready", "id": "9430250E-0A1B-421F-B372-F29E69366DED", "displayName": "Ready"}),
    ]  # fmt: skip
    for path, body, user_state in steps:
        reply = await a1.post(path, body)
        assert reply.code == 0, (body, reply.body)
        device_message, channel_message = await a1.sync()
        assert device_message["channel"] == "/v2/me/devices"
        data = device_message["data"]
        assert data["messageType"] == "DeviceStateChangeMessage"
        [device] = data["devices"]
        assert set(device) >= DEVICE_VOICE_KEYS and {"vendor", "country"} <= set(device)
        assert device["userState"] == user_state and device["deviceState"] == "Active"
        assert channel_message == {
            "channel": "/v2/me/channels",
            "data": {
                "messageType": "ChannelStateChangeMessageV2",
                "channels": [{"id": "voice", "channel": "voice", "userState": user_state, "dndState": "Off"}],
            },
        }
        [listed] = (await a1.get("/me/devices?fields=*"))["devices"]
        assert {key: listed[key] for key in device} == device
        channel = (await a1.get("/me/channels/voice"))["channel"]
        assert channel["userState"] == user_state
    await office.quiet(a2)

    custom = await a1.post("/me", {"operationName": "OutToLunch"})
    assert custom.code == 0
    [device_message, _] = await a1.sync()
    assert device_message["data"]["devices"][0]["userState"]["displayName"] != ""
    assert (await a1.post("/me/channels/chat", {"operationName": "Ready"})).code == 2
    assert (await a1.post("/me/channels/fax", {"operationName": "Ready"})).code == 6
    assert (await a1.post("/me", {"operationName": "EndContactCenterSession"})).code == 0
    [device_message, _] = await a1.sync()
    assert device_message["data"]["devices"][0]["deviceState"] == "Inactive"


async def test_do_not_disturb_and_forwarding(office: Office):
    a1, a2, a3 = office.desktops
    device = await a1.device_id()
    assert (await a1.post(f"/devices/{device}", {"operationName": "DoNotDisturbOn"})).code == 0
    [message, channel] = await a1.sync()
    [doc] = message["data"]["devices"]
    assert doc["doNotDisturb"] == "On" and doc["capabilities"] == ["DoNotDisturbOff", "ForwardCallsOn"]
    assert channel["data"]["channels"][0]["dndState"] == "On"
    assert (await a1.get("/me"))["user"]["doNotDisturb"] == "On"
    again = await a1.post(f"/devices/{device}", {"operationName": "DoNotDisturbOn"})
    assert again.code == 2 and "doNotDisturb On" in again.message
    assert (await a1.post("/channels/voice", {"operationName": "DoNotDisturbOff"})).code == 0
    await a1.sync()

    reply = await a1.post(f"/devices/{device}", {"operationName": "ForwardCallsOn"})
    assert reply.code == 1 and "destination" in reply.message
    assert (await a1.post(f"/devices/{device}", {"operationName": "ForwardCallsOn", "destination": "5003"})).code == 0
    [message] = await a1.sync()
    [doc] = message["data"]["devices"]
    assert doc["forwardTo"] == "5003" and doc["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOff"]
    assert (await a1.get(f"/devices/{device}"))["device"]["capabilities"] == doc["capabilities"]
    other = await a2.device_id()
    assert (await a1.post(f"/devices/{other}", {"operationName": "DoNotDisturbOn"})).code == 5

    call_id = await dial(a2, "5001")  # forwarded to agent 3
    await a2.sync()
    [ringing] = await a3.calls()
    assert ringing["call"]["id"] == call_id and ringing["call"]["state"] == "Ringing"
    await office.quiet(a1)


async def test_password_changes_are_reported_on_v2_me(office: Office):
    a1, a2, _ = office.desktops

    def encoded(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    wrong = await a1.post("/me", {"operationName": "ChangePassword", "oldPassword": encoded("nope"),
                                  "newPassword": encoded("secret")})  # fmt: skip
    assert wrong.code == 2
    [error] = await a1.sync()
    assert error["channel"] == "/v2/me"
    assert error["data"]["notificationType"] == "PasswordChangeError" and error["data"]["errorCode"] == 2
    assert set(error["data"]) == {"messageType", "notificationType", "errorMessage", "errorCode"}
    right = await a1.post("/me", {"operationName": "ChangePassword", "oldPassword": encoded("password"),
                                  "newPassword": encoded("password")})  # fmt: skip
    assert right.code == 0
    assert await a1.sync() == [
        {
            "channel": "/v2/me",
            "data": {"messageType": "PasswordChangeMessage", "notificationType": "PasswordChangeSuccessful"},
        }
    ]
    await office.quiet(a2)


async def test_another_users_password_change_is_reported_to_supervisors_on_v2_users(office: Office):
    async with aiohttp.ClientSession() as http:
        supervisor_id = office.server.user_id(SUPERVISOR)
        supervisor = await open_desktop(office.server.url, office.server.bayeux, http, SUPERVISOR, supervisor_id)
        try:
            user_id = office.server.user_id(AGENT1)
            new = base64.b64encode(b"changed").decode()
            reply = await office.admin.post(f"/users/{user_id}", {"operationName": "ResetPassword", "newPassword": new})
            assert reply.code == 0
            [message] = await supervisor.sync()
            assert message["channel"] == "/v2/users"
            assert message["data"] == {
                "messageType": "PasswordChangeMessage",
                "notificationType": "PasswordChangeSuccessful",
                "userUri": f"{office.server.url}/api/v2/users/{user_id}",
                "userId": user_id,
            }
            # The reset ends the agent's CometD sessions: their password is not the one they logged in with.
            assert office.server.bayeux.sessions_of(user_id) == frozenset()
            await office.quiet(office.a2)
        finally:
            await supervisor.close()


async def test_a_device_in_a_call_cannot_be_deleted_or_taken_from_its_agent(office: Office):
    a1, a2, _ = office.desktops
    await connected(office, a1, a2)
    device = await a1.device_id()
    deleted = await office.admin.delete(f"/devices/{device}")
    assert deleted.code == 2 and "calls going on" in deleted.message
    user = office.server.user_id(AGENT1)
    unassigned = await office.admin.delete(f"/users/{user}/devices/{device}")
    assert unassigned.code == 2 and "calls going on" in unassigned.message
    assert len(await a1.my_calls()) == 1
    await office.quiet(a1, a2)


async def test_without_the_recording_feature_calls_have_no_recording_state():
    center = load_default()
    center.set_features(feature for feature in center.feature_ids if feature != "api-voice-recording")
    runner = web.AppRunner(create_app(center, clock=VirtualClock()))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession() as http:
            agent = Rest(http, url, AGENT1)
            device = (await agent.ok("GET", "/me/devices"))["uris"][0].rsplit("/", 1)[1]
            dialed = await agent.ok(
                "POST", f"/devices/{device}/calls", {"operationName": "Dial", "destination": "5002"}
            )
            [call] = (await agent.ok("GET", "/me/calls", fields="*"))["calls"]
            assert "recordingState" not in call and "StartCallRecording" not in call["capabilities"]
            refused = await agent.post(f"/me/calls/{dialed['id']}", {"operationName": "StartCallRecording"})
            assert refused.code == 2
    finally:
        await runner.cleanup()


TELEPHONY = """
telephony:
  noAnswerTimeout: 10
  wrapUpSeconds: 5
  remoteNumbers:
    - {pattern: "+1666*", outcome: busy, delay: 1}
    - {pattern: "+1777*", outcome: no_answer}
    - {pattern: "*", outcome: answer, delay: 3}
"""


async def test_the_contact_center_file_decides_what_remote_numbers_do_and_after_call_work():
    text = resources.files("simulator").joinpath("default_contact_center.yaml").read_text() + TELEPHONY
    async with serving(parse(text, "center.yaml")) as office:
        a1 = office.a1
        await office.logged_in(a1)
        busy = await dial(a1, "+16660001")
        await a1.sync()
        await office.advance(1)
        failed, released = await a1.calls()
        assert failed["errorMessage"] == "Busy: +16660001" and failed["connectionId"] == busy
        assert released["call"]["state"] == "Released"

        await dial(a1, "+17770001")
        await a1.sync()
        await office.advance(9.5)
        assert await a1.calls() == []  # still dialing
        await office.advance(0.5)
        failed, released = await a1.calls()
        assert failed["errorMessage"] == "No answer: +17770001" and released["call"]["state"] == "Released"

        answered = await dial(a1, "+15550001")
        assert [m["call"]["state"] for m in await a1.calls()] == ["Dialing"]
        await office.advance(2.9)
        assert await a1.calls() == []
        await office.advance(0.1)
        assert [m["call"]["state"] for m in await a1.calls()] == ["Established"]
        await ok(a1, answered, "Hangup")
        released, after_call, after_call_channel = await a1.sync()
        assert released["data"]["call"]["state"] == "Released"
        assert after_call["data"]["devices"][0]["userState"]["workMode"] == "AfterCallWork"
        assert after_call_channel["data"]["channels"][0]["userState"]["workMode"] == "AfterCallWork"
        await office.advance(5)
        ready, ready_channel = await a1.sync()
        assert ready["data"]["devices"][0]["userState"]["state"] == "Ready"
        assert ready_channel["data"]["channels"][0]["userState"]["state"] == "Ready"
