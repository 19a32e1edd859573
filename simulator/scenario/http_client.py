"""The HTTP/1.1 client of a scenario's REST requests: keep-alive connections to one server, a request
written in one piece and its answer parsed from the bytes as they come.

A simulated hour of a thousand agents is a hundred thousand requests from one process, and aiohttp's
client spent a fifth of the run's CPU on them (a request object, a response object, header multidicts,
a connector and its pool, for every request). A scenario needs much less: send a method, a path, a few
headers and a JSON body; read back the status, the Set-Cookie headers and the body. What it does read
it reads as HTTP/1.1 says (RFC 9112): a body of a given Content-Length, a chunked one (with trailers), or
one that ends when the server closes; no body for HEAD, 1xx, 204 and 304; a connection reused only when
both sides keep it alive. It also talks to a simulator elsewhere (`gwsim run --url`), over http or
https.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from urllib.parse import urlsplit

from bayeux.deadlines import Deadlines, time_out

MAX_HEAD = 64 * 1024  # bytes of a response's status line and headers, at most
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})


class HttpError(ConnectionError):
    """The connection failed or the server's answer was not HTTP/1.1 that can be read."""


class Response:
    """A whole answer: status, headers (names in lower case, in order, repeated ones kept) and body."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        """The first value of header `name` (lower case), or None."""
        for key, value in self.headers:
            if key == name:
                return value
        return None

    def all(self, name: str) -> list[str]:
        """Every value of header `name` (lower case), in order."""
        return [value for key, value in self.headers if key == name]


_HEX_DIGITS = b"0123456789abcdefABCDEF"
_CLOSE = -1  # a body that ends when the server closes the connection
_CHUNKED = -2


class _Reading:
    """The answer being read from one connection's bytes: its head once complete, then its body."""

    __slots__ = ("head_request", "status", "headers", "length", "keep_alive", "chunks", "trailers")

    def __init__(self, head_request: bool) -> None:
        self.head_request = head_request
        self.status = 0  # 0 until the head is read
        self.headers: list[tuple[str, str]] = []
        self.length = 0  # bytes of body, or _CLOSE, or _CHUNKED
        self.keep_alive = True
        self.chunks: list[bytes] = []
        self.trailers = False  # reading the trailer section of a chunked body

    def feed(self, buffer: bytearray, eof: bool) -> Response | None:
        """The complete answer at the start of `buffer` (which it consumes as it parses), or None while it
        is not; `eof` once the server closed the connection."""
        while self.status == 0:
            if not self._head(buffer):
                if eof:
                    raise HttpError("the server closed the connection before answering")
                return None
        if self.length >= 0:
            end = self.length
            if len(buffer) < end:
                if eof:
                    raise HttpError("the server closed the connection in the middle of the answer")
                return None
            body = bytes(buffer[:end])
            del buffer[:end]
            return Response(self.status, self.headers, body)
        if self.length == _CLOSE:
            if not eof:
                return None
            body = bytes(buffer)
            buffer.clear()
            return Response(self.status, self.headers, body)
        return self._chunked(buffer, eof)

    def _head(self, buffer: bytearray) -> bool:
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > MAX_HEAD:
                raise HttpError(f"an answer's head longer than {MAX_HEAD} bytes")
            return False
        lines = bytes(buffer[:end]).decode("latin-1").split("\r\n")
        del buffer[: end + 4]
        version, _, rest = lines[0].partition(" ")
        code = rest[:3]
        well_formed = len(code) == 3 and code.isascii() and code.isdigit() and rest[3:4] in ("", " ")
        if not version.startswith("HTTP/1.") or not well_formed:
            raise HttpError(f"not an HTTP/1.1 answer: {lines[0][:80]!r}")
        status = int(code)
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and headers:  # an obsolete folded line continues the header above
                name, value = headers[-1]
                headers[-1] = (name, f"{value} {line.strip()}")
                continue
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                raise HttpError(f"a malformed header line: {line[:80]!r}")
            headers.append((name.lower(), value.strip(" \t")))
        if 100 <= status < 200:
            return True  # an interim answer (100 Continue, 103 Early Hints): the final one follows
        self.status, self.headers = status, headers
        for key, value in headers:
            if key == "content-encoding" and value.lower() != "identity":
                raise HttpError(f"an answer in {value} content coding, which was not asked for")
        tokens = {token.strip().lower() for key, value in headers if key == "connection" for token in value.split(",")}
        self.keep_alive = "close" not in tokens if version == "HTTP/1.1" else "keep-alive" in tokens
        self.length = self._length(status, headers)
        if self.length == _CLOSE:
            self.keep_alive = False
        return True

    def _length(self, status: int, headers: list[tuple[str, str]]) -> int:
        if self.head_request or status in (204, 304):
            return 0
        codings = [
            coding.strip().lower()
            for key, value in headers
            if key == "transfer-encoding"
            for coding in value.split(",")
        ]
        if codings:
            return _CHUNKED if codings[-1] == "chunked" else _CLOSE
        lengths = {value.strip() for key, value in headers if key == "content-length" for value in value.split(",")}
        if not lengths:
            return _CLOSE
        if len(lengths) > 1 or not all(value.isascii() and value.isdigit() for value in lengths):
            raise HttpError(f"an invalid Content-Length: {', '.join(sorted(lengths))}")
        return int(lengths.pop())

    def _chunked(self, buffer: bytearray, eof: bool) -> Response | None:
        position = 0
        while True:
            line_end = buffer.find(b"\r\n", position)
            if line_end < 0:
                break
            if self.trailers:
                if line_end == position:  # the empty line that ends the trailers and the answer
                    del buffer[: line_end + 2]
                    return Response(self.status, self.headers, b"".join(self.chunks))
                position = line_end + 2  # trailer fields: nothing here needs them
                continue
            size_text = bytes(buffer[position:line_end]).split(b";", 1)[0].strip(b" \t")
            if not size_text or size_text.strip(_HEX_DIGITS):
                raise HttpError(f"an invalid chunk size: {size_text[:20]!r}")
            size = int(size_text, 16)
            if size == 0:
                self.trailers = True
                position = line_end + 2
                continue
            data_end = line_end + 2 + size
            if len(buffer) < data_end + 2:
                break
            if buffer[data_end : data_end + 2] != b"\r\n":
                raise HttpError("a chunk not followed by CRLF")
            self.chunks.append(bytes(buffer[line_end + 2 : data_end]))
            position = data_end + 2
        del buffer[:position]  # what was parsed is kept in `chunks`
        if eof:
            raise HttpError("the server closed the connection in the middle of a chunked answer")
        return None


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection, answering one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.reading: _Reading | None = None
        self.answered: asyncio.Future[Response] | None = None
        self.eof = False
        self.received = False  # any byte since the request was sent
        self.keep_alive = True  # as far as the answers so far say

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self.received = True
        self._advance()

    def eof_received(self) -> bool:
        self.eof = True
        self._advance()
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        if self.answered is not None and not self.answered.done():
            self._advance()  # a body that ends with the connection is complete now
            if not self.answered.done():
                self.answered.set_exception(HttpError(f"the connection was lost: {exc or 'closed by the server'}"))

    @property
    def usable(self) -> bool:
        """Whether another request may be sent on it."""
        transport = self.transport
        return (
            self.keep_alive
            and not self.eof
            and not self.buffer
            and transport is not None
            and not transport.is_closing()
        )

    def send(self, head_request: bool, data: bytes, answered: asyncio.Future[Response]) -> None:
        assert self.transport is not None
        self.received = False
        self.reading = _Reading(head_request)
        self.answered = answered
        self.transport.write(data)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _advance(self) -> None:
        answered, reading = self.answered, self.reading
        if answered is None or reading is None or answered.done():
            return
        try:
            response = reading.feed(self.buffer, self.eof)
        except HttpError as problem:
            self.keep_alive = False
            self.reading = None
            answered.set_exception(problem)
            return
        if response is not None:
            self.keep_alive = reading.keep_alive
            self.reading = None
            answered.set_result(response)


class HttpClient:
    """Requests to one server (`origin`: scheme, host and port) over keep-alive connections, with
    `headers` (cookies, for one) sent on every request besides each request's own. Concurrent requests
    each take an idle connection or open one."""

    def __init__(self, origin: str, headers: Mapping[str, str] | None = None, timeout: float = 300.0) -> None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http or https URL: {origin!r}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        default_port = 443 if parts.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.authority = host if self.port == default_port else f"{host}:{self.port}"
        self.headers = headers if headers is not None else {}
        self.timeout = timeout
        self._idle: list[_Connection] = []
        self._busy: set[_Connection] = set()
        self._ssl: ssl.SSLContext | None = None
        self._deadlines = Deadlines()
        self.closed = False

    async def request(
        self, method: str, target: str, body: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> Response:
        """Send `method target` (a path with its query) and return the whole answer. A request that
        finds its reused connection closed by the server before any answer is sent again once on a new
        connection when it is idempotent, as a browser would; otherwise the failure is raised."""
        if self.closed:
            raise HttpError("the client is closed")
        data = self._render(method, target, body, headers)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            connection, reused = await self._connection(deadline)
            self._busy.add(connection)
            answered: asyncio.Future[Response] = loop.create_future()
            # bounded among the client's deadlines, not by a timer of its own: only a lost server reaches it
            self._deadlines.add(answered, deadline, time_out)
            try:
                connection.send(method == "HEAD", data, answered)
                response = await answered
            except HttpError:
                connection.close()
                if reused and not connection.received and method in IDEMPOTENT and not self.closed:
                    continue  # the server had closed it while idle
                raise
            except BaseException:
                connection.close()  # cancelled or out of time mid-answer: the connection cannot be reused
                raise
            finally:
                self._deadlines.remove(answered)
                self._busy.discard(connection)
            if connection.usable and not self.closed:
                self._idle.append(connection)
            else:
                connection.close()
            return response

    async def close(self) -> None:
        self.closed = True
        for connection in [*self._idle, *self._busy]:
            connection.close()  # what was waiting fails now: no bound is needed any more
        self._idle.clear()
        self._deadlines.close()

    def _render(self, method: str, target: str, body: bytes | None, headers: Mapping[str, str] | None) -> bytes:
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.authority}", "Accept-Encoding: identity"]
        for extra in (self.headers, headers or {}):
            for name, value in extra.items():
                if "\r" in value or "\n" in value or "\r" in name or "\n" in name or ":" in name:
                    raise ValueError(f"header {name!r} cannot be sent")
                lines.append(f"{name}: {value}")
        if body is not None or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body or b'')}")
        if " " in target or "\r" in target or "\n" in target:
            raise ValueError(f"request target {target!r} cannot be sent")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return head + body if body else head

    async def _connection(self, deadline: float) -> tuple[_Connection, bool]:
        if self.closed:
            raise HttpError("the client is closed")
        while self._idle:
            connection = self._idle.pop()
            if connection.usable:
                return connection, True
            connection.close()
        loop = asyncio.get_running_loop()
        if self.scheme == "https" and self._ssl is None:
            self._ssl = ssl.create_default_context()
        async with asyncio.timeout_at(deadline):  # a new connection is rare: what this costs does not matter
            try:
                _, connection = await loop.create_connection(
                    _Connection, self.host, self.port, ssl=self._ssl, server_hostname=self.host if self._ssl else None
                )
            except OSError as problem:
                raise HttpError(f"cannot connect to {self.scheme}://{self.authority}: {problem}") from problem
        if self.closed:  # closed while connecting: nothing is sent
            connection.close()
            raise HttpError("the client is closed")
        return connection, False
