"""The simulator's CometD endpoint: who may handshake, and who receives what."""

from __future__ import annotations

import asyncio

import aiohttp
from conftest import AGENT1, AGENT2
from raw_bayeux import RawClient, basic

WAIT = 10


async def test_basic_credentials_on_the_handshake(live_server):
    client = RawClient(live_server.notifications_url, auth=AGENT1)
    try:
        reply = await client.handshake()
        assert reply["successful"] is True
        session = live_server.bayeux.sessions[reply["clientId"]]
        assert session.user == live_server.user_id(AGENT1[0])
    finally:
        await client.close()


async def test_session_cookie_of_an_earlier_rest_request(live_server):
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(f"{live_server.url}/api/v2/me", headers=basic(AGENT2)) as response:
            assert response.status == 200
            assert "JSESSIONID" in response.cookies
        # No credentials from here on: the cookie alone authenticates the handshake.
        handshake = [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}]
        async with http.post(live_server.notifications_url + "/handshake", json=handshake) as response:
            reply = (await response.json())[0]
    assert reply["successful"] is True
    assert live_server.bayeux.sessions[reply["clientId"]].user == live_server.user_id(AGENT2[0])


async def test_websocket_handshake_with_the_session_cookie(live_server):
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(f"{live_server.url}/api/v2/me", headers=basic(AGENT1)) as response:
            assert response.status == 200
        async with http.ws_connect(live_server.notifications_url) as socket:
            await socket.send_json([{"channel": "/meta/handshake", "version": "1.0"}])
            reply = (await asyncio.wait_for(socket.receive_json(), WAIT))[0]
    assert reply["successful"] is True


async def test_no_credentials_and_wrong_password_are_refused(live_server):
    for auth in (None, (AGENT1[0], "wrong"), ("nobody@example.com", "password")):
        client = RawClient(live_server.notifications_url, auth=auth)
        try:
            reply = await client.handshake()
        finally:
            await client.close()
        assert reply["successful"] is False, auth
        assert reply["error"] == "403::handshake_denied"
        assert reply["advice"] == {"reconnect": "none"}
    assert live_server.bayeux.sessions == {}


async def test_a_forged_session_cookie_is_refused(live_server):
    async with aiohttp.ClientSession(cookies={"JSESSIONID": "forged"}) as http:
        handshake = [{"channel": "/meta/handshake", "version": "1.0"}]
        async with http.post(live_server.notifications_url, json=handshake) as response:
            reply = (await response.json())[0]
    assert reply["error"] == "403::handshake_denied"


async def test_each_agent_receives_only_its_own_me_topics(live_server):
    agents = {}
    try:
        for credentials in (AGENT1, AGENT2):
            client = RawClient(live_server.notifications_url, auth=credentials)
            await client.handshake()
            await client.connect()
            assert (await client.send("/meta/subscribe", subscription="/v2/me/calls"))["successful"]
            agents[credentials[0]] = client
        agent1 = live_server.user_id(AGENT1[0])
        assert live_server.bayeux.deliver(agent1, "/v2/me/calls", {"call": {"id": "c1"}}) == 1
        replies = await asyncio.wait_for(agents[AGENT1[0]].connect(), WAIT)
        assert replies[0] == {"channel": "/v2/me/calls", "data": {"call": {"id": "c1"}}}
        other = live_server.bayeux.sessions[agents[AGENT2[0]].client_id]
        assert other.pending == 0
    finally:
        for client in agents.values():
            await client.close()


async def test_clients_cannot_publish_on_the_simulator_topics(live_server):
    client = RawClient(live_server.notifications_url, auth=AGENT1)
    try:
        await client.handshake()
        for channel in ("/v2/me/calls", "/v2/me/devices", "/notifications/services"):
            reply = await client.send(channel, data={"forged": True})
            assert reply["successful"] is False and reply["error"] == "403::publish_denied", channel
    finally:
        await client.close()
