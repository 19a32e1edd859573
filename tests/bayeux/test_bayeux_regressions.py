"""Regressions found by running real clients, each pinned down here over raw HTTP or a raw websocket."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bayeux_harness import WAIT, subscribed, until

import bayeux


async def test_held_connect_of_a_client_that_disconnects_is_told_not_to_reconnect(bare):
    """Found while running the CometD JavaScript client over long-polling, from what it does with each reply.

    The held connect and the /meta/disconnect travel on two HTTP requests, so their replies can reach the
    client in either order. Had the connect reply said `402::session_unknown` with `reconnect: handshake`
    and arrived first, the client (then "disconnecting", not yet "disconnected") would have scheduled a new
    handshake. The reference server answers it successfully with `reconnect: none`.
    """
    harness, client = await bare(timeout=30000)
    raw = client()
    await subscribed(raw, "/chat/room", ack=True)
    held = asyncio.create_task(raw.connect(ext={"ack": 1}))
    await until(lambda: harness.server.sessions[raw.client_id].held)
    reply = await raw.send("/meta/disconnect")
    assert reply["successful"] is True
    [connect] = await asyncio.wait_for(held, WAIT)
    assert connect["successful"] is True, connect
    assert connect["advice"]["reconnect"] == "none"
    assert connect["advice"]["timeout"] == 30000, "some clients require a timeout in every advice"
    assert await harness.wait_removed(raw.client_id) == "client disconnected"


async def test_held_connect_of_a_session_the_server_ends_still_says_session_unknown(bare):
    """Only the client's own goodbye means `reconnect: none`: a session the server drops must handshake again."""
    harness, client = await bare(timeout=30000)
    raw = client()
    await subscribed(raw, "/chat/room")
    held = asyncio.create_task(raw.connect())
    await until(lambda: harness.server.sessions[raw.client_id].held)
    harness.server.disconnect(harness.server.sessions[raw.client_id], "dropped by the application")
    [connect] = await asyncio.wait_for(held, WAIT)
    assert connect["successful"] is False
    assert connect["error"] == "402::session_unknown"
    assert connect["advice"]["reconnect"] == "handshake"


async def test_websocket_answers_the_held_connect_before_the_disconnect(bare):
    """Found with the CometD JavaScript client over websocket.

    The client closes its websocket on a /meta/disconnect reply only if no /meta/connect is outstanding
    then. With the disconnect reply first, it never closed the socket: Node kept running and the server
    kept a dead session's socket open. The reference server flushes the held connect first.
    """
    harness, client = await bare(timeout=30000)
    raw = client()
    async with raw.http.ws_connect(raw.url) as socket:

        async def send(*batch: dict[str, Any]) -> None:
            await socket.send_str(json.dumps(list(batch)))

        async def frame() -> list[dict[str, Any]]:
            return json.loads((await asyncio.wait_for(socket.receive(), WAIT)).data)

        await send({"channel": "/meta/handshake", "version": "1.0", "id": "1"})
        client_id = (await frame())[0]["clientId"]
        connect = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "websocket"}
        await send({**connect, "id": "2"})
        assert (await frame())[0]["id"] == "2"
        await send({**connect, "id": "3"})
        await until(lambda: harness.server.sessions[client_id].held)
        await send({"channel": "/meta/disconnect", "clientId": client_id, "id": "4"})
        replies: list[dict[str, Any]] = []
        while not any(reply.get("channel") == "/meta/disconnect" for reply in replies):
            replies += await frame()
    assert [(reply["channel"], reply["id"]) for reply in replies] == [("/meta/connect", "3"), ("/meta/disconnect", "4")]
    assert replies[0]["successful"] is True and replies[0]["advice"]["reconnect"] == "none"
    assert replies[1]["successful"] is True


async def test_websocket_closed_right_after_a_connect_does_not_leave_the_session_held_forever(bare):
    """Found with aiocometd-ng, whose websocket can die right after it sent a /meta/connect.

    A connect that arrives with the socket's close in the same read waits in a task cancelled before it
    ever ran, so nothing released its hold: the session looked held for good, and the sweeper, which
    spares held sessions, never expired it. It must expire like any session whose client went away.
    """
    harness, client = await bare(timeout=30000, max_interval=200, sweep_period=20)
    raw = client()
    assert (await raw.handshake())["successful"]
    assert (await raw.connect())[-1]["successful"]  # the first connect is answered at once
    session = harness.server.sessions[raw.client_id]
    socket = await raw.http.ws_connect(raw.url)
    connect = {"channel": "/meta/connect", "clientId": raw.client_id, "connectionType": "websocket", "id": "9"}
    await socket.send_str(json.dumps([connect]))
    await socket.close()  # the close frame follows the connect before the server reads either
    await until(lambda: not session.held)
    assert await harness.wait_removed(raw.client_id) == "expired"


async def test_request_cancelled_mid_batch_does_not_leave_its_connect_held_forever(bare):
    """Found while checking aiocometd-ng, which batches /meta/subscribe with /meta/connect after a handshake.

    A long-polling request whose client goes away while a later message of its batch awaits the policy is
    cancelled after its connect was taken as held but before anything waited on it: the session looked
    held for good and never expired.
    """
    checking, cancelled = asyncio.Event(), asyncio.Event()

    class SlowToDecide(bayeux.SecurityPolicy):
        async def can_subscribe(self, session: bayeux.ServerSession, name: str, message: dict[str, Any]) -> bool:
            checking.set()
            try:
                await asyncio.Event().wait()  # a lookup that outlives the request
            except asyncio.CancelledError:
                cancelled.set()
                raise
            return True

    harness, client = await bare(SlowToDecide(), timeout=30000, max_interval=200, sweep_period=20)
    raw = client()
    assert (await raw.handshake())["successful"]
    assert (await raw.connect())[-1]["successful"]  # the first connect is answered at once
    session = harness.server.sessions[raw.client_id]
    batch = [
        {"channel": "/meta/connect", "clientId": raw.client_id, "connectionType": "long-polling", "id": "8"},
        {"channel": "/meta/subscribe", "clientId": raw.client_id, "subscription": "/a", "id": "9"},
    ]
    request = asyncio.create_task(raw.post(batch, "/connect"))
    await asyncio.wait_for(checking.wait(), WAIT)
    request.cancel()  # the client goes away; the server cancels the request's handler
    await asyncio.wait_for(cancelled.wait(), WAIT)
    assert not session.held
    assert await harness.wait_removed(raw.client_id) == "expired"
