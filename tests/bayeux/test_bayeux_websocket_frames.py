"""The websocket framing the server reads and writes itself: pings, fragments, and frames it refuses."""

from __future__ import annotations

import asyncio
import json
import os
import struct

import aiohttp
from bayeux_harness import WAIT
from raw_websocket import StuckWebsocket


def masked(opcode: int, payload: bytes, *, final: bool = True, mask: bool = True) -> bytes:
    """A client frame (payloads under 126 bytes)."""
    head = bytes([(0x80 if final else 0) | opcode, (0x80 if mask else 0) | len(payload)])
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(byte ^ key[index % 4] for index, byte in enumerate(payload))


async def close_code(socket: StuckWebsocket) -> int:
    """Read frames until the server's close frame; its status code."""
    while True:
        first, second = await asyncio.wait_for(socket.reader.readexactly(2), WAIT)
        payload = await socket.reader.readexactly(second & 0x7F)
        if first & 0x0F == 0x8:
            return struct.unpack("!H", payload[:2])[0]


async def test_a_ping_is_answered_with_a_pong_carrying_its_payload(bare):
    harness, client = await bare()
    raw = client()
    async with raw.http.ws_connect(raw.url, autoping=False) as socket:
        await socket.ping(b"are you there")
        pong = await asyncio.wait_for(socket.receive(), WAIT)
        assert pong.type == aiohttp.WSMsgType.PONG and pong.data == b"are you there"


async def test_a_fragmented_batch_is_put_together_before_it_is_read(bare):
    harness, _ = await bare()
    socket = await StuckWebsocket.open(harness.url)
    try:
        batch = json.dumps([{"channel": "/meta/handshake", "version": "1.0", "id": "1"}]).encode()
        socket.writer.write(masked(0x1, batch[:20], final=False) + masked(0x9, b"ping") + masked(0x0, batch[20:]))
        first, second = await asyncio.wait_for(socket.reader.readexactly(2), WAIT)
        assert first == 0x8A, "the ping between the fragments is answered first"
        await socket.reader.readexactly(second & 0x7F)
        [hello] = await asyncio.wait_for(socket.receive(), WAIT)
        assert hello["successful"] is True and hello["clientId"] in harness.server.sessions
    finally:
        socket.close()


async def test_an_unmasked_client_frame_is_a_protocol_error(bare):
    harness, _ = await bare()
    socket = await StuckWebsocket.open(harness.url)
    try:
        socket.writer.write(masked(0x1, b'[{"channel": "/meta/handshake"}]', mask=False))
        assert await close_code(socket) == 1002
        assert harness.server.sessions == {}
    finally:
        socket.close()


async def test_a_continuation_of_nothing_is_a_protocol_error(bare):
    harness, _ = await bare()
    socket = await StuckWebsocket.open(harness.url)
    try:
        socket.writer.write(masked(0x0, b"[]"))
        assert await close_code(socket) == 1002
    finally:
        socket.close()


async def test_the_servers_close_answers_the_clients(bare):
    harness, client = await bare()
    raw = client()
    socket = await raw.http.ws_connect(raw.url)
    await socket.close(code=4000)
    assert socket.close_code == 4000, "the server echoes the client's close code"


async def test_a_failing_policy_closes_the_socket_with_1011(bare, caplog):
    import bayeux

    class Broken(bayeux.SecurityPolicy):
        async def authenticate(self, request, message):  # type: ignore[no-untyped-def]
            raise RuntimeError("the user directory is down")

    harness, client = await bare(policy=Broken())
    raw = client()
    async with raw.http.ws_connect(raw.url) as socket:
        await socket.send_str(json.dumps([{"channel": "/meta/handshake", "version": "1.0"}]))
        closing = await asyncio.wait_for(socket.receive(), WAIT)
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        assert socket.close_code == 1011
    assert any("websocket batch failed" in record.getMessage() for record in caplog.records)
