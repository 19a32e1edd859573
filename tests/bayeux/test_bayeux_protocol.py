"""The Bayeux protocol over raw HTTP and websocket, on a server mounted in a bare aiohttp application.

A hand-written client sends exactly the bytes under test, so every error path is checked to the letter.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from bayeux_harness import WAIT, ByUserHeader, subscribed, until

import bayeux

# ----- handshake and connect ------------------------------------------------------------------------


async def test_handshake_reply_is_complete(bare):
    harness, client = await bare()
    reply = await client().handshake()
    assert reply["successful"] is True
    assert reply["version"] == "1.0"
    assert set(reply["supportedConnectionTypes"]) == {"websocket", "long-polling", "callback-polling"}
    assert reply["advice"] == {"reconnect": "retry", "interval": 0, "timeout": 30000}
    assert reply["clientId"] in harness.server.sessions
    assert reply["id"] == "1"


async def test_handshake_sets_browser_cookie_once(bare):
    harness, client = await bare()
    raw = client()
    message = [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}]
    async with raw.http.post(raw.url + "/handshake", json=message) as response:
        cookie = response.cookies["BAYEUX_BROWSER"]
        assert cookie["path"] == "/" and cookie["httponly"]
    async with raw.http.post(raw.url + "/handshake", json=message) as response:
        assert "BAYEUX_BROWSER" not in response.cookies


async def test_first_connect_is_answered_at_once_and_later_ones_are_held(bare):
    harness, client = await bare(timeout=30000)
    raw = client()
    await raw.handshake()
    first = await asyncio.wait_for(raw.connect(), WAIT)
    assert first[-1]["successful"] and first[-1]["advice"]["timeout"] == 30000
    held = asyncio.create_task(raw.connect())
    done, _ = await asyncio.wait({held}, timeout=0.3)
    assert not done, "a connect with nothing to deliver must be held"
    harness.server.publish("/nobody/listens", {})
    assert not held.done()
    await raw.send("/meta/disconnect")
    replies = await asyncio.wait_for(held, WAIT)
    assert replies[-1]["channel"] == "/meta/connect"


async def test_connect_honours_a_shorter_client_timeout(bare):
    harness, client = await bare(timeout=30000)
    raw = client()
    await raw.handshake()
    await raw.connect()
    replies = await asyncio.wait_for(raw.connect(advice={"timeout": 0}), WAIT)
    assert replies[-1]["successful"] is True


async def test_unknown_connection_type_is_refused(bare):
    harness, client = await bare()
    reply = await client().send("/meta/handshake", version="1.0", supportedConnectionTypes=["carrier-pigeon"])
    assert reply["successful"] is False
    assert reply["error"].endswith(":connection_type_unsupported")
    assert reply["advice"]["reconnect"] == "none"


async def test_policy_can_refuse_a_handshake(bare):
    class Nobody(bayeux.SecurityPolicy):
        async def authenticate(self, request, message):
            return None

    harness, client = await bare(Nobody())
    reply = await client().handshake()
    assert reply == {
        "channel": "/meta/handshake",
        "id": "1",
        "version": "1.0",
        "minimumVersion": "1.0",
        "supportedConnectionTypes": ["websocket", "long-polling", "callback-polling"],
        "successful": False,
        "error": "403::handshake_denied",
        "advice": {"reconnect": "none"},
    }
    assert harness.server.sessions == {}


# ----- error paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["/meta/connect", "/meta/subscribe", "/meta/unsubscribe", "/meta/disconnect"])
async def test_no_client_id_is_an_unknown_session(bare, channel):
    harness, client = await bare()
    reply = await client().send(channel, subscription="/a")
    assert reply["successful"] is False
    assert reply["error"] == "402::session_unknown"
    assert reply["advice"] == {"reconnect": "handshake", "interval": 0}


async def test_unknown_client_id_is_an_unknown_session(bare):
    harness, client = await bare()
    raw = client()
    raw.client_id = "not-a-session"
    replies = await raw.connect()
    assert replies[-1]["error"] == "402::session_unknown"
    assert replies[-1]["advice"]["reconnect"] == "handshake"
    publish = await raw.send("/chat/room", data={"text": "hi"})
    assert publish["error"] == "402::session_unknown"


async def test_malformed_json_is_a_400(bare):
    harness, client = await bare()
    status, body = await client().post(None, "/handshake", raw=b'[{"channel": "/meta/handshake",')
    assert status == 400
    assert body[0]["successful"] is False
    code, args, name = body[0]["error"].split(":", 2)
    assert (code, name) == ("400", "message_invalid") and "JSON" in args


async def test_message_that_is_not_an_object_is_refused(bare):
    harness, client = await bare()
    status, body = await client().post([42, "text"])
    assert status == 200
    assert [reply["error"] for reply in body] == ["400::message_invalid", "400::message_invalid"]


async def test_missing_channel(bare):
    harness, client = await bare()
    status, body = await client().post([{"id": "7", "clientId": "x"}])
    assert body == [{"channel": None, "id": "7", "successful": False, "error": "400::channel_missing"}]


@pytest.mark.parametrize("name", ["no-slash", "/a//b", "/a/*/b", "/a/***"])
async def test_invalid_channel_names(bare, name):
    harness, client = await bare()
    raw = client()
    await raw.handshake()
    subscribe = await raw.send("/meta/subscribe", subscription=name)
    assert subscribe["successful"] is False and subscribe["error"] == "405::channel_invalid"
    assert subscribe["subscription"] == name


async def test_publish_to_a_wildcard_is_invalid(bare):
    harness, client = await bare()
    raw = client()
    await raw.handshake()
    reply = await raw.send("/chat/*", data={})
    assert reply["error"] == "405::channel_invalid"


@pytest.mark.parametrize("name", ["/meta/connect", "/meta/**", "/meta/*"])
async def test_meta_channels_cannot_be_subscribed(bare, name):
    harness, client = await bare()
    raw = client()
    await raw.handshake()
    reply = await raw.send("/meta/subscribe", subscription=name)
    assert reply["successful"] is False and reply["error"] == "403::subscription_invalid"
    session = harness.server.sessions[raw.client_id]
    assert session.subscriptions == set()


async def test_missing_subscription(bare):
    harness, client = await bare()
    raw = client()
    await raw.handshake()
    reply = await raw.send("/meta/subscribe")
    assert reply["error"] == "403::subscription_missing"


async def test_unknown_meta_channel(bare):
    harness, client = await bare()
    raw = client()
    await raw.handshake()
    reply = await raw.send("/meta/teleport")
    assert reply["successful"] is False and reply["error"] == "400::channel_unknown"


async def test_publish_without_data(bare):
    harness, client = await bare()
    raw = client()
    await raw.handshake()
    reply = await raw.send("/chat/room")
    assert reply["error"] == "400::data_missing"


async def test_wrong_method_is_a_405(bare):
    harness, client = await bare()
    raw = client()
    async with raw.http.put(raw.url + "/handshake", json=[]) as response:
        assert response.status == 405


async def test_plain_get_without_callback_or_upgrade_is_a_400(bare):
    harness, client = await bare()
    raw = client()
    async with raw.http.get(raw.url + "/connect") as response:
        assert response.status == 400
        body = await response.json()
        assert "jsonp" in body[0]["error"]


async def test_oversized_body_is_a_413_and_creates_nothing(bare):
    harness, client = await bare(max_message_size=1024)
    message = [{"channel": "/meta/handshake", "version": "1.0", "ext": {"padding": "x" * 2048}}]
    status, body = await client().post(message, "/handshake")
    assert status == 413
    assert body[0]["error"].endswith(":message_too_large")
    assert harness.server.sessions == {}


async def test_oversized_websocket_frame_closes_the_socket(bare):
    harness, client = await bare(max_message_size=1024)
    raw = client()
    async with raw.http.ws_connect(raw.url) as socket:
        await socket.send_str(json.dumps([{"channel": "/meta/handshake", "ext": {"padding": "x" * 2048}}]))
        closing = await asyncio.wait_for(socket.receive(), WAIT)
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
        assert socket.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
    assert harness.server.sessions == {}


# ----- channels and delivery ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "published", "delivered"),
    [
        ("/chat/room", "/chat/room", True),
        ("/chat/room", "/chat/room2", False),
        ("/chat/*", "/chat/room", True),
        ("/chat/*", "/chat/room/sub", False),
        ("/chat/**", "/chat/room/sub", True),
        ("/chat/**", "/chatter/room", False),
    ],
)
async def test_wildcard_subscriptions(bare, pattern, published, delivered):
    harness, client = await bare()
    raw = client()
    await subscribed(raw, pattern)
    assert harness.server.publish(published, {"on": published}) == int(delivered)
    harness.server.publish("/marker", {})  # nobody listens: proves nothing is left over
    if delivered:
        replies = await asyncio.wait_for(raw.connect(), WAIT)
        assert replies[:-1] == [{"channel": published, "data": {"on": published}}]


async def test_client_publish_reaches_subscribers_and_is_acknowledged(bare):
    harness, client = await bare(bayeux.SecurityPolicy(publish_channels=("/chat/**",)))
    alice, bob = client(), client()
    await subscribed(alice, "/chat/room")
    await subscribed(bob, "/chat/room")
    reply = await bob.send("/chat/room", data={"text": "hello"})
    assert reply == {"channel": "/chat/room", "id": reply["id"], "successful": True}
    for raw in (alice, bob):
        replies = await asyncio.wait_for(raw.connect(), WAIT)
        assert replies[0] == {"channel": "/chat/room", "data": {"text": "hello"}}


async def test_service_channels_go_to_listeners_not_subscribers(bare):
    harness, client = await bare()
    heard: list[Any] = []
    harness.server.on_publish("/service/**", lambda session, message: heard.append(message["data"]))
    alice, bob = client(), client()
    await subscribed(alice, "/service/echo")
    await bob.handshake()
    reply = await bob.send("/service/echo", data={"ping": 1})
    assert reply["successful"] is True
    assert heard == [{"ping": 1}]
    assert alice.client_id is not None
    assert harness.server.sessions[alice.client_id].pending == 0


async def test_server_channels_refuse_remote_publish(bare):
    harness, client = await bare(bayeux.SecurityPolicy(server_channels=("/v2/**",), publish_channels=("/**",)))
    raw = client()
    await subscribed(raw, "/v2/me/calls")
    reply = await raw.send("/v2/me/calls", data={"forged": True})
    assert reply["successful"] is False and reply["error"] == "403::publish_denied"
    assert harness.server.sessions[raw.client_id].pending == 0


async def test_policy_can_refuse_a_subscription(bare):
    class Private(bayeux.SecurityPolicy):
        async def can_subscribe(self, session, name, message):
            return not name.startswith("/private")

    harness, client = await bare(Private())
    raw = client()
    await raw.handshake()
    reply = await raw.send("/meta/subscribe", subscription=["/public", "/private/x"])
    assert reply["error"] == "403::subscribe_denied"
    assert harness.server.sessions[raw.client_id].subscriptions == set(), "nothing is half-applied"


async def test_deliver_reaches_only_the_sessions_of_one_user(bare):
    harness, client = await bare(ByUserHeader())
    clients = {}
    for user in ("alice", "bob"):
        raw = client(user)
        await raw.handshake()
        await raw.connect()
        await raw.send("/meta/subscribe", subscription="/v2/me/calls")
        clients[user] = raw
    assert harness.server.deliver("alice", "/v2/me/calls", {"for": "alice"}) == 1
    assert harness.server.deliver("carol", "/v2/me/calls", {"for": "carol"}) == 0
    replies = await asyncio.wait_for(clients["alice"].connect(), WAIT)
    assert replies[0] == {"channel": "/v2/me/calls", "data": {"for": "alice"}}
    assert harness.server.sessions[clients["bob"].client_id].pending == 0


async def test_unsubscribe_stops_delivery(bare):
    harness, client = await bare()
    raw = client()
    await subscribed(raw, "/chat/**")
    reply = await raw.send("/meta/unsubscribe", subscription="/chat/**")
    assert reply["successful"] is True and reply["subscription"] == "/chat/**"
    assert harness.server.publish("/chat/room", {}) == 0


# ----- batches ---------------------------------------------------------------------------------------


async def test_batch_with_subscribe_and_connect_answers_both_with_ids(bare):
    harness, client = await bare()
    raw = client()
    await raw.handshake()
    await raw.connect()
    batch = [
        {"channel": "/meta/subscribe", "clientId": raw.client_id, "subscription": "/a", "id": "s"},
        {"channel": "/meta/connect", "clientId": raw.client_id, "connectionType": "long-polling", "id": "c"},
    ]
    task = asyncio.create_task(raw.post(batch, "/"))
    await until(lambda: harness.server.sessions[raw.client_id].held)
    harness.server.publish("/a", {"n": 1})
    status, replies = await asyncio.wait_for(task, WAIT)
    assert [r.get("id") for r in replies] == ["s", None, "c"]
    assert replies[1] == {"channel": "/a", "data": {"n": 1}}


async def test_single_object_body_is_accepted(bare):
    harness, client = await bare()
    status, body = await client().post({"channel": "/meta/handshake", "version": "1.0", "id": "x"})
    assert status == 200 and body[0]["successful"] is True and body[0]["id"] == "x"
