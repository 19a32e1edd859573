"""A minimal keep-alive HTTP/1.1 connection for the long-polling connect loop of the load driver.

aiohttp's client spends several hundred microseconds of CPU on every request (building the request,
its headers, the response object, the connection pool), which with a thousand long-polling clients
woken at once is most of the driver's time and inflates every latency it measures. A connect loop sends
the same bytes every time, so this connection writes a request prepared once and parses only what a
Bayeux server answers: a status line, headers, and a body of known length or chunked.
"""

from __future__ import annotations

import asyncio


class HttpError(Exception):
    """The server answered something other than 200, or closed the connection mid-response."""


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[bytes] | None = None
        self.closed = False
        self.head = b""  # the status line and headers of the last response

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(HttpError(f"connection closed: {exc}"))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is None or self.waiter.done():
            return
        try:
            response = _parse(self.buffer)
        except HttpError as problem:
            self.waiter.set_exception(problem)
            return
        if response is not None:
            self.head, body = response
            self.waiter.set_result(body)


def _parse(buffer: bytearray) -> tuple[bytes, bytes] | None:
    """The head and body of the complete response at the start of `buffer` (consumed), or None if
    incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    raw = bytes(buffer[:end])
    head = raw.lower()
    if not head.startswith(b"http/1.1 200"):
        raise HttpError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
    start = end + 4
    at = head.find(b"\r\ncontent-length:")
    if at >= 0:
        line_end = head.find(b"\r\n", at + 2)
        length = int(head[at + 17 : line_end if line_end > 0 else len(head)])
        if len(buffer) < start + length:
            return None
        body = bytes(buffer[start : start + length])
        del buffer[: start + length]
        return raw, body
    if b"transfer-encoding: chunked" not in head:
        raise HttpError("response with neither a length nor chunks")
    chunks, position = [], start
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return None
        size = int(bytes(buffer[position:line_end]).split(b";", 1)[0], 16)
        if size == 0:
            if len(buffer) < line_end + 4:
                return None
            del buffer[: line_end + 4]
            return raw, b"".join(chunks)
        if len(buffer) < line_end + 2 + size + 2:
            return None
        chunks.append(bytes(buffer[line_end + 2 : line_end + 2 + size]))
        position = line_end + 2 + size + 2


class Connection:
    """One keep-alive connection that posts prepared requests one after another, reconnecting as needed."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.protocol: _Protocol | None = None

    @staticmethod
    def request(host: str, port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        """The bytes of a POST, prepared once and sent as often as needed."""
        lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def post(self, request: bytes) -> bytes:
        protocol = self.protocol
        if protocol is None or protocol.closed:
            loop = asyncio.get_running_loop()
            _, protocol = await loop.create_connection(_Protocol, self.host, self.port)
            self.protocol = protocol
        assert protocol.transport is not None
        protocol.waiter = asyncio.get_running_loop().create_future()
        protocol.transport.write(request)
        try:
            return await protocol.waiter
        finally:
            protocol.waiter = None

    def cookie(self, name: str) -> str | None:
        """The value the last response's `Set-Cookie` gave cookie `name`, if it set one."""
        if self.protocol is None:
            return None
        for line in self.protocol.head.split(b"\r\n")[1:]:
            field, _, value = line.partition(b":")
            if field.strip().lower() == b"set-cookie":
                key, _, rest = value.strip().partition(b"=")
                if key.decode() == name:
                    return rest.split(b";", 1)[0].decode()
        return None

    def close(self) -> None:
        if self.protocol is not None and self.protocol.transport is not None:
            self.protocol.transport.close()
