"""Session life: expiry, several sessions of one browser, the queue bound, and the acknowledge extension."""

from __future__ import annotations

import asyncio

from bayeux_harness import WAIT, subscribed, until

from bayeux.session import ServerSession, encode


async def test_session_without_connect_expires_and_is_freed(bare):
    harness, client = await bare(max_interval=100, sweep_period=20)
    raw = client()
    await subscribed(raw, "/chat/room")
    assert await harness.wait_removed(raw.client_id) == "expired"
    assert raw.client_id not in harness.server.sessions
    assert harness.server.publish("/chat/room", {}) == 0, "its subscriptions are gone with it"
    replies = await raw.connect()
    assert replies[-1]["error"] == "402::session_unknown"
    assert replies[-1]["advice"]["reconnect"] == "handshake"


async def test_held_connect_keeps_the_session_alive(bare):
    harness, client = await bare(max_interval=50, sweep_period=10, timeout=600)
    raw = client()
    await subscribed(raw, "/chat/room")
    replies = await asyncio.wait_for(raw.connect(), WAIT)  # held for 600 ms, twelve times max_interval
    assert replies[-1]["successful"] is True
    assert raw.client_id in harness.server.sessions


async def test_disconnect_frees_the_session(bare):
    harness, client = await bare()
    raw = client()
    await subscribed(raw, "/chat/room")
    reply = await raw.send("/meta/disconnect")
    assert reply["successful"] is True
    assert await harness.wait_removed(raw.client_id) == "client disconnected"
    assert harness.server.publish("/chat/room", {}) == 0


async def test_second_long_poll_of_one_browser_gets_multiple_clients_advice(bare):
    harness, client = await bare(timeout=30000)
    raw = client()
    await raw.handshake()
    first_id = raw.client_id
    await raw.connect()
    await raw.handshake()  # same cookies: a second tab of the same browser
    second_id = raw.client_id
    await raw.connect()
    raw.client_id = first_id
    held = asyncio.create_task(raw.connect())
    await until(lambda: harness.server.sessions[first_id].held)
    raw.client_id = second_id
    replies = await asyncio.wait_for(raw.connect(), WAIT)
    assert replies[-1]["successful"] is True
    assert replies[-1]["advice"] == {"reconnect": "retry", "interval": 2000, "timeout": 30000, "multiple-clients": True}
    assert not held.done()
    harness.server.publish("/nothing", {})
    raw.client_id = first_id
    await raw.send("/meta/disconnect")
    await asyncio.wait_for(held, WAIT)


async def test_a_new_connect_of_the_same_session_releases_the_held_one(bare):
    harness, client = await bare(timeout=30000)
    raw = client()
    await subscribed(raw, "/chat/room")
    old = asyncio.create_task(raw.connect())
    await until(lambda: harness.server.sessions[raw.client_id].held)
    new = asyncio.create_task(raw.connect())
    old_replies = await asyncio.wait_for(old, WAIT)
    assert old_replies[-1]["successful"] is True and len(old_replies) == 1
    harness.server.publish("/chat/room", {"n": 1})
    new_replies = await asyncio.wait_for(new, WAIT)
    assert new_replies[0] == {"channel": "/chat/room", "data": {"n": 1}}


async def test_full_queue_disconnects_the_session(bare):
    harness, client = await bare(max_queue=3)
    raw = client()
    await subscribed(raw, "/chat/room")
    assert [harness.server.publish("/chat/room", {"n": n}) for n in range(4)] == [1, 1, 1, 0]
    assert await harness.wait_removed(raw.client_id) == "queue full"
    replies = await raw.connect()
    assert replies[-1]["error"] == "402::session_unknown"


async def test_ack_extension_resends_a_lost_batch(bare):
    harness, client = await bare()
    raw = client()
    await subscribed(raw, "/chat/room", ack=True)
    for n in range(3):
        harness.server.publish("/chat/room", {"n": n})
    first = await asyncio.wait_for(raw.connect(ext={"ack": 1}), WAIT)
    batch = first[-1]["ext"]["ack"]
    assert [m["data"]["n"] for m in first[:-1]] == [0, 1, 2]
    harness.server.publish("/chat/room", {"n": 3})
    # The client never saw that reply: it acknowledges the batch before it, and gets everything again.
    again = await asyncio.wait_for(raw.connect(ext={"ack": batch - 1}), WAIT)
    assert [m["data"]["n"] for m in again[:-1]] == [0, 1, 2, 3]
    done = again[-1]["ext"]["ack"]
    assert done > batch
    # Acknowledged now: nothing is sent twice.
    harness.server.publish("/chat/room", {"n": 4})
    last = await asyncio.wait_for(raw.connect(ext={"ack": done}), WAIT)
    assert [m["data"]["n"] for m in last[:-1]] == [4]


async def test_ack_extension_counts_unacknowledged_against_the_bound(bare):
    harness, client = await bare(max_queue=3)
    raw = client()
    await subscribed(raw, "/chat/room", ack=True)
    for n in range(2):
        harness.server.publish("/chat/room", {"n": n})
    await raw.connect()  # sent, never acknowledged
    assert harness.server.sessions[raw.client_id].pending == 2
    harness.server.publish("/chat/room", {"n": 2})
    assert harness.server.publish("/chat/room", {"n": 3}) == 0
    assert await harness.wait_removed(raw.client_id) == "queue full"


async def test_long_poll_abandoned_by_its_client_leaves_later_messages_queued(bare):
    """The abandoned connect must not swallow what is published after the client left."""
    harness, client = await bare(timeout=30000)
    raw = client()
    await subscribed(raw, "/chat/room")
    task = asyncio.create_task(raw.connect())
    await until(lambda: harness.server.sessions[raw.client_id].held)
    task.cancel()  # the client gives up: its TCP connection closes
    await asyncio.gather(task, return_exceptions=True)
    await until(lambda: not harness.server.sessions[raw.client_id].held)
    harness.server.publish("/chat/room", {"n": 1})
    replies = await asyncio.wait_for(raw.connect(), WAIT)
    assert replies[0] == {"channel": "/chat/room", "data": {"n": 1}}


def test_the_browser_cookie_is_read_among_others():
    from aiohttp.test_utils import make_mocked_request

    from bayeux.http_transport import browser_cookie

    def cookie(*headers: str) -> str | None:
        request = make_mocked_request("POST", "/cometd", headers=[("Cookie", header) for header in headers])
        return browser_cookie(request, "BAYEUX_BROWSER")

    assert cookie("a=1; BAYEUX_BROWSER=abc; b=2") == "abc"
    assert cookie('BAYEUX_BROWSER="quoted"') == "quoted"
    assert cookie("XBAYEUX_BROWSER=no; BAYEUX_BROWSERX=no") is None
    assert cookie("a=1", "BAYEUX_BROWSER=second") == "second"
    assert cookie() is None


async def test_a_session_queue_made_only_when_needed_keeps_order_and_counts():
    """A session holds no queue while nothing waits: taking everything, discarding, requeueing and
    partial takes still keep the messages in order and the counts right."""
    session = ServerSession("someone", None, 100, 1 << 20)
    assert not session.has_messages() and session.take(1000) == [] and session.pending == 0
    first, second, third = (encode({"channel": "/c", "data": n}) for n in range(3))
    session.enqueue(first)
    session.enqueue(second)
    assert session.has_messages() and session.pending == 2
    taken = session.take(1 << 20)
    assert taken == [first, second] and not session.has_messages()
    session.requeue(taken)  # not written after all: back in front, still pending
    session.enqueue(third)
    assert session.take(first[1]) == [first], "a reply bound of one message takes one"
    assert session.take(1 << 20) == [second, third] and session.pending == 3
    session.delivered([first, second, third])
    assert session.pending == 0 and session.pending_bytes == 0
    session.enqueue(first)
    session.discard()
    assert not session.has_messages() and session.take(1000) == [] and session.pending == 0
