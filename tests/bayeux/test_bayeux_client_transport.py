"""The Python client's websocket transport against a loopback websocket that answers only some batches: a
batch whose reply does not come in time fails with TimeoutError, and the socket serves the next one."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web
from raw_websocket import accept, read_frame, write_frame

from bayeux.client_transport import WebSocket

BOUND = 5.0  # seconds any exchange here may take


async def test_a_reply_that_does_not_come_in_time_fails_and_the_socket_serves_the_next_batch() -> None:
    opened: list[web.WebSocketResponse] = []

    async def answer_even_ids(request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        opened.append(socket)
        async for frame in socket:
            batch = orjson.loads(frame.data)
            replies = [{**message, "successful": True} for message in batch if int(message["id"]) % 2 == 0]
            if replies:
                await socket.send_bytes(orjson.dumps(replies))
        return socket

    app = web.Application()
    app.router.add_get("/cometd", answer_even_ids)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    delivered: list[dict[str, Any]] = []
    async with aiohttp.ClientSession() as http:
        wire = WebSocket(http, f"http://127.0.0.1:{port}/cometd", {}, delivered.append)
        try:
            with pytest.raises(TimeoutError):
                await wire.exchange([{"channel": "/meta/connect", "id": "1"}], 0.2)
            replies = await wire.exchange([{"channel": "/meta/connect", "id": "2"}], BOUND)
            assert replies == [{"channel": "/meta/connect", "id": "2", "successful": True}]
            with pytest.raises(TimeoutError):  # the first reply comes, the second does not
                await wire.exchange([{"channel": "/a", "id": "4"}, {"channel": "/b", "id": "5"}], 0.2)
        finally:
            await wire.close()
            await runner.cleanup()
    assert len(opened) == 1 and delivered == []


async def test_a_send_that_times_out_on_a_backed_up_socket_leaves_the_next_batch_a_new_socket() -> None:
    """A peer that stops reading backs the socket up until a big batch's send cannot finish in time: the
    batch fails with TimeoutError, and as part of its frame may have gone, the socket is given up; the next
    batch opens a new one and is answered, rather than failing on the old socket's cancelled write."""
    connections: list[asyncio.StreamWriter] = []
    stalled = asyncio.Event()

    async def peer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        await accept(reader, writer)
        if len(connections) == 1:
            await stalled.wait()  # reads nothing more until the test ends
            writer.close()
            return
        batch = orjson.loads(await read_frame(reader))
        write_frame(writer, orjson.dumps([{**message, "successful": True} for message in batch]))
        await writer.drain()
        await reader.read()  # until the client closes

    server = await asyncio.start_server(peer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with aiohttp.ClientSession() as http:
        wire = WebSocket(http, f"http://127.0.0.1:{port}/cometd", {}, lambda message: None)
        try:
            big = {"channel": "/a", "id": "1", "data": "x" * 64 * 2**20}  # more than the socket's buffers hold
            with pytest.raises(TimeoutError):
                await wire.exchange([big], 0.5)
            replies = await wire.exchange([{"channel": "/meta/connect", "id": "2"}], BOUND)
            assert replies == [{"channel": "/meta/connect", "id": "2", "successful": True}]
            assert len(connections) == 2
        finally:
            stalled.set()
            await wire.close()
            server.close()
            await server.wait_closed()
