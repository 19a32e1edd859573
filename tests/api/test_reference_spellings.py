"""The reference's own spellings over real HTTP: `HangUp` beside `Hangup`, a chat's `Send`,
`StopProcessing`, `LeaveChat` and `SingleStepConference` beside our names (accepted, and advertised as
the Chat Accepted example lists them), and the `{"status": "ok"}` / `{"status": "error"}` answers of the
Channels and Interactions APIs' examples under `server.statusAnswers`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from conftest import LiveServer
from rest_client import ADMIN, AGENT1, AGENT2, Rest

from simulator.core.voice import VirtualClock

# The Chat Accepted example's capabilities that are spellings of ours (the others are our own names too,
# or belong to features the simulator does not have on a chat: PlaceInWorkbin is ours, LeaveChat needs a
# conference here).
EXAMPLE_CHAT_SPELLINGS = {"Send", "StopProcessing", "SingleStepConference"}


@pytest.fixture
async def clients(serve: Callable) -> AsyncIterator[Callable[..., Any]]:
    """`clients(**site_options)`: (server, admin, agent1, agent2) of a fresh simulator on a virtual clock."""
    async with aiohttp.ClientSession() as http:

        async def make(**options: Any) -> tuple[LiveServer, Rest, Rest, Rest]:
            server = await serve(clock=VirtualClock(), **options)
            return server, *(Rest(http, server.url, user) for user in (ADMIN, AGENT1, AGENT2))  # type: ignore[return-value]

        yield make


async def sim(server: LiveServer, admin: Rest, path: str, body: Any) -> dict[str, Any]:
    reply = await admin.request("POST", f"{server.url}/sim{path}", json=body)
    assert reply.code == 0, reply.body
    return reply.body


async def accepted_chat(server: LiveServer, admin: Rest, agent: Rest) -> dict[str, Any]:
    for body in (
        {"operationName": "StartContactCenterSession", "channels": ["voice", "chat", "email"]},
        {"operationName": "Ready"},
    ):
        assert (await agent.post("/me", body)).code == 0
    chat_id = (await sim(server, admin, "/chats", {"queue": "Web chat", "nickname": "Vera", "text": "Hi"}))["id"]
    assert (await agent.post(f"/me/interactions/{chat_id}", {"operationName": "Accept"})).code == 0
    [chat] = (await agent.get("/me/interactions", fields="*")).body["interactions"]
    return chat


async def test_a_chat_offers_and_accepts_the_examples_spellings(clients):
    server, admin, a1, a2 = await clients()
    chat = await accepted_chat(server, admin, a1)
    assert set(chat["capabilities"]) >= EXAMPLE_CHAT_SPELLINGS
    assert "LeaveChat" not in chat["capabilities"]  # LeaveConference's spelling: only in a conference
    reply = await a1.post(f"/me/interactions/{chat['id']}", {"operationName": "Send", "text": "How can I help?"})
    assert reply.code == 0, reply.body
    [after] = (await a1.get("/me/interactions", fields="*")).body["interactions"]
    assert after["content"]["events"][-1]["text"] == "How can I help?"

    assert (await a2.post("/me", {"operationName": "StartContactCenterSession"})).code == 0
    body = {"operationName": "SingleStepConference", "agentId": AGENT2}
    assert (await a1.post(f"/me/interactions/{chat['id']}", body)).code == 0
    [invited] = (await a2.get("/me/interactions", fields="*")).body["interactions"]
    assert invited["state"] == "Invited"
    assert (await a2.post(f"/me/interactions/{chat['id']}", {"operationName": "Accept"})).code == 0
    [joined] = (await a2.get("/me/interactions", fields="*")).body["interactions"]
    assert {"LeaveChat", "LeaveConference"} <= set(joined["capabilities"])
    assert (await a2.post(f"/me/interactions/{chat['id']}", {"operationName": "LeaveChat"})).code == 0
    assert (await a2.get("/me/interactions")).body["uris"] == []

    assert (await a1.post(f"/me/interactions/{chat['id']}", {"operationName": "StopProcessing"})).code == 0
    assert (await a1.get("/me/interactions")).body["uris"] == []


async def test_an_e_mail_keeps_send_as_its_own_operation(clients):
    server, admin, a1, _a2 = await clients()
    assert (await a1.post("/me", {"operationName": "StartContactCenterSession"})).code == 0
    created = await a1.post("/me/interactions", {"operationName": "Create", "queueName": "Support mailbox"})
    assert created.code == 0, created.body
    [draft] = (await a1.get("/me/interactions", fields="*")).body["interactions"]
    assert "StopProcessing" not in draft["capabilities"] and "Send" in draft["capabilities"]


async def test_hang_up_is_hangup(clients):
    server, admin, a1, _a2 = await clients()
    assert (await a1.post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})).code == 0
    await sim(server, admin, "/calls", {"from": "+15551234", "to": "5001"})
    [call] = (await a1.get("/me/calls", fields="*")).body["calls"]
    assert (await a1.post(f"/me/calls/{call['id']}", {"operationName": "Answer"})).code == 0
    assert (await a1.post(f"/me/calls/{call['id']}", {"operationName": "HangUp"})).code == 0
    assert (await a1.get("/me/calls")).body["uris"] == []


async def test_status_answers_follow_the_examples_when_asked(clients):
    server, admin, a1, _a2 = await clients(status_answers=True)
    reply = await a1.post("/me", {"operationName": "StartContactCenterSession"})
    assert (reply.status, reply.body) == (200, {"status": "ok"})  # the Channels API's "Ready for All Channels"
    reply = await a1.post("/me/channels/chat", {"operationName": "Ready"})
    assert (reply.status, reply.body) == (200, {"status": "ok"})
    reply = await a1.post("/me/channels/chat", {"operationName": "Dance"})
    assert reply.status == 400 and set(reply.body) == {"status", "errorDescription"}
    assert reply.body["status"] == "error" and "operationName 'Dance'" in reply.body["errorDescription"]
    reply = await a1.post("/me/interactions/nope", {"operationName": "Accept"})
    assert reply.status == 404 and reply.body["status"] == "error"
    # the other resources keep the Return Values section's form
    assert (await a1.get("/me")).body["statusCode"] == 0
    assert (await a1.post("/me/devices/nope/calls", {"operationName": "Dial"})).body["statusCode"] == 6


async def test_status_code_answers_by_default(clients):
    server, admin, a1, _a2 = await clients()
    assert (await a1.post("/me", {"operationName": "StartContactCenterSession"})).body == {"statusCode": 0}
    reply = await a1.post("/me/channels/chat", {"operationName": "Dance"})
    assert reply.body["statusCode"] == 2 and "status" not in reply.body


def test_the_server_section_turns_status_answers_on():
    from simulator.center_file import parse

    users = "users:\n  - {userName: a@example.com, password: p}\n"
    assert parse(users + "server:\n  statusAnswers: true\n", "center.yaml").site.status_answers is True
    assert parse(users, "center.yaml").site.status_answers is False
