"""Websocket peers made of bare TCP sockets, for a peer that stops reading: library clients and servers
read into buffers of their own, these leave the bytes in the kernel's buffers, as a stuck browser or a
stalled server would. `StuckWebsocket` is a client; `accept` and `read_frame` make a server of a stream."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import socket
import struct
from typing import Any
from urllib.parse import urlsplit


class StuckWebsocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, url: str) -> StuckWebsocket:
        parts = urlsplit(url)
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting, so the window is small
        raw.setblocking(False)
        await asyncio.get_running_loop().sock_connect(raw, (parts.hostname, parts.port))
        reader, writer = await asyncio.open_connection(sock=raw, limit=1 << 16)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        return cls(reader, writer)

    async def send(self, batch: list[dict[str, Any]]) -> None:
        payload = json.dumps(batch).encode()
        mask = os.urandom(4)
        length = len(payload)
        header = bytes([0x81]) + (
            bytes([0x80 | length]) if length < 126 else bytes([0x80 | 126]) + struct.pack("!H", length)
        )
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.writer.write(header + mask + masked)
        await self.writer.drain()

    async def receive(self) -> list[dict[str, Any]]:
        """Read one (small, unfragmented) text frame."""
        first, second = await self.reader.readexactly(2)
        assert first == 0x81, first
        return json.loads(await self.reader.readexactly(await _length(self.reader, second)))

    def close(self) -> None:
        self.writer.transport.abort()


GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455's, for the Sec-WebSocket-Accept of the handshake


async def _length(reader: asyncio.StreamReader, second: int) -> int:
    """A frame's payload length, from its second byte and the extended length after it."""
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    return length


async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer a client's opening handshake on a stream `asyncio.start_server` handed over."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    key = next(line.split(b":", 1)[1].strip() for line in lines if line.lower().startswith(b"sec-websocket-key"))
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")  # fmt: skip
    await writer.drain()


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    """One masked client frame's payload, unmasked."""
    _first, second = await reader.readexactly(2)
    length = await _length(reader, second)
    mask = await reader.readexactly(4)
    payload = await reader.readexactly(length)
    return bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))


def write_frame(writer: asyncio.StreamWriter, payload: bytes) -> None:
    """One unmasked server text frame (under 64 KiB)."""
    writer.write(bytes([0x81, 126]) + struct.pack("!H", len(payload)) + payload)
