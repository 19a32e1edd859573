"""A client that stops reading costs the server bounded memory on every transport, with and without the
acknowledge extension: a byte bound beside the message bound, bounded replies, and websocket writes that
wait for the network instead of piling up."""

from __future__ import annotations

import asyncio

import pytest
from bayeux_harness import WAIT, subscribed, until
from raw_websocket import StuckWebsocket

KIB = 1024
PAYLOAD = "x" * (4 * KIB)


@pytest.mark.parametrize("ack", [False, True], ids=["without ack", "with ack"])
async def test_the_byte_bound_ends_a_session_that_does_not_collect(bare, ack):
    harness, client = await bare(max_queue_bytes=64 * KIB)
    raw = client()
    await subscribed(raw, "/feed", ack=ack)
    session = harness.server.sessions[raw.client_id]
    reached = [harness.server.publish("/feed", PAYLOAD) for _ in range(20)]
    assert reached[:15] == [1] * 15 and reached[-1] == 0, reached
    assert session.pending_bytes == 0 and raw.client_id not in harness.server.sessions
    assert await harness.wait_removed(raw.client_id) == "queue full"
    [reply] = await asyncio.wait_for(raw.connect(), WAIT)
    assert reply["error"] == "402::session_unknown" and reply["advice"]["reconnect"] == "handshake"


@pytest.mark.parametrize("ack", [False, True], ids=["without ack", "with ack"])
async def test_a_backlog_leaves_in_bounded_replies_in_order(bare, ack):
    """A client that never acknowledges (it always echoes batch 0) gets bounded replies, not its backlog."""
    harness, client = await bare(max_reply_bytes=32 * KIB)
    raw = client()
    await subscribed(raw, "/feed", ack=ack)
    for n in range(40):
        assert harness.server.publish("/feed", {"n": n, "pad": PAYLOAD}) == 1
    replies_seen: list[list[int]] = []
    while sum(map(len, replies_seen)) < 40 and len(replies_seen) < 40:
        replies = await asyncio.wait_for(raw.connect(**({"ext": {"ack": 0}} if ack else {})), WAIT)
        numbers = [reply["data"]["n"] for reply in replies if "data" in reply]
        assert 1 <= len(numbers) <= 8, len(numbers)  # 32 KiB of messages of a little over 4 KiB
        replies_seen.append(numbers)
    if ack:
        first = replies_seen[0]
        assert all(numbers == first for numbers in replies_seen), "unacknowledged, the same bounded batch again"
        assert first == list(range(len(first)))
        assert harness.server.sessions[raw.client_id].pending == 40, "nothing is lost for not acknowledging"
    else:
        assert [n for numbers in replies_seen for n in numbers] == list(range(40))


async def test_a_websocket_that_never_reads_is_bounded_and_dropped(bare):
    """The client keeps sending connects and never reads a frame. The server's writes wait for the
    network, the messages wait in the session, and the session ends at its byte bound: what the server
    accepted for it before then is within the bound plus what the network and one reply can hold."""
    bound = 256 * KIB
    harness, _ = await bare(max_queue_bytes=bound, max_reply_bytes=16 * KIB, timeout=30000)
    stuck = await StuckWebsocket.open(harness.url)
    sending: list[asyncio.Task[None]] = []
    try:
        await stuck.send([{"channel": "/meta/handshake", "version": "1.0"}])
        [hello] = await asyncio.wait_for(stuck.receive(), WAIT)
        client_id = hello["clientId"]
        connect = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "websocket"}
        await stuck.send([{**connect, "advice": {"timeout": 0}}])
        await stuck.send([{"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/feed"}])
        await until(lambda: bool(harness.server.sessions[client_id].subscriptions))
        accepted = 0
        for _ in range(2000):  # 8 MB offered in all
            if not harness.server.publish("/feed", PAYLOAD):
                break
            accepted += len(PAYLOAD)
            # The client goes on sending connects, whether or not the server still reads them.
            sending.append(asyncio.create_task(stuck.send([connect])))
            await asyncio.sleep(0)  # let the server read and write what it can
        assert await harness.wait_removed(client_id) == "queue full"
        in_flight = 4 * 1024 * KIB  # kernel buffers on both ends and aiohttp's own, generously
        assert accepted <= bound + in_flight, accepted
    finally:
        for task in sending:
            task.cancel()
        stuck.close()
        await asyncio.gather(*sending, return_exceptions=True)
