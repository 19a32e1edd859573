"""The Python Bayeux client (bayeux/client.py) against our Bayeux server, over both of its transports."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import bayeux
from bayeux.client import BayeuxClient, BayeuxError

WAIT = 10  # seconds: the bound of every wait on an expected message

pytestmark = pytest.mark.parametrize("transport", ["long-polling", "websocket"])


class Inbox:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def __call__(self, message: dict[str, Any]) -> None:
        self.queue.put_nowait(message)

    async def next(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.queue.get(), WAIT)


async def test_receives_what_the_server_publishes_in_order(bare, transport: str) -> None:
    harness, _ = await bare()
    inbox = Inbox()
    async with BayeuxClient(harness.url, on_message=inbox, transport=transport) as client:
        await client.subscribe("/news/*")
        for n in range(3):
            harness.server.publish("/news/today", {"n": n})
        received = [await inbox.next() for _ in range(3)]
    assert [(m["channel"], m["data"]) for m in received] == [("/news/today", {"n": n}) for n in range(3)]


async def test_a_client_publish_reaches_another_subscriber_and_itself(bare, transport: str) -> None:
    harness, _ = await bare(bayeux.SecurityPolicy(publish_channels=("/chat",)))
    mine, theirs = Inbox(), Inbox()
    async with (
        BayeuxClient(harness.url, on_message=mine, transport=transport) as me,
        BayeuxClient(harness.url, on_message=theirs, transport=transport) as other,
    ):
        await me.subscribe("/chat")
        await other.subscribe("/chat")
        await me.publish("/chat", {"text": "hello"})
        assert (await theirs.next())["data"] == {"text": "hello"}
        assert (await mine.next())["data"] == {"text": "hello"}


async def test_a_refused_subscription_raises_with_the_servers_error(bare, transport: str) -> None:
    harness, _ = await bare()
    async with BayeuxClient(harness.url, transport=transport) as client:
        with pytest.raises(BayeuxError) as refused:
            await client.subscribe("/meta/connect")
    assert "403" in refused.value.reply["error"]


async def test_a_forgotten_session_handshakes_again_and_keeps_its_subscriptions(bare, transport: str) -> None:
    harness, _ = await bare()
    inbox = Inbox()
    renewed: asyncio.Queue[str] = asyncio.Queue()
    async with BayeuxClient(
        harness.url, on_message=inbox, on_session=renewed.put_nowait, transport=transport
    ) as client:
        await client.subscribe("/news")
        first_id = client.client_id
        assert first_id is not None
        session = harness.server.sessions[first_id]
        harness.server.disconnect(session)
        new_id = await asyncio.wait_for(renewed.get(), WAIT)
        assert new_id != first_id
        assert harness.server.publish("/news", {"after": "rehandshake"}) == 1
        assert (await inbox.next())["data"] == {"after": "rehandshake"}


async def test_acknowledged_batches_are_counted_by_the_server(bare, transport: str) -> None:
    harness, _ = await bare()
    inbox = Inbox()
    async with BayeuxClient(harness.url, on_message=inbox, ack=True, transport=transport) as client:
        await client.subscribe("/news")
        harness.server.publish("/news", {"n": 1})
        await inbox.next()
        harness.server.publish("/news", {"n": 2})
        assert (await inbox.next())["data"] == {"n": 2}  # the first batch was acknowledged, not sent again
        assert client._acked is not None and client._acked >= 1


async def test_the_session_is_on_the_transport_asked_for(bare, transport: str) -> None:
    harness, _ = await bare()
    async with BayeuxClient(harness.url, transport=transport) as client:
        await client.subscribe("/news")
        assert client.client_id is not None
        assert harness.server.sessions[client.client_id].transport == transport


async def test_a_message_matching_several_subscriptions_of_a_session_reaches_it_once(bare, transport: str) -> None:
    """As the reference server does: one copy per session, whichever of its subscriptions match."""
    harness, _ = await bare()
    inbox = Inbox()
    async with BayeuxClient(harness.url, on_message=inbox, transport=transport) as client:
        await client.subscribe("/news/today", "/news/*", "/**")
        assert harness.server.publish("/news/today", {"n": 0}) == 1
        harness.server.publish("/weather", {"n": 1})  # matches /** alone: it comes next, nothing between
        received = [await inbox.next() for _ in range(2)]
    assert [(m["channel"], m["data"]) for m in received] == [("/news/today", {"n": 0}), ("/weather", {"n": 1})]
