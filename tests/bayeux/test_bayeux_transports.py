"""Callback-polling (JSONP) and websocket, spoken by hand, and the mount at sub-paths."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from bayeux_harness import WAIT, until
from yarl import URL


def jsonp_url(url: str, callback: str, batch: list[dict[str, Any]]) -> str:
    return f"{url}/handshake?jsonp={quote(callback)}&message={quote(json.dumps(batch))}"


async def test_callback_polling_wraps_the_reply_in_the_callback(bare):
    harness, client = await bare()
    raw = client()
    batch = [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["callback-polling"]}]
    async with raw.http.get(jsonp_url(raw.url, "cometd.callbacks.cb_1", batch)) as response:
        assert response.status == 200
        assert response.content_type == "text/javascript"
        text = await response.text()
    match = re.fullmatch(r"cometd\.callbacks\.cb_1\((.*)\);", text, re.S)
    assert match, text
    reply = json.loads(match.group(1))[0]
    assert reply["successful"] is True and reply["clientId"] in harness.server.sessions


@pytest.mark.parametrize("callback", ["alert(1)//", "a b", "1abc", "x" * 200, "a..b", "</script>"])
async def test_callback_polling_refuses_unsafe_callback_names(bare, callback):
    harness, client = await bare()
    raw = client()
    batch = [{"channel": "/meta/handshake", "version": "1.0"}]
    async with raw.http.get(jsonp_url(raw.url, callback, batch)) as response:
        assert response.status == 400
        assert "jsonp callback" in (await response.json())[0]["error"]
    assert harness.server.sessions == {}


async def test_callback_polling_without_message_parameter(bare):
    harness, client = await bare()
    raw = client()
    async with raw.http.get(raw.url + "/connect?jsonp=cb") as response:
        assert response.status == 400
        assert "'message'" in (await response.json())[0]["error"]


async def test_websocket_session_end_to_end(bare):
    harness, client = await bare()
    raw = client()
    async with raw.http.ws_connect(raw.url) as socket:

        async def exchange(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
            await socket.send_str(json.dumps(batch))
            return json.loads((await asyncio.wait_for(socket.receive(), WAIT)).data)

        [hello] = await exchange([{"channel": "/meta/handshake", "version": "1.0", "id": "1", "ext": {"ack": True}}])
        client_id = hello["clientId"]
        assert hello["successful"] and hello["ext"] == {"ack": True}
        connect = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "websocket"}
        [first] = await exchange([{**connect, "id": "2", "advice": {"timeout": 0}}])
        assert first["successful"] and first["ext"]["ack"] == 1
        # A held connect must not block the subscribe sent after it on the same socket.
        await socket.send_str(json.dumps([{**connect, "id": "3", "ext": {"ack": 1}}]))
        [subscribe] = await exchange(
            [{"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/chat/room", "id": "4"}]
        )
        assert subscribe["successful"] and subscribe["id"] == "4"
        harness.server.publish("/chat/room", {"text": "hi"})
        delivered = json.loads((await asyncio.wait_for(socket.receive(), WAIT)).data)
        assert delivered[0] == {"channel": "/chat/room", "data": {"text": "hi"}}
        assert delivered[1]["id"] == "3" and delivered[1]["ext"]["ack"] == 2
        [bye] = await exchange([{"channel": "/meta/disconnect", "clientId": client_id, "id": "5"}])
        assert bye["successful"]
    assert await harness.wait_removed(client_id) == "client disconnected"


async def test_websocket_malformed_frame_is_answered_and_the_socket_stays_usable(bare):
    harness, client = await bare()
    raw = client()
    async with raw.http.ws_connect(raw.url + "/handshake") as socket:
        await socket.send_str("{not json")
        error = json.loads((await asyncio.wait_for(socket.receive(), WAIT)).data)
        assert error[0]["successful"] is False and error[0]["error"].endswith(":message_invalid")
        await socket.send_str(json.dumps({"channel": "/meta/handshake", "version": "1.0"}))
        reply = json.loads((await asyncio.wait_for(socket.receive(), WAIT)).data)
        assert reply[0]["successful"] is True


async def test_websocket_dropped_with_a_held_connect_loses_nothing(bare):
    """Messages taken for a reply on a socket that died wait for the session's next connect."""
    harness, client = await bare()
    raw = client()
    async with raw.http.ws_connect(raw.url) as socket:
        await socket.send_str(json.dumps([{"channel": "/meta/handshake", "version": "1.0"}]))
        client_id = json.loads((await socket.receive()).data)[0]["clientId"]
        connect = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "websocket"}
        await socket.send_str(json.dumps([connect]))
        await socket.receive()
        await socket.send_str(
            json.dumps([{"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/chat/room"}])
        )
        await socket.receive()
        await socket.send_str(json.dumps([connect]))
        await until(lambda: harness.server.sessions[client_id].held)
    # The socket is closed; the server notices and drops the held connect without taking anything.
    await until(lambda: not harness.server.sessions[client_id].held)
    harness.server.publish("/chat/room", {"n": 1})
    replies = await raw.post([connect], "/connect")
    assert replies[1][0] == {"channel": "/chat/room", "data": {"n": 1}}


@pytest.mark.parametrize("suffix", ["", "/handshake", "/meta/handshake", "/any/deeper/path"])
async def test_every_sub_path_reaches_the_server(bare, suffix):
    harness, client = await bare()
    status, body = await client().post([{"channel": "/meta/handshake", "version": "1.0"}], suffix)
    assert status == 200 and body[0]["successful"] is True


async def test_paths_outside_the_mount_are_not_served(bare):
    harness, client = await bare()
    raw = client()
    async with raw.http.post(raw.url.replace("/cometd", "/cometdx"), json=[]) as response:
        assert response.status == 404


def test_bayeux_does_not_import_the_simulator():
    """The server is a reusable library: nothing in it may depend on the simulator."""
    import pathlib

    for path in pathlib.Path(__file__).parents[2].joinpath("bayeux").rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"^\s*(from|import)\s+simulator\b", source, re.M), path
        assert "from .." not in source, path


async def test_websocket_needs_no_prior_http_request(bare):
    harness, client = await bare()
    async with aiohttp.ClientSession() as http, http.ws_connect(harness.url) as socket:
        await socket.send_str(json.dumps([{"channel": "/meta/handshake", "version": "1.0"}]))
        reply = json.loads((await asyncio.wait_for(socket.receive(), WAIT)).data)
        assert reply[0]["successful"] is True


async def raw_post(url: str, body: bytes, extra: str = "") -> tuple[bytes, Any, bool]:
    """One POST over a socket of its own: the response head, its decoded body, and whether the server
    then closed the connection (read to its end, within the bound) or kept it open for the next request."""
    parts = URL(url)
    reader, writer = await asyncio.open_connection(parts.host, parts.port)
    writer.write(
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n".encode()
        + body
    )
    async with asyncio.timeout(WAIT):
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", head, re.I).group(1))  # type: ignore[union-attr]
        payload = await reader.readexactly(length)
        closing = b"connection: close" in head.lower()
        if closing:
            assert await reader.read() == b"", "nothing after the response"
    writer.close()
    return head, json.loads(payload), closing


async def test_replies_written_directly_keep_the_connection_and_a_close_is_honoured(bare):
    harness, client = await bare()
    raw = client()
    body = json.dumps([{"channel": "/meta/handshake", "version": "1.0", "id": "1"}]).encode()
    head, replies, closing = await raw_post(raw.url, body, "Cookie: BAYEUX_BROWSER=b1\r\n")
    assert head.startswith(b"HTTP/1.1 200") and replies[0]["successful"] is True and not closing
    head, replies, closing = await raw_post(raw.url, body, "Cookie: BAYEUX_BROWSER=b1\r\nConnection: close\r\n")
    assert head.startswith(b"HTTP/1.1 200") and replies[0]["successful"] is True and closing


async def _connect_reply_headers(direct_writes: bool, headers: dict[str, str]) -> dict[str, str]:
    """The headers of the first /meta/connect reply, long-polling, from a server mounted in an app whose
    middleware marks every response it sees."""
    import aiohttp
    from aiohttp import web

    import bayeux

    @web.middleware
    async def mark(request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        response.headers["X-Seen-By-Middleware"] = "yes"
        return response

    app = web.Application(middlewares=[mark])
    bayeux.mount(app, "/cometd", bayeux.BayeuxServer(bayeux.Options(direct_writes=direct_writes)))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/cometd"  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            handshake = [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}]
            async with http.post(url, json=handshake, headers=headers) as reply:
                client_id = (await reply.json())[0]["clientId"]
            connect = [{"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"}]
            async with http.post(url, json=connect, headers=headers) as reply:
                assert (await reply.json())[0]["successful"] is True
                return dict(reply.headers)
    finally:
        await runner.cleanup()


async def test_replies_pass_through_the_apps_middlewares_for_pages_and_when_direct_writes_are_off():
    """A reply written straight onto the connection skips the application's middlewares: only for
    clients that are not a browser's page (no Origin) and while direct writes are on."""
    page = {"Origin": "http://desk.example.com"}
    assert "X-Seen-By-Middleware" not in await _connect_reply_headers(True, {})
    assert (await _connect_reply_headers(True, page))["X-Seen-By-Middleware"] == "yes"
    assert (await _connect_reply_headers(False, {}))["X-Seen-By-Middleware"] == "yes"
