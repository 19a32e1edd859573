"""Websocket push: messages leave as soon as they are queued, not only with /meta/connect replies."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from bayeux_harness import WAIT, until
from proxy import CuttableProxy
from yarl import URL

from bayeux.client import BayeuxClient


class Socket:
    """A raw Bayeux websocket: batches out, frames in."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.client_id = ""

    async def send(self, batch: list[dict[str, Any]]) -> None:
        await self.socket.send_str(json.dumps(batch))

    async def frame(self) -> list[dict[str, Any]]:
        return json.loads((await asyncio.wait_for(self.socket.receive(), WAIT)).data)

    async def until(self, channel: str) -> list[list[dict[str, Any]]]:
        """Frames until one carries a message on `channel`."""
        frames = [await self.frame()]
        while not any(m.get("channel") == channel for m in frames[-1]):
            frames.append(await self.frame())
        return frames

    async def start(self, subscription: str, ext: dict[str, Any] | None = None) -> None:
        await self.send([{"channel": "/meta/handshake", "version": "1.0", "id": "1", **({"ext": ext} if ext else {})}])
        [hello] = await self.frame()
        self.client_id = hello["clientId"]
        await self.send([{**self.connect_message("2"), "advice": {"timeout": 0}}])
        await self.until("/meta/connect")
        await self.send(
            [
                self.connect_message("3"),
                {"channel": "/meta/subscribe", "clientId": self.client_id, "subscription": subscription, "id": "4"},
            ]
        )
        await self.until("/meta/subscribe")

    def connect_message(self, identifier: str) -> dict[str, Any]:
        return {"channel": "/meta/connect", "clientId": self.client_id, "connectionType": "websocket", "id": identifier}


async def test_messages_are_pushed_in_order_while_the_connect_stays_held(bare):
    harness, client = await bare(timeout=30000)
    raw = client()
    async with raw.http.ws_connect(raw.url) as websocket:
        socket = Socket(websocket)
        await socket.start("/feed")
        session = harness.server.sessions[socket.client_id]
        await until(lambda: session.held)
        received: list[int] = []
        frames = 0
        for turn in range(50):
            for n in range(10):
                assert harness.server.publish("/feed", {"n": turn * 10 + n}) == 1
            await asyncio.sleep(0)  # the next ten in another loop turn
        while len(received) < 500:
            frame = await socket.frame()
            frames += 1
            assert all(m["channel"] == "/feed" for m in frame), "pushed alone: the held connect is not answered"
            received.extend(m["data"]["n"] for m in frame)
        assert received == list(range(500)), "in the order they were published"
        assert frames < 500, "what was queued in one loop turn left in one frame"
        assert session.held and session.pending == 0


async def test_the_held_connect_is_still_answered_at_its_timeout(bare):
    harness, client = await bare(timeout=300)
    raw = client()
    async with raw.http.ws_connect(raw.url) as websocket:
        socket = Socket(websocket)
        await socket.start("/feed")
        harness.server.publish("/feed", {"n": 1})
        frames = await socket.until("/meta/connect")
        messages = [m for frame in frames for m in frame]
        assert [m.get("data") for m in messages if m["channel"] == "/feed"] == [{"n": 1}]
        assert [m["id"] for m in messages if m["channel"] == "/meta/connect"] == ["3"]


async def test_with_acknowledgements_messages_leave_with_numbered_connect_replies(bare):
    harness, client = await bare(timeout=30000)
    raw = client()
    async with raw.http.ws_connect(raw.url) as websocket:
        socket = Socket(websocket)
        await socket.start("/feed", ext={"ack": True})
        session = harness.server.sessions[socket.client_id]
        await until(lambda: session.held)
        harness.server.publish("/feed", {"n": 1})
        harness.server.publish("/feed", {"n": 2})
        frame = await socket.frame()
        assert [m.get("data") for m in frame[:-1]] == [{"n": 1}, {"n": 2}], "one frame, at once"
        assert frame[-1]["channel"] == "/meta/connect" and isinstance(frame[-1]["ext"]["ack"], int)
        assert session.pending == 2, "kept until the client acknowledges the batch"
        await socket.send([{**socket.connect_message("5"), "ext": {"ack": frame[-1]["ext"]["ack"]}}])
        await until(lambda: session.pending == 0)


async def test_nothing_is_lost_or_sent_twice_across_200_dropped_websockets_with_acks(bare):
    """The Python client over websocket with acknowledgements, through a proxy that drops the connection
    200 times: sometimes right after messages were queued (they may be in flight, or not yet written),
    sometimes after the server wrote them into a network that swallowed them. Every message arrives once,
    in order, on the same session."""
    harness, _ = await bare(timeout=30000)
    target = URL(harness.url)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 80)
    await proxy.start()
    received: list[int] = []
    url = f"http://127.0.0.1:{proxy.port}{target.path}"
    try:
        async with BayeuxClient(
            url, on_message=lambda m: received.append(m["data"]["n"]), transport="websocket"
        ) as client:
            await client.subscribe("/feed")
            assert client.client_id is not None
            session = harness.server.sessions[client.client_id]
            sent = 0
            for drop in range(200):
                await until(lambda: session.held and not session.has_messages())
                swallow = drop % 2 == 1
                proxy.blackhole = swallow
                swallowed = proxy.swallowed
                for _ in range(3):
                    assert harness.server.publish("/feed", {"n": sent}) == 1
                    sent += 1
                if swallow:  # written by the server, into a network that loses it
                    await until(lambda before=swallowed: proxy.swallowed > before)
                proxy.cut()
                proxy.blackhole = False
                await until(lambda wanted=sent: len(received) >= wanted)
            assert received == list(range(sent)), "each message once, in order"
            assert harness.server.sessions[client.client_id] is session, "the same session all along"
            await until(lambda: session.pending == 0)
    finally:
        await proxy.stop()
