"""Regressions found by running real clients, each pinned down here over raw HTTP or a raw websocket."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bayeux_harness import WAIT, subscribed, until


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
