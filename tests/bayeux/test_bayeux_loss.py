"""Nothing is lost, duplicated or reordered with the acknowledge extension, however often the network
drops the connection: a long-polling subscriber behind a proxy that swallows the server's replies and
cuts the connection, 200 times, at the two moments that matter (a reply already sent by the server,
and a connect held with nothing to send yet), with messages published meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import random
from typing import Any

import aiohttp
from bayeux_harness import WAIT, until
from proxy import CuttableProxy
from raw_bayeux import RawClient
from yarl import URL

CUTS = 200
FEED = "/feed"


class Subscriber:
    """A long-polling client that acknowledges what it received and keeps the data in arrival order."""

    def __init__(self, url: str) -> None:
        self.raw = RawClient(url, auth=None)
        self.acked = -1
        self.received: list[int] = []

    def connect(self, at_once: bool = False) -> asyncio.Task[list[dict[str, Any]]]:
        """A connect acknowledging the last batch; `at_once`: answered now, even with nothing to send."""
        advice = {"advice": {"timeout": 0}} if at_once else {}
        return asyncio.create_task(self.raw.connect(ext={"ack": self.acked}, **advice))

    def take(self, replies: list[dict[str, Any]]) -> None:
        for reply in replies:
            if reply.get("channel") == "/meta/connect":
                assert reply["successful"], reply
                self.acked = reply["ext"]["ack"]
            elif reply.get("channel") == FEED:
                self.received.append(reply["data"]["n"])


async def lost(task: asyncio.Task[Any]) -> None:
    """The connect whose connection was cut: it fails, whichever way the cut reaches the client."""
    with contextlib.suppress(aiohttp.ClientError, AssertionError, ValueError):
        await asyncio.wait_for(task, WAIT)
        raise AssertionError("a connect through a cut connection answered")


async def test_two_hundred_cuts_lose_duplicate_and_reorder_nothing(bare):
    harness, _ = await bare(timeout=30000, max_interval=60000)
    target = URL(harness.url)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 80)
    await proxy.start()
    subscriber = Subscriber(f"http://127.0.0.1:{proxy.port}{target.path}")
    try:
        assert (await subscriber.raw.handshake(ack=True))["successful"]
        subscriber.take(await subscriber.raw.connect(advice={"timeout": 0}))
        assert (await subscriber.raw.send("/meta/subscribe", subscription=FEED))["successful"]
        session = harness.server.sessions[subscriber.raw.client_id]
        choose = random.Random(20261202)
        published = 0

        def publish(count: int) -> None:
            nonlocal published
            for _ in range(count):
                assert harness.server.publish(FEED, {"n": published}) == 1
                published += 1

        for cut in range(CUTS):
            if cut % 2 == 0:
                # The server answers the held connect, and the network swallows the reply.
                proxy.blackhole = True
                swallowed = proxy.swallowed
                task = subscriber.connect()
                await until(lambda: session.held)
                publish(choose.randint(1, 3))
                await until(lambda swallowed=swallowed: proxy.swallowed > swallowed and not session.held)
            else:
                # The connection dies while the connect is held; messages come while nobody listens.
                task = subscriber.connect()
                await until(lambda: session.held)
                proxy.cut()
                await until(lambda: not session.held)
                publish(choose.randint(0, 3))
            proxy.cut()
            proxy.blackhole = False
            await lost(task)
            # The next connect gets again what was not acknowledged, then whatever is new.
            subscriber.take(await asyncio.wait_for(subscriber.connect(at_once=True), WAIT))
        publish(1)
        for _ in range(3):  # what is left fits in a reply; the next ones show nothing more comes
            subscriber.take(await asyncio.wait_for(subscriber.connect(at_once=True), WAIT))

        assert published > CUTS
        assert subscriber.received == list(range(published)), "lost, duplicated or reordered"
        assert harness.server.sessions[subscriber.raw.client_id] is session, "one session throughout"
    finally:
        await subscriber.raw.close()
        await proxy.stop()
