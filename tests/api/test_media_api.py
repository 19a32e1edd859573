"""Chat, e-mail and workbins over real HTTP, watched by real CometD clients (aiocometd-ng).

Each test drives the simulator only through its public API (REST as agents, /sim as the admin) on a
virtual clock, and checks the documents each agent receives on /v2/me/interactions, /v2/me/workbins and
/v2/me/channels against the shapes of the reference's examples; refused operations change nothing and
tell nobody anything.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiocometd_ng import Client, ConnectionType
from conftest import LiveServer, start_server
from desktop import WAIT, BasicCredentials, Desktop
from rest_client import ADMIN, AGENT1, AGENT2, AGENT3, PASSWORD, Reply, Rest

from simulator.core.voice import VirtualClock

pytestmark = pytest.mark.interop

TOPICS = ("/v2/me/interactions", "/v2/me/workbins", "/v2/me/channels", "/v2/me")
INTERACTION_KEYS = {"id", "channel", "type", "subType", "state", "capabilities", "userData", "currentQueue",
                    "threadId", "content"}  # fmt: skip
EVENT_KEYS = {"id", "messageType", "userId", "userType", "nickName", "visibility"}


async def open_media_desktop(
    server: LiveServer, http: aiohttp.ClientSession, user: str, transport: ConnectionType = ConnectionType.WEBSOCKET
) -> Desktop:
    client = Client(server.notifications_url, [transport], connection_timeout=0, auth=BasicCredentials(user, PASSWORD))
    await asyncio.wait_for(client.open(), WAIT)
    for topic in TOPICS:
        await asyncio.wait_for(client.subscribe(topic), WAIT)
    desktop = Desktop(user, server.user_id(user), Rest(http, server.url, user), server.bayeux, client)
    desktop._pump = asyncio.create_task(desktop._read())
    await desktop.sync()
    return desktop


@dataclass
class Office:
    server: LiveServer
    admin: Rest
    a1: Desktop
    a2: Desktop
    a3: Desktop

    async def sim(self, method: str, path: str, body: Any = None) -> Reply:
        return await self.admin.request(method, f"{self.server.url}/sim{path}", json=body)

    async def advance(self, seconds: float) -> None:
        assert (await self.sim("POST", "/clock", {"advance": seconds})).code == 0

    async def ready(self, desktop: Desktop, *channels: str) -> None:
        """Log in on voice, chat and e-mail and go Ready on `channels`; the channel messages are checked."""
        body = {"operationName": "StartContactCenterSession", "channels": ["voice", "chat", "email"]}
        assert (await desktop.post("/me", body)).code == 0
        await desktop.sync()
        for channel in channels:
            assert (await desktop.post(f"/me/channels/{channel}", {"operationName": "Ready"})).code == 0
            [message] = await desktop.sync()
            assert message["channel"] == "/v2/me/channels"
            [doc] = message["data"]["channels"]
            assert doc["channel"] == channel and doc["dndState"] == "Off"
            assert doc["userState"] == {"id": "9430250E-0A1B-421F-B372-F29E69366DED", "state": "Ready",
                                        "displayName": "Ready"}  # fmt: skip
            got = (await desktop.get(f"/me/channels/{channel}"))["channel"]
            assert got == doc

    async def chat(self, nickname: str = "Vera", text: str | None = "Hello?") -> str:
        body: dict[str, Any] = {"queue": "Web chat", "nickname": nickname, "subject": "Router"}
        if text is not None:
            body["text"] = text
        reply = await self.sim("POST", "/chats", body)
        assert reply.code == 0, reply.body
        return reply.body["id"]

    async def visitor(self, chat_id: str, operation: str, **extra: Any) -> None:
        reply = await self.sim("POST", f"/chats/{chat_id}", {"operationName": operation, **extra})
        assert reply.code == 0, reply.body

    async def state(self) -> dict[str, Any]:
        return (await self.sim("GET", "/state")).body["state"]["media"]


@pytest.fixture
async def office() -> AsyncIterator[Office]:
    runner, server = await start_server(clock=VirtualClock())
    desktops: list[Desktop] = []
    try:
        async with aiohttp.ClientSession() as http:
            for user in (AGENT1, AGENT2, AGENT3):
                desktops.append(await open_media_desktop(server, http, user))
            yield Office(server, Rest(http, server.url, ADMIN), *desktops)
    finally:
        for desktop in desktops:
            await desktop.close()
        await runner.cleanup()


async def told(desktop: Desktop) -> list[dict[str, Any]]:
    """The interaction objects of the InteractionStateMessages since the last sync; nothing else allowed."""
    fresh = await desktop.sync()
    assert all(message["channel"] == "/v2/me/interactions" for message in fresh), fresh
    objects = []
    for message in fresh:
        assert set(message["data"]) == {"messageType", "interaction"}
        assert message["data"]["messageType"] == "InteractionStateMessage"
        interaction = message["data"]["interaction"]
        assert INTERACTION_KEYS <= set(interaction) <= INTERACTION_KEYS | {"parentId"}, interaction
        for event in interaction["content"].get("events", []):
            assert set(event) >= EVENT_KEYS, event
        objects.append(interaction)
    return objects


async def op(desktop: Desktop, interaction_id: str, name: str, **params: Any) -> Reply:
    return await desktop.post(f"/me/interactions/{interaction_id}", {"operationName": name, **params})


async def ok(desktop: Desktop, interaction_id: str, name: str, **params: Any) -> Reply:
    reply = await op(desktop, interaction_id, name, **params)
    assert reply.code == 0, (name, reply.body)
    return reply


def kinds(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (event["messageType"], event.get("text") or event.get("noticeType") or event["userType"]) for event in events
    ]


# --------------------------------------------------------------------------- chat


async def test_chat_offered_to_the_ready_agent_accepted_conversation_and_complete(office: Office):
    a1, a3 = office.a1, office.a3
    await office.ready(a1)  # logged in, but NotReady on chat: never offered
    await office.ready(a3, "chat")
    chat_id = await office.chat()
    assert await a1.sync() == []
    [invited] = await told(a3)
    assert (invited["id"], invited["channel"], invited["state"]) == (chat_id, "chat", "Invited")
    assert invited["capabilities"] == ["Accept", "Reject"]
    assert (invited["type"], invited["subType"], invited["currentQueue"]) == ("Inbound", "InboundNew", "Web chat")
    listed = await a3.get("/me/interactions")
    assert listed["uris"] == [f"{office.server.url}/api/v2/interactions/{chat_id}"]

    await ok(a3, chat_id, "Accept", nickname="Carol")
    [accepted] = await told(a3)
    assert accepted["state"] == "Accepted"
    content = accepted["content"]
    assert content["latestEventId"] == 3 and content["sessionId"]
    assert kinds(content["events"]) == [("PARTY_JOINED", "Client"), ("MESSAGE", "Hello?"), ("PARTY_JOINED", "Agent")]
    assert [event["id"] for event in content["events"]] == [1, 2, 3]
    assert content["events"][2]["nickName"] == "Carol" and content["events"][0]["nickName"] == "Vera"
    assert {"SendMessage", "EndChatSession", "InviteUser", "Complete", "RequestChatHistory"} <= set(
        accepted["capabilities"]
    )
    assert "Accept" not in accepted["capabilities"]
    [mine] = (await a3.get("/me/interactions?fields=*"))["interactions"]
    assert mine == accepted
    assert (await a3.get(f"/interactions/{chat_id}"))["interaction"] == accepted
    assert (await a3.get("/interactions?channel=email"))["uris"] == []  # any field filters, as everywhere
    assert len((await a3.get("/interactions?channel=chat&state=Accepted"))["uris"]) == 1
    assert (await a1.get(f"/interactions/{chat_id}"))["interaction"]["capabilities"] == []  # not a1's

    await ok(a3, chat_id, "SendStartTypingNotification")
    await ok(a3, chat_id, "SendMessage", text="How can I help?")
    await ok(a3, chat_id, "SendStopTypingNotification")
    await office.visitor(chat_id, "StartTyping")
    await office.visitor(chat_id, "SendMessage", text="My router blinks")
    updates = await told(a3)
    assert [update["state"] for update in updates] == ["PropertiesChanged"] * 5
    events = [event for update in updates for event in update["content"]["events"]]
    assert [event["id"] for event in events] == [4, 5, 6, 7, 8]
    assert kinds(events) == [("NOTICE", "TypingStarted"), ("MESSAGE", "How can I help?"),
                             ("NOTICE", "TypingStopped"), ("NOTICE", "TypingStarted"),
                             ("MESSAGE", "My router blinks")]  # fmt: skip
    assert events[1]["userType"] == "Agent" and events[4]["userType"] == "Client"

    await ok(a3, chat_id, "RequestChatHistory", eventId=7)
    [history] = await told(a3)
    assert [event["id"] for event in history["content"]["events"]] == [7, 8]

    await ok(a3, chat_id, "EndChatSession")
    [ended] = await told(a3)
    assert kinds(ended["content"]["events"]) == [("PARTY_LEFT", "Agent"), ("PARTY_LEFT", "Client")]
    assert "SendMessage" not in ended["capabilities"] and "Complete" in ended["capabilities"]
    await ok(a3, chat_id, "AttachUserData", userData={"disposition": "fixed"})
    [changed] = await told(a3)
    assert changed["userData"]["disposition"] == "fixed" and changed["content"]["events"] == []
    await ok(a3, chat_id, "Complete")
    [completed] = await told(a3)
    assert completed["state"] == "Completed" and completed["capabilities"] == []
    assert (await a3.get("/me/interactions"))["uris"] == []
    assert (await a3.get("/interactions"))["uris"] == []
    assert await a1.sync() == []


async def test_chat_conference_every_party_sees_the_same_history(office: Office):
    a1, a3 = office.a1, office.a3
    await office.ready(a1)
    await office.ready(a3, "chat")
    chat_id = await office.chat()
    await told(a3)
    await ok(a3, chat_id, "Accept", nickname="Carol")
    seen = {a3.user: [event for update in await told(a3) for event in update["content"]["events"]], a1.user: []}

    await ok(a3, chat_id, "InviteUser", agentId=AGENT1)
    [invited] = await told(a1)
    assert invited["state"] == "Invited" and invited["capabilities"] == ["Accept", "Reject"]
    await ok(a1, chat_id, "Accept", nickname="Alice")
    for desktop in (a1, a3):
        for update in await told(desktop):
            seen[desktop.user] += update["content"]["events"]
    assert seen[a1.user] == seen[a3.user]  # a1's Accept brought the whole history so far
    assert kinds(seen[a1.user])[-1] == ("PARTY_JOINED", "Agent")

    await ok(a1, chat_id, "SendMessage", text="I'm joining")
    await office.visitor(chat_id, "SendMessage", text="Welcome")
    await ok(a3, chat_id, "SendMessage", text="Thanks Alice")
    await ok(a1, chat_id, "LeaveConference")
    updates_a1 = await told(a1)
    assert updates_a1[-1]["state"] == "LeftConference" and updates_a1[-1]["capabilities"] == []
    for update in updates_a1[:-1]:
        seen[a1.user] += update["content"]["events"]
    for update in await told(a3):
        seen[a3.user] += update["content"]["events"]
    assert seen[a1.user] == seen[a3.user][: len(seen[a1.user])]
    assert [event["id"] for event in seen[a3.user]] == list(range(1, len(seen[a3.user]) + 1))
    assert kinds(seen[a3.user])[-1] == ("PARTY_LEFT", "Agent")
    [still] = (await a3.get("/me/interactions?fields=*"))["interactions"]
    assert still["state"] == "Accepted" and "InviteUser" in still["capabilities"]
    assert (await a1.get("/me/interactions"))["uris"] == []


async def test_chat_transfer_to_another_agent(office: Office):
    a1, a3 = office.a1, office.a3
    await office.ready(a1)
    await office.ready(a3, "chat")
    chat_id = await office.chat()
    await told(a3)
    await ok(a3, chat_id, "Accept")
    await told(a3)
    await ok(a3, chat_id, "SingleStepTransfer", userId=office.server.user_id(AGENT1))
    [gone] = await told(a3)
    assert gone["state"] == "Transferred" and gone["capabilities"] == []
    [invited] = await told(a1)
    assert invited["state"] == "Invited"
    await ok(a1, chat_id, "Accept", nickname="Alice")
    [accepted] = await told(a1)
    assert kinds(accepted["content"]["events"])[-2:] == [("PARTY_LEFT", "Agent"), ("PARTY_JOINED", "Agent")]
    assert (await a3.get("/me/interactions"))["uris"] == []


# --------------------------------------------------------------------------- e-mail


async def test_email_reply_with_quoting_attachments_and_send(office: Office):
    a3 = office.a3
    await office.ready(a3, "email")
    body = {
        "queue": "Support mailbox", "from": "pat@example.org", "to": "support@example.com", "cc": "boss@example.org",
        "subject": "Broken", "text": "It broke.\nPlease help.",
        "attachments": [{"name": "log.txt", "mimeType": "text/plain", "content": base64.b64encode(b"E42").decode()}],
    }  # fmt: skip
    reply = await office.sim("POST", "/emails", body)
    assert reply.code == 0, reply.body
    email_id = reply.body["id"]
    [invited] = await told(a3)
    assert invited["state"] == "Invited" and invited["content"] == {"interactionId": email_id}
    await ok(a3, email_id, "Accept")
    [accepted] = await told(a3)
    content = accepted["content"]
    assert (content["fromAddress"], content["toAddress"], content["subject"]) == (
        "pat@example.org", "support@example.com", "Broken"
    )  # fmt: skip
    assert {"Reply", "ReplyAll", "PlaceInWorkbin", "Complete"} <= set(accepted["capabilities"])
    assert {key: accepted["userData"][key] for key in ("To", "_ContainsAttachment", "_AttachmentFileNames")} == {
        "To": "support@example.com", "_ContainsAttachment": "true", "_AttachmentFileNames": "log.txt"
    }  # fmt: skip
    [attached] = content["attachments"]
    status, raw, mime = await fetch(a3, f"/me/interactions/{email_id}/attachments/{attached['documentId']}")
    assert (status, raw, mime) == (200, b"E42", "text/plain")

    answer = await ok(a3, email_id, "ReplyAll", subjectPrefix="Re: ", replyToStartLine="Pat wrote:",
                      indentCharacter="> ")  # fmt: skip
    reply_id = answer.body["replyInteractionId"]
    [created] = await told(a3)
    assert (created["id"], created["state"], created["parentId"]) == (reply_id, "ReplyCreated", email_id)
    assert (created["type"], created["subType"]) == ("Outbound", "OutboundReply")
    assert created["content"]["subject"] == "Re: Broken"
    assert created["content"]["text"] == "Pat wrote:\n> It broke.\n> Please help."
    assert created["content"]["toAddress"] == "pat@example.org"
    assert created["content"]["ccAddresses"] == "boss@example.org"
    assert {"Send", "Cancel"} <= set(created["capabilities"]) and "Reply" not in created["capabilities"]

    form = aiohttp.FormData()
    form.add_field("attachment", b"%PDF-1.4 answer", filename="answer.pdf", content_type="application/pdf")
    upload = await a3.rest.request("POST", f"/me/interactions/{reply_id}/attachments", data=form)
    assert upload.code == 0, upload.body
    document_id = upload.body["documentId"]
    [changed] = await told(a3)
    assert [item["name"] for item in changed["content"]["attachments"]] == ["answer.pdf"]
    got = await fetch(a3, f"/me/interactions/{reply_id}/attachments/{document_id}")
    assert got == (200, b"%PDF-1.4 answer", "application/pdf")

    assert (await office.sim("POST", "/media", {"attachmentLimit": 10})).code == 0
    form = aiohttp.FormData()
    form.add_field("attachment", b"x" * 11, filename="big.bin", content_type="application/octet-stream")
    too_big = await a3.rest.request("POST", f"/me/interactions/{reply_id}/attachments", data=form)
    assert too_big.code == 2 and "attachment" in too_big.message and "10 bytes" in too_big.message
    assert await a3.sync() == []

    misnamed = aiohttp.FormData()
    misnamed.add_field("file", b"x", filename="x.txt", content_type="text/plain")
    wrong_field = await a3.rest.request("POST", f"/me/interactions/{reply_id}/attachments", data=misnamed)
    assert wrong_field.code == 1 and "attachment" in wrong_field.message
    not_multipart = await a3.rest.request("POST", f"/me/interactions/{reply_id}/attachments", json={"a": 1})
    assert not_multipart.code == 2 and "multipart" in not_multipart.message
    bad_send = await op(a3, reply_id, "Send", email_object=["to"])
    assert bad_send.code == 2 and "email_object" in bad_send.message
    typo = await op(a3, reply_id, "Send", email_object={"toAdress": "x@example.org"})
    assert typo.code == 2 and "email_object.toAdress" in typo.message
    assert await a3.sync() == []
    extra = await a3.rest.request("POST", f"/me/interactions/{reply_id}/attachments", data=_form(b"tmp"))
    assert extra.code == 0
    await told(a3)
    deleted = await a3.rest.request("DELETE", f"/me/interactions/{reply_id}/attachments/{extra.body['documentId']}")
    assert deleted.code == 0
    [after] = await told(a3)
    assert [item["name"] for item in after["content"]["attachments"]] == ["answer.pdf"]

    await ok(a3, reply_id, "Send")
    [sent] = await told(a3)
    assert sent["state"] == "Sent" and sent["capabilities"] == []
    [outgoing] = (await office.sim("GET", "/emails")).body["emails"]
    assert outgoing["subject"] == "Re: Broken" and outgoing["parentId"] == email_id
    assert outgoing["attachments"][0]["name"] == "answer.pdf"
    await ok(a3, email_id, "Complete")
    assert (await told(a3))[0]["state"] == "Completed"


async def fetch(desktop: Desktop, path: str) -> tuple[int, bytes, str]:
    """A download: status, the bytes and the MIME type."""
    rest = desktop.rest
    async with rest.http.get(rest.base + path, headers=rest.headers) as response:
        return response.status, await response.read(), response.content_type


def _form(data: bytes) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("attachment", data, filename="tmp.txt", content_type="text/plain")
    return form


async def test_new_outbound_email_created_cancelled_and_sent(office: Office):
    a3 = office.a3
    await office.ready(a3)
    reply = await a3.post("/me/interactions", {"operationName": "Create", "queueName": "Support mailbox"})
    assert reply.code == 0 and reply.body["uri"].endswith(f"/interactions/{reply.body['id']}")
    [created] = await told(a3)
    assert (created["state"], created["subType"]) == ("Created", "OutboundNew")
    no_to = await op(a3, created["id"], "Send")
    assert no_to.code == 1 and "email_object.toAddress" in no_to.message
    assert await a3.sync() == []
    await ok(a3, created["id"], "Send", email_object={"toAddress": "x@example.org", "subject": "Hi", "text": "Hey"})
    assert (await told(a3))[0]["state"] == "Sent"
    second = (await a3.post("/me/interactions", {"operationName": "Create"})).body["id"]
    await told(a3)
    await ok(a3, second, "Cancel")
    assert (await told(a3))[0]["state"] == "Cancelled"
    assert len((await office.sim("GET", "/emails")).body["emails"]) == 1


async def test_email_invitation_revoked_after_the_timeout_and_offered_to_the_next_agent(office: Office):
    a1, a3 = office.a1, office.a3
    assert (await office.sim("POST", "/media", {"inviteTimeout": 5})).body["options"]["inviteTimeout"] == 5
    await office.ready(a1, "email")
    await office.ready(a3, "email")
    email_id = (await office.sim("POST", "/emails", {"from": "pat@example.org", "subject": "Slow"})).body["id"]
    [invited] = await told(a3)  # Support level 9 beats agent1's 3
    assert invited["state"] == "Invited" and await a1.sync() == []
    await office.advance(4.9)
    assert await a3.sync() == [] and await a1.sync() == []
    await office.advance(0.1)
    [revoked] = await told(a3)
    assert revoked["id"] == email_id and revoked["state"] == "Revoked" and revoked["capabilities"] == []
    [offered] = await told(a1)
    assert offered["id"] == email_id and offered["state"] == "Invited"
    await ok(a1, email_id, "Reject")
    assert (await told(a1))[0]["state"] == "Rejected"
    [again] = await told(a3)  # nobody else: the agent who let it lapse is tried again
    assert again["state"] == "Invited"


async def test_a_user_holding_an_email_is_not_deleted_and_one_invited_is_and_the_next_agent_offered_it(
    office: Office,
):
    a1, a3 = office.a1, office.a3
    await office.ready(a1, "email")
    await office.ready(a3, "email")
    held = (await office.sim("POST", "/emails", {"from": "pat@example.org", "subject": "Kept"})).body["id"]
    await told(a3)
    await ok(a3, held, "Accept")
    await told(a3)
    refused = await office.admin.request("DELETE", f"/users/{a3.user_id}")
    assert refused.code == 2 and AGENT3 in refused.message and "email" in refused.message, refused.body
    await ok(a3, held, "Complete")
    await told(a3)
    offered = (await office.sim("POST", "/emails", {"from": "pat@example.org", "subject": "Next"})).body["id"]
    [invited] = await told(a3)
    assert invited["id"] == offered and invited["state"] == "Invited"
    assert (await office.admin.request("DELETE", f"/users/{a3.user_id}")).code == 0
    [next_offer] = await told(a1)  # at once: no time has passed
    assert next_offer["id"] == offered and next_offer["state"] == "Invited"


# --------------------------------------------------------------------------- workbins


async def test_workbin_park_subscribe_content_and_pull(office: Office):
    a3 = office.a3
    await office.ready(a3, "email")
    email_id = (await office.sim("POST", "/emails", {"from": "pat@example.org", "subject": "Later"})).body["id"]
    await told(a3)
    await ok(a3, email_id, "Accept")
    await told(a3)
    workbins = (await a3.get("/me/workbins"))["workbins"]
    assert {"workbinId", "active", "workbinName", "viewName", "workbinType"} == set(workbins[0])
    workbin = next(item for item in workbins if item["workbinName"] == "InProgress")
    assert (await a3.post(f"/me/workbins/{workbin['workbinId']}", {"operationName": "Subscribe"})).code == 0

    await ok(a3, email_id, "PlaceInWorkbin", workbin=workbin["workbinId"])
    parked, notice = await a3.sync()
    assert parked["data"]["interaction"]["state"] == "PlacedInWorkbin"
    assert notice["channel"] == "/v2/me/workbins"
    data = notice["data"]
    assert (data["messageType"], data["operation"], data["workbinContentOperation"]) == (
        "workbinNotificationResource", "Create", "PlacedIn"
    )  # fmt: skip
    assert data["interaction"]["state"] == "Queued" and data["interaction"]["id"] == email_id
    assert data["interaction"]["currentQueue"] == "InProgress/PrivateQueue"
    assert data["workbinInfo"]["workbinTypeId"] == "InProgress"
    content = await a3.get(f"/me/workbins/{workbin['workbinId']}/interactions?fields=*")
    [item] = content["interactions"]
    assert (item["InteractionId"], item["Subject"], item["Workbin"]) == (email_id, "Later", "InProgress")
    uri = (await a3.get(f"/me/workbins/{workbin['workbinId']}/interactions"))["uris"][0]
    assert (await a3.get("/me/interactions"))["uris"] == []

    assert (await a3.post("/me/interactions", {"operationName": "PullInteractionFromWorkbin", "uri": uri})).code == 0
    pulled, taken = await a3.sync()
    assert pulled["data"]["interaction"]["state"] == "Pulled"
    assert "Complete" in pulled["data"]["interaction"]["capabilities"]
    assert taken["data"]["workbinContentOperation"] == "TakenOut"
    assert (await a3.get(f"/me/workbins/{workbin['workbinId']}/interactions"))["uris"] == []

    assert (await a3.post(f"/me/workbins/{workbin['workbinId']}", {"operationName": "Unsubscribe"})).code == 0
    added = await a3.post(f"/me/workbins/{workbin['workbinId']}/interactions", {"interactionId": email_id})
    assert added.code == 0 and added.body["uri"] == uri
    [parked_again] = await told(a3)  # unsubscribed: no workbin message
    assert parked_again["state"] == "PlacedInWorkbin"


# --------------------------------------------------------------------------- refusals


async def test_refusals_name_the_field_and_change_nothing(office: Office):
    a1, a3 = office.a1, office.a3
    await office.ready(a1)
    await office.ready(a3, "chat")
    chat_id = await office.chat()
    await told(a3)
    before = await office.state()
    refusals = [
        (a3, "0000000000000999", "Accept", {}, 6, "0000000000000999"),
        (a1, chat_id, "Accept", {}, 6, chat_id),  # not offered to a1
        (a3, chat_id, "SendMessage", {"text": "hi"}, 2, "operationName"),  # not in capabilities while Invited
        (a3, chat_id, "Dance", {}, 2, "operationName"),
    ]
    for desktop, target, name, params, code, words in refusals:
        reply = await op(desktop, target, name, **params)
        assert reply.code == code and words in reply.message, (name, reply.body)
    assert await office.state() == before
    await ok(a3, chat_id, "Accept")
    await told(a3)
    before = await office.state()
    for params, code, words in (({}, 1, "text"), ({"text": "  "}, 2, "text"), ({"text": 5}, 2, "text")):
        reply = await op(a3, chat_id, "SendMessage", **params)
        assert reply.code == code and words in reply.message, reply.body
    for params, code, words in (
        ({"agentId": "nobody@example.com"}, 2, "agentId"),
        ({}, 1, "agentId"),
    ):
        reply = await op(a3, chat_id, "InviteUser", **params)
        assert reply.code == code and words in reply.message, reply.body
    for event_id in (99, "\u00b2"):  # superscript two: a digit to str.isdigit, not to int
        reply = await op(a3, chat_id, "RequestChatHistory", eventId=event_id)
        assert reply.code == 2 and "eventId" in reply.message, reply.body
    reply = await op(a3, chat_id, "AttachUserData", userData=[1])
    assert reply.code == 2 and "userData" in reply.message
    reply = await op(a3, chat_id, "PlaceInWorkbin", workbin="Nope")
    assert reply.code == 2 and "workbin" in reply.message
    reply = await a3.rest.request("POST", f"/me/interactions/{chat_id}/attachments", data=_form(b"x"))
    assert reply.code == 2 and "chat" in reply.message
    assert (await a3.post("/me/channels/fax", {"operationName": "Ready"})).code == 6
    bad_options = [
        ({"inviteTimeout": 0}, "inviteTimeout"),
        ({"capacity": 1.5}, "capacity"),
        ({"attachmentLimit": "big"}, "attachmentLimit"),
        ({"inviteTimeout": 5, "capacity": 0}, "capacity"),  # all or none: the timeout is not changed either
    ]
    for body, words in bad_options:
        refused = await office.sim("POST", "/media", body)
        assert refused.code == 2 and words in refused.message, refused.body
    as_agent = await a1.rest.request("POST", f"{office.server.url}/sim/chats", json={"nickname": "x"})
    assert as_agent.code == 5
    missing = await office.sim("POST", "/chats", {"queue": "Web chat"})
    assert missing.code == 1 and "nickname" in missing.message
    wrong = await office.sim("POST", "/emails", {"from": "a@b.c", "queue": "Web chat"})
    assert wrong.code == 2 and "queue" in wrong.message
    assert await office.state() == before
    for desktop in (a1, a3):
        assert await desktop.sync() == []


async def test_user_data_reply_transfer_place_in_queue_and_the_visitor_leaving(office: Office):
    a1, a3 = office.a1, office.a3
    await office.ready(a1, "email", "chat")
    await office.ready(a3, "email", "chat")
    email_id = (await office.sim("POST", "/emails", {"from": "pat@example.org", "text": "one\ntwo"})).body["id"]
    [invited] = await told(a3)
    await ok(a3, email_id, "Accept")
    await told(a3)
    await ok(a3, email_id, "AttachUserData", userData={"a": 1, "b": 2})
    await ok(a3, email_id, "UpdateUserData", userData={"a": 3})
    await ok(a3, email_id, "DeleteUserData", userData={"b": ""})
    updates = await told(a3)
    assert [update["userData"].get("a") for update in updates] == [1, 3, 3]
    assert "b" not in updates[-1]["userData"] and updates[-1]["state"] == "PropertiesChanged"

    answer = await ok(a3, email_id, "Reply")  # no quoting unless asked, no prefix unless given
    [draft] = await told(a3)
    assert draft["id"] == answer.body["replyInteractionId"]
    assert (draft["content"]["text"], draft["content"]["subject"]) == ("", "")
    await ok(a3, draft["id"], "Cancel")
    await told(a3)

    await ok(a3, email_id, "Transfer", userId=AGENT1)
    assert (await told(a3))[0]["state"] == "Transferred"
    [offered] = await told(a1)
    assert offered["state"] == "Invited" and offered["userData"]["a"] == 3
    await ok(a1, email_id, "Accept")
    await told(a1)
    await ok(a1, email_id, "PlaceInQueue", queueName="Support mailbox")
    assert (await told(a1))[0]["state"] == "PlacedInQueue"
    [routed] = await told(a3)  # back in the queue, routed again: a3 is free and Support 9
    assert routed["id"] == email_id and routed["state"] == "Invited"

    chat_id = await office.chat()
    [chat_invite] = await told(a3)  # an e-mail invitation does not count against the chat channel
    assert (chat_invite["id"], chat_invite["channel"]) == (chat_id, "chat")
    await ok(a3, chat_id, "Accept")
    await told(a3)
    await office.visitor(chat_id, "Leave")
    [left] = await told(a3)
    assert kinds(left["content"]["events"]) == [("PARTY_LEFT", "Client")]
    assert "SendMessage" not in left["capabilities"] and "Complete" in left["capabilities"]
    gone = await office.sim("POST", f"/chats/{chat_id}", {"operationName": "Leave"})
    assert gone.code == 2 and "over" in gone.message


async def test_channel_states_on_me_and_do_not_disturb(office: Office):
    a1 = office.a1
    await office.ready(a1, "chat", "email")
    assert (await a1.post("/me", {"operationName": "NotReady"})).code == 0
    messages = await a1.sync()
    channels = [m["data"]["channels"][0] for m in messages if m["channel"] == "/v2/me/channels"]
    assert {(doc["channel"], doc["userState"]["state"]) for doc in channels} >= {("chat", "NotReady"),
                                                                              ("email", "NotReady")}  # fmt: skip
    chat_id = await office.chat()
    assert await a1.sync() == []  # NotReady on chat: not invited
    assert (await a1.post("/me/channels/chat", {"operationName": "DoNotDisturbOn"})).code == 0
    [dnd] = await a1.sync()
    assert dnd["data"]["channels"][0]["dndState"] == "On"
    assert (await a1.post("/me/channels/chat", {"operationName": "Ready"})).code == 0
    [ready] = await a1.sync()
    assert ready["data"]["channels"][0]["userState"]["state"] == "Ready"  # Ready, but in Do Not Disturb
    assert (await a1.post("/me/channels/chat", {"operationName": "DoNotDisturbOff"})).code == 0
    channel, invited = await a1.sync()
    assert channel["data"]["channels"][0]["dndState"] == "Off"
    assert invited["data"]["interaction"]["id"] == chat_id
    assert (await a1.post("/me", {"operationName": "EndContactCenterSession"})).code == 0
    states = {m["data"]["channels"][0]["channel"]: m["data"]["channels"][0]["userState"]["state"]
              for m in await a1.sync() if m["channel"] == "/v2/me/channels"}  # fmt: skip
    assert states["chat"] == "Logout" and states["email"] == "Logout"
    refused = await a1.post("/me/channels/chat", {"operationName": "Ready"})
    assert refused.code == 2 and "in state Logout" in refused.message


async def test_a_session_on_chat_alone(office: Office):
    a3 = office.a3
    body = {"operationName": "StartContactCenterSession", "channels": ["chat"]}
    assert (await a3.post("/me", body)).code == 0
    [message] = await a3.sync()  # chat only: no device message, voice stays logged out
    assert message["channel"] == "/v2/me/channels" and message["data"]["channels"][0]["channel"] == "chat"
    assert (await a3.post("/me", {"operationName": "Ready"})).code == 0  # voice logged out: chat alone
    [ready] = await a3.sync()
    assert ready["data"]["channels"][0]["userState"]["state"] == "Ready"
    voice = (await a3.get("/me/channels/voice"))["channel"]
    assert voice["userState"]["state"] != "Ready"
    chat_id = await office.chat()
    assert (await told(a3))[0]["id"] == chat_id
    bad = await a3.post("/me", {"operationName": "StartContactCenterSession", "channels": ["fax"]})
    assert bad.code == 2 and "channels[0]" in bad.message


async def test_long_polling_desktop_and_reset(office: Office):
    """Most desktops of the reference's era poll: the same messages arrive over long-polling; /sim/reset
    forgets every interaction."""
    async with aiohttp.ClientSession() as http:
        poller = await open_media_desktop(office.server, http, AGENT2, ConnectionType.LONG_POLLING)
        try:
            await office.ready(poller, "email")
            billing = {"name": "Billing mail", "channel": "email", "internal": True, "skills": ["Billing"]}
            created = await office.admin.post("/queues", billing)
            assert created.code == 0, created.body
            email_id = (await office.sim("POST", "/emails", {"from": "pat@example.org", "queue": "Billing mail"})).body[
                "id"
            ]
            [invited] = await told(poller)  # agent2 holds Billing 7
            assert (invited["id"], invited["state"], invited["currentQueue"]) == (email_id, "Invited", "Billing mail")
            assert (await office.sim("POST", "/reset")).code == 0
            assert (await office.state())["interactions"] == {}
            assert (await office.admin.get("/interactions")).body["uris"] == []
        finally:
            await poller.close()


async def test_on_real_time_an_invitation_is_revoked_when_its_time_is_up(live_server: LiveServer):
    """The served simulator's clock is the event loop's: the revocation timer fires by itself."""
    async with aiohttp.ClientSession() as http:
        a3 = await open_media_desktop(live_server, http, AGENT3)
        admin = Rest(http, live_server.url, ADMIN)
        try:
            sim = f"{live_server.url}/sim"
            assert (await admin.request("POST", f"{sim}/media", json={"inviteTimeout": 0.2})).code == 0
            office = Office(live_server, admin, a3, a3, a3)
            await office.ready(a3, "email")
            email_id = (await admin.request("POST", f"{sim}/emails", json={"from": "p@example.org"})).body["id"]
            async with asyncio.timeout(WAIT):  # bounded, and ends at the expected message
                while not any(
                    message["data"].get("interaction", {}).get("state") == "Revoked" for message in a3.received
                ):
                    a3._arrived.clear()
                    await a3._arrived.wait()
            states = [m["data"]["interaction"]["state"] for m in a3.received if m["channel"] == "/v2/me/interactions"]
            assert states[:2] == ["Invited", "Revoked"] and email_id
        finally:
            await a3.close()


# --------------------------------------------------------------------------- the rest of the reference


async def parked_email(office: Office, subject: str = "Later") -> tuple[str, str]:
    """An e-mail a3 accepted and placed in their InProgress workbin, subscribed: (its id, the workbin's id)."""
    a3 = office.a3
    await office.ready(a3, "email")
    email_id = (await office.sim("POST", "/emails", {"from": "pat@example.org", "to": "help@example.com",
                                                     "subject": subject})).body["id"]  # fmt: skip
    await told(a3)
    await ok(a3, email_id, "Accept")
    await told(a3)
    workbin = next(item for item in (await a3.get("/me/workbins"))["workbins"] if item["workbinName"] == "InProgress")
    assert (await a3.post(f"/me/workbins/{workbin['workbinId']}", {"operationName": "Subscribe"})).code == 0
    await office.advance(5)
    await ok(a3, email_id, "PlaceInWorkbin", workbin=workbin["workbinId"])
    return email_id, workbin["workbinId"]


async def test_workbin_documents_carry_the_examples_properties_and_reason(office: Office):
    a3 = office.a3
    email_id, workbin_id = await parked_email(office)
    _parked, notice = await a3.sync()
    assert notice["data"]["reasonInfo"] == {
        "reason": 0, "reasonName": "PlacedIn", "reasonDescription": "placed in InProgress by agent3@example.com"
    }  # fmt: skip
    [item] = (await a3.get(f"/me/workbins/{workbin_id}/interactions?fields=*"))["interactions"]
    example = {"InQueues", "MediaType", "InteractionId", "ServiceType", "IsHeld", "IsOnline", "DeliveredAt",
               "_ContainsAttachment", "_AttachmentsSize", "SubmittedBy", "EmailAddress", "Queue", "InteractionType",
               "MovedToQueueAt", "_AutoReplyCount", "PlacedInQueueAt", "IsLocked", "CustomerSegment", "To",
               "ReceivedAt", "InteractionSubtype", "Workbin", "OutQueues", "AssignedAt", "_AttachmentFileNames",
               "Mailbox", "TenantId", "WorkbinAgentId", "SubmittedAt", "Subject", "ServiceObjective", "AssignedTo",
               "Origination_Source", "FromAddress", "ContactId", "FromPersonal", "InteractionState"}  # fmt: skip
    assert example <= set(item)
    assert (item["ReceivedAt"], item["PlacedInQueueAt"]) == ("1970-01-01T00:00:00Z", "1970-01-01T00:00:05Z")
    assert (item["Mailbox"], item["EmailAddress"], item["_ContainsAttachment"]) == ("help", "pat@example.org", "false")

    # GetWorkbinContent as an operation: each interaction of the workbin told as an InteractionStateMessage
    reply = await a3.post("/me/interactions", {"operationName": "GetWorkbinContent", "workbin": workbin_id})
    assert reply.code == 0, reply.body
    [content] = await told(a3)
    assert (content["id"], content["state"], content["currentQueue"]) == (email_id, "Queued", "InProgress/PrivateQueue")
    for body, code, named in (({}, 1, "workbin"), ({"workbin": "Attic"}, 2, "workbin: 'Attic'")):
        refused = await a3.post("/me/interactions", {"operationName": "GetWorkbinContent", **body})
        assert refused.code == code and named in refused.message
    assert await a3.sync() == []


async def test_put_on_an_interaction_updates_its_user_data(office: Office):
    a3 = office.a3
    await office.ready(a3, "chat")
    chat_id = await office.chat()
    await told(a3)
    await ok(a3, chat_id, "Accept")
    await told(a3)
    reply = await a3.rest.put(f"/interactions/{chat_id}", {"userData": {"disposition": "sold"}})
    assert reply.code == 0, reply.body
    [changed] = await told(a3)
    assert changed["state"] == "PropertiesChanged" and changed["userData"]["disposition"] == "sold"
    for body, code, named in (({"userData": 3}, 2, "userData"), ({"colour": "red"}, 2, "colour"), ({}, 1, "userData")):
        refused = await a3.rest.put(f"/interactions/{chat_id}", body)
        assert refused.code == code and named in refused.message, refused.body
    refused = await office.a1.rest.put(f"/interactions/{chat_id}", {"userData": {"k": "v"}})
    assert refused.code in (2, 6)  # not a1's interaction
    assert await a3.sync() == [] and await office.a1.sync() == []


async def test_transfer_a_chat_to_a_queue_and_an_e_mail_to_a_skill(office: Office):
    a1, a2, a3 = office.a1, office.a2, office.a3
    await office.ready(a3, "chat", "email")
    chat_id = await office.chat()
    await told(a3)
    await ok(a3, chat_id, "Accept")
    await told(a3)
    await office.ready(a1, "chat")  # Support 3: the chat queue reaches them too
    assert (await a3.post("/me/channels/chat", {"operationName": "NotReady"})).code == 0
    await a3.sync()
    await ok(a3, chat_id, "SingleStepTransfer", queueName="Web chat")
    assert [doc["state"] for doc in await told(a3)] == ["Transferred"]
    [invited] = await told(a1)
    assert (invited["id"], invited["state"], invited["currentQueue"]) == (chat_id, "Invited", "Web chat")
    refused = await op(a1, chat_id, "Accept")
    assert refused.code == 0
    await told(a1)
    refused = await op(a1, chat_id, "Transfer", queueName="Support mailbox")  # a queue of another channel
    assert refused.code == 2 and "queueName: 'Support mailbox' is not a chat queue" in refused.message

    email_id = (await office.sim("POST", "/emails", {"from": "pat@example.org", "subject": "Bill"})).body["id"]
    [offer] = await told(a3)
    assert offer["id"] == email_id
    await ok(a3, email_id, "Accept")
    await told(a3)
    await office.ready(a2, "email")  # Sales, no Support: only a transfer to Sales reaches them
    sales = next(
        skill for skill in (await office.admin.get("/skills?fields=*")).body["skills"] if skill["name"] == "Sales"
    )
    for params, named in (
        ({"skill": "Cooking"}, "skill: 'Cooking' is not a skill"),
        ({"skill": "Sales", "queueName": "Support mailbox"}, "give one of userId, queueName and skill"),
    ):
        refused = await op(a3, email_id, "Transfer", **params)
        assert refused.code == 2 and named in refused.message
    assert await a3.sync() == [] and await a2.sync() == []
    await ok(a3, email_id, "Transfer", skill=sales["id"])
    assert [doc["state"] for doc in await told(a3)] == ["Transferred"]
    [invited] = await told(a2)
    assert (invited["id"], invited["state"]) == (email_id, "Invited")


async def test_a_draft_updates_its_properties_before_it_is_sent(office: Office):
    a3 = office.a3
    await office.ready(a3)
    reply = await a3.post("/me/interactions", {"operationName": "Create", "queueName": "Support mailbox"})
    draft_id = reply.body["id"]
    [created] = await told(a3)
    assert {"Cancel", "Send", "PlaceInWorkbin", "UpdateProperties"} <= set(created["capabilities"])  # the example's
    email = {"toAddress": "pat@example.org", "subject": "Your bill"}
    await ok(a3, draft_id, "UpdateProperties", email_object=email, userData={"case": "7"})
    [changed] = await told(a3)
    assert changed["state"] == "PropertiesChanged" and changed["userData"] == {"case": "7"}
    assert (changed["content"]["toAddress"], changed["content"]["subject"]) == ("pat@example.org", "Your bill")
    for params, code, named in (({}, 1, "email_object or userData"), ({"email_object": {"colour": "red"}}, 2,
                                "email_object.colour"), ({"userData": 3}, 2, "userData")):  # fmt: skip
        refused = await op(a3, draft_id, "UpdateProperties", **params)
        assert refused.code == code and named in refused.message, refused.body
    assert await a3.sync() == []
    await ok(a3, draft_id, "Send")
    [sent] = (await office.sim("GET", "/emails")).body["emails"]
    assert (sent["toAddress"], sent["subject"]) == ("pat@example.org", "Your bill")
