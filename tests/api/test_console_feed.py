"""The console's feed: every notification the notifier delivers, tagged with its user, for admins only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from conftest import AGENT1, LiveServer
from raw_bayeux import RawClient, basic

ADMIN = ("admin@example.com", "password")
CONSOLE = "/sim/console"


@pytest.fixture
async def admin(live_server: LiveServer) -> AsyncIterator[RawClient]:
    client = RawClient(live_server.notifications_url, ADMIN)
    yield client
    await client.close()


@pytest.fixture
async def agent(live_server: LiveServer) -> AsyncIterator[RawClient]:
    client = RawClient(live_server.notifications_url, AGENT1)
    yield client
    await client.close()


async def feed(client: RawClient, count: int) -> list[dict]:
    """The feed's messages, connecting until at least `count` came (each connect is answered when any came)."""
    messages: list[dict] = []
    for _ in range(count + 3):
        batch = await client.connect()
        messages += [reply["data"] for reply in batch if reply.get("channel") == CONSOLE]
        if len(messages) >= count:
            return messages
    raise AssertionError(f"{len(messages)} console messages, expected {count}: {messages}")


async def test_admin_sees_every_agents_notifications_tagged_and_in_stream_order(
    live_server: LiveServer, admin: RawClient
) -> None:
    assert (await admin.handshake())["successful"] is True
    assert (await admin.send("/meta/subscribe", subscription=CONSOLE))["successful"] is True
    await admin.connect()  # the first connect is answered at once
    async with admin.http.post(f"{live_server.url}/sim/calls", json={"from": "+15550001", "to": "5002"}) as reply:
        assert reply.status == 200, await reply.text()

    # Nobody of agent2's is connected: the feed tells the console all the same.
    messages = await feed(admin, 1)
    agent2 = live_server.user_id("agent2@example.com")
    calls = [m for m in messages if m["channel"] == "/v2/me/calls"]
    assert calls, messages
    assert {m["user"] for m in calls} == {agent2}
    assert calls[0]["data"]["messageType"] == "CallStateChangeMessage"
    assert calls[0]["data"]["call"]["state"] == "Ringing"
    assert calls[0]["kind"] == "CallStateChanged"
    seqs = [m["seq"] for m in messages]
    assert seqs == sorted(seqs) and seqs[0] >= 1


async def test_agents_may_neither_subscribe_to_nor_publish_on_the_feed(agent: RawClient) -> None:
    assert (await agent.handshake())["successful"] is True
    subscribe = await agent.send("/meta/subscribe", subscription=CONSOLE)
    assert subscribe["successful"] is False, subscribe
    wildcard = await agent.send("/meta/subscribe", subscription="/sim/**")
    assert wildcard["successful"] is False, wildcard
    published = await agent.send(CONSOLE, data={"user": "someone", "channel": "/v2/me/calls", "data": {}})
    assert published["successful"] is False, published
    # The agent's own topics are still theirs to subscribe to.
    assert (await agent.send("/meta/subscribe", subscription="/v2/me/calls"))["successful"] is True


async def test_an_agent_subscribed_to_everything_gets_only_their_own(live_server: LiveServer, agent: RawClient) -> None:
    """`/**` matches the feed's channel too: the feed is delivered to admins, so the agent sees only theirs."""
    assert (await agent.handshake())["successful"] is True
    assert (await agent.send("/meta/subscribe", subscription="/**"))["successful"] is True
    await agent.connect()
    async with aiohttp.ClientSession(headers=basic(ADMIN)) as http:
        for to in ("5002", "5001"):  # agent2's call first: were it leaked, it would come before agent1's
            async with http.post(f"{live_server.url}/sim/calls", json={"from": "+15550001", "to": to}) as reply:
                assert reply.status == 200, await reply.text()
    batch = await agent.connect()
    channels = {reply["channel"] for reply in batch if not reply["channel"].startswith("/meta/")}
    assert channels and CONSOLE not in channels, batch
    assert all(reply["data"]["call"]["dnis"] == "5001" for reply in batch if reply["channel"] == "/v2/me/calls")


async def test_admin_may_not_publish_on_the_feed_either(admin: RawClient) -> None:
    assert (await admin.handshake())["successful"] is True
    published = await admin.send(CONSOLE, data={"forged": True})
    assert published["successful"] is False, published


async def test_a_user_made_admin_at_run_time_gets_the_feed_until_demoted(
    live_server: LiveServer, admin: RawClient
) -> None:
    """The feed follows roles as they change: a new admin is fed at once, a demoted one no longer."""
    watcher_login = ("watcher@example.com", "password")
    async with aiohttp.ClientSession(headers=basic(ADMIN)) as http:
        new = {"userName": watcher_login[0], "password": watcher_login[1], "roles": ["ROLE_ADMIN"]}
        async with http.post(f"{live_server.url}/api/v2/users", json=new) as reply:
            assert reply.status == 200, await reply.text()
        watcher = RawClient(live_server.notifications_url, watcher_login)
        try:
            assert (await watcher.handshake())["successful"] is True
            assert (await watcher.send("/meta/subscribe", subscription=CONSOLE))["successful"] is True
            await watcher.connect()
            async with http.post(f"{live_server.url}/sim/calls", json={"from": "+15550001", "to": "5002"}) as reply:
                assert reply.status == 200, await reply.text()
            assert any(m["channel"] == "/v2/me/calls" for m in await feed(watcher, 1))

            watcher_id = live_server.user_id(watcher_login[0])
            demoted = {"roles": ["ROLE_SUPERVISOR"]}
            async with http.put(f"{live_server.url}/api/v2/users/{watcher_id}", json=demoted) as reply:
                assert reply.status == 200, await reply.text()
            assert (await admin.handshake())["successful"] is True
            assert (await admin.send("/meta/subscribe", subscription=CONSOLE))["successful"] is True
            await admin.connect()
            async with http.post(f"{live_server.url}/sim/calls", json={"from": "+15550002", "to": "5001"}) as reply:
                assert reply.status == 200, await reply.text()
            assert any(m["channel"] == "/v2/me/calls" for m in await feed(admin, 1))  # the feed went out
            batch = await watcher.connect(advice={"timeout": 0})
            assert not [m for m in batch if m.get("channel") == CONSOLE], batch
        finally:
            await watcher.close()
