"""The Python client's websocket transport against a loopback websocket that answers only some batches: a
batch whose reply does not come in time fails with TimeoutError, and the socket serves the next one."""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

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
