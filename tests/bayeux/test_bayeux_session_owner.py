"""A clientId alone never speaks for a session: every message after the handshake must come with the
credentials (or session cookie) of the user who handshook, and the browser cookie the session began with.

Each test starts a victim (agent1) with a subscription and a queued notification, then has someone else
name the victim's clientId on every meta channel, over long-polling, callback-polling and websocket. Every
such message is answered `402::session_unknown` and the victim's session is exactly as it was.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from conftest import AGENT1, AGENT2, start_server
from raw_bayeux import RawClient, basic

from simulator.center_file import load_default
from simulator.core.site import SiteOptions

WAIT = 10
CALLS = "/v2/me/calls"


async def victim_of(live_server) -> RawClient:
    """Agent1's session: handshaken, connected once, subscribed, one notification waiting for it."""
    victim = RawClient(live_server.notifications_url, auth=AGENT1)
    assert (await victim.handshake())["successful"]
    assert (await victim.connect())[-1]["successful"]
    assert (await victim.send("/meta/subscribe", subscription=CALLS))["successful"]
    assert live_server.bayeux.deliver(live_server.user_id(AGENT1[0]), CALLS, {"call": {"id": "secret"}}) == 1
    return victim


def hostile_batches(client_id: str, transport: str) -> list[list[dict[str, Any]]]:
    """What a hijacker would send with a stolen clientId: one message per meta channel, and a publish."""
    named = {"clientId": client_id}
    return [
        [{"channel": "/meta/connect", "connectionType": transport, "advice": {"timeout": 0}, "id": "c", **named}],
        [{"channel": "/meta/connect", "connectionType": transport, "ext": {"ack": 0}, "id": "a", **named}],
        [{"channel": "/meta/subscribe", "subscription": "/v2/me/devices", "id": "s", **named}],
        [{"channel": "/meta/unsubscribe", "subscription": CALLS, "id": "u", **named}],
        [{"channel": "/service/echo", "data": {"x": 1}, "id": "p", **named}],
        [{"channel": "/meta/disconnect", "id": "d", **named}],
    ]


def assert_refused(replies: list[dict[str, Any]]) -> None:
    assert replies, "every message is answered"
    for reply in replies:
        assert "data" not in reply, f"a message of the victim was delivered: {reply}"
        assert reply["successful"] is False, reply
        assert reply["error"] == "402::session_unknown", reply
        assert reply["advice"]["reconnect"] == "handshake"


async def assert_untouched(live_server, victim: RawClient) -> None:
    session = live_server.bayeux.sessions[victim.client_id]
    assert session.subscriptions == {CALLS}
    assert session.pending == 1
    assert not session.held
    replies = await asyncio.wait_for(victim.connect(), WAIT)
    assert replies[0] == {"channel": CALLS, "data": {"call": {"id": "secret"}}}, "the victim still gets it"


# A hijacker with other credentials, with none, and with another user's session cookie.
ATTACKERS = {"other user": AGENT2, "no credentials": None}


@pytest.mark.parametrize("attacker", ATTACKERS)
async def test_long_polling_with_a_stolen_client_id_is_session_unknown(live_server, attacker):
    victim = await victim_of(live_server)
    thief = RawClient(live_server.notifications_url, auth=ATTACKERS[attacker])
    try:
        for batch in hostile_batches(victim.client_id, "long-polling"):
            status, replies = await thief.post(batch, "/connect")
            assert status == 200
            assert_refused(replies)
        await assert_untouched(live_server, victim)
    finally:
        await thief.close()
        await victim.close()


async def test_another_users_session_cookie_does_not_speak_for_the_victim(live_server):
    victim = await victim_of(live_server)
    thief = RawClient(live_server.notifications_url, auth=None)
    try:
        async with thief.http.get(f"{live_server.url}/api/v2/me", headers=basic(AGENT2)) as response:
            assert response.status == 200 and "JSESSIONID" in response.cookies
        for batch in hostile_batches(victim.client_id, "long-polling"):
            assert_refused((await thief.post(batch, "/connect"))[1])
        await assert_untouched(live_server, victim)
    finally:
        await thief.close()
        await victim.close()


async def test_the_victims_credentials_from_another_browser_are_refused(live_server):
    """The same user's credentials with another BAYEUX_BROWSER cookie: not the browser that handshook."""
    victim = await victim_of(live_server)
    other = aiohttp.ClientSession(headers=basic(AGENT1), cookies={"BAYEUX_BROWSER": "another-browser"})
    try:
        for batch in hostile_batches(victim.client_id, "long-polling"):
            async with other.post(live_server.notifications_url, json=batch) as response:
                assert_refused(await response.json())
        await assert_untouched(live_server, victim)
    finally:
        await other.close()
        await victim.close()


@pytest.mark.parametrize("attacker", ATTACKERS)
async def test_callback_polling_with_a_stolen_client_id_is_session_unknown(live_server, attacker):
    victim = await victim_of(live_server)
    thief = RawClient(live_server.notifications_url, auth=ATTACKERS[attacker])
    try:
        for batch in hostile_batches(victim.client_id, "callback-polling"):
            url = f"{thief.url}/connect?jsonp=cb&message={quote(json.dumps(batch))}"
            async with thief.http.get(url) as response:
                assert response.status == 200
                text = await response.text()
            assert text.startswith("cb(") and text.endswith(");")
            assert_refused(json.loads(text[3:-2]))
        await assert_untouched(live_server, victim)
    finally:
        await thief.close()
        await victim.close()


@pytest.mark.parametrize("attacker", ATTACKERS)
async def test_websocket_with_a_stolen_client_id_is_session_unknown(live_server, attacker):
    victim = await victim_of(live_server)
    thief = RawClient(live_server.notifications_url, auth=ATTACKERS[attacker])
    try:
        async with thief.http.ws_connect(thief.url) as socket:
            for batch in hostile_batches(victim.client_id, "websocket"):
                await socket.send_str(json.dumps(batch))
                assert_refused(json.loads((await asyncio.wait_for(socket.receive(), WAIT)).data))
        await assert_untouched(live_server, victim)
    finally:
        await thief.close()
        await victim.close()


async def test_the_owner_itself_still_uses_its_session_on_every_transport(live_server):
    """The check costs the rightful owner nothing: its own requests, over each transport, go through."""
    victim = await victim_of(live_server)
    try:
        async with victim.http.ws_connect(victim.url) as socket:
            connect = {"channel": "/meta/connect", "clientId": victim.client_id, "connectionType": "websocket"}
            await socket.send_str(json.dumps([{**connect, "id": "w", "advice": {"timeout": 0}}]))
            replies = json.loads((await asyncio.wait_for(socket.receive(), WAIT)).data)
        assert replies[0]["data"] == {"call": {"id": "secret"}}
        assert replies[-1]["successful"] is True
        batch = [{**connect, "connectionType": "callback-polling", "id": "j", "advice": {"timeout": 0}}]
        async with victim.http.get(f"{victim.url}/connect?jsonp=cb&message={quote(json.dumps(batch))}") as response:
            assert json.loads((await response.text())[3:-2])[-1]["successful"] is True
    finally:
        await victim.close()


async def test_the_simulators_allowed_origins_reach_the_websocket_check():
    """`--allow-origin` (the site's allowed origins) lets that origin's pages open a websocket with the
    user's cookie; another origin's pages are refused, and the simulator's own origin always may."""
    center = load_default()
    center.site = SiteOptions(allow_origins=("http://localhost:3000",))
    runner, server = await start_server(center=center)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.get(f"{server.url}/api/v2/me", headers=basic(AGENT1)) as response:
                assert response.status == 200
            for origin, accepted in (
                ("http://localhost:3000", True),
                (server.url, True),
                ("http://evil.example", False),
            ):
                try:
                    async with http.ws_connect(server.notifications_url, headers={"Origin": origin}) as socket:
                        await socket.send_json([{"channel": "/meta/handshake", "version": "1.0"}])
                        reply = (await asyncio.wait_for(socket.receive_json(), WAIT))[0]
                    assert accepted and reply["successful"] is True, origin
                except aiohttp.WSServerHandshakeError as refused:
                    assert not accepted and refused.status == 403, origin
    finally:
        await runner.cleanup()
