"""The scenario's HTTP/1.1 client against a loopback server that answers canned bytes: every way HTTP/1.1
delimits a body, keep-alive and its end, interim answers, and the failures it must report."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from simulator.scenario.http_client import HttpClient, HttpError

BOUND = 5.0  # seconds any exchange here may take


class CannedServer:
    """Answers the n-th request (counted from 1 over all connections) with `answers(n)`: byte strings
    written one by one, so an answer can arrive in pieces; `CLOSE` among them closes the connection."""

    CLOSE = b""

    def __init__(self, answers: Callable[[int], list[bytes]]) -> None:
        self.answers = answers
        self.requests: list[tuple[bytes, bytes]] = []  # (head, body) of each request, in order
        self.connections = 0
        self.url = ""

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                self.requests.append((head, body))
                for piece in self.answers(len(self.requests)):
                    if piece == self.CLOSE:
                        writer.close()
                        return
                    writer.write(piece)
                    await writer.drain()
                    await asyncio.sleep(0)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


@asynccontextmanager
async def canned(answers: Callable[[int], list[bytes]]) -> AsyncIterator[tuple[CannedServer, HttpClient]]:
    server = CannedServer(answers)
    listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    client = HttpClient(f"http://127.0.0.1:{port}", headers={"Cookie": "JSESSIONID=abc"}, timeout=BOUND)
    try:
        yield server, client
    finally:
        await client.close()
        listening.close()


def ok(body: bytes, *headers: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (
        len(body),
        b"".join(h + b"\r\n" for h in headers),
        body,
    )


async def test_a_request_carries_host_headers_and_body_and_the_connection_is_kept() -> None:
    async with canned(lambda n: [ok(b'{"n": %d}' % n, b"Set-Cookie: a=1", b"Set-Cookie: b=2")]) as (server, client):
        first = await client.request("POST", "/api/v2/me?x=1", b'{"operationName":"Ready"}', {"X-Test": "yes"})
        second = await client.request("GET", "/api/v2/me")
    assert (first.status, first.body, second.body) == (200, b'{"n": 1}', b'{"n": 2}')
    assert first.all("set-cookie") == ["a=1", "b=2"] and first.header("content-length") == "8"
    assert server.connections == 1
    head, body = server.requests[0]
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /api/v2/me?x=1 HTTP/1.1"
    assert f"Host: {client.authority}" in lines and "Cookie: JSESSIONID=abc" in lines and "X-Test: yes" in lines
    assert "Content-Length: 25" in lines and body == b'{"operationName":"Ready"}'
    assert not any(line.startswith("Content-Length") for line in server.requests[1][0].decode().split("\r\n"))


async def test_a_chunked_answer_in_pieces_with_extensions_and_trailers() -> None:
    answer = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n"
    )

    def bytewise(n: int) -> list[bytes]:
        return [answer[i : i + 1] for i in range(len(answer))] if n == 1 else [ok(b"again")]

    async with canned(bytewise) as (server, client):
        first = await client.request("GET", "/")
        second = await client.request("GET", "/")
    assert (first.body, second.body) == (b"hello, world", b"again")
    assert server.connections == 1


async def test_header_names_with_spaces_folded_lines_bare_cr_and_blank_values_read_as_http_allows() -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\nX Spaced: one \r\nX-Folded: a\r\n \t b\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nX-Raw: a\rb\r\nX-Blank:\t \r\nCONTENT-LENGTH:  3\t\r\n\r\nraw",
    ]
    async with canned(lambda n: [answers[n - 1]]) as (server, client):
        first = await client.request("GET", "/")
        second = await client.request("GET", "/")
    assert first.headers == [("x spaced", "one"), ("x-folded", "a b"), ("content-length", "2")]
    assert second.headers == [("x-raw", "a\rb"), ("x-blank", ""), ("content-length", "3")]
    assert (first.body, second.body) == (b"ok", b"raw")
    assert server.connections == 1


async def test_an_answer_without_length_ends_with_the_connection_and_the_next_opens_another() -> None:
    async with canned(lambda n: [b"HTTP/1.1 200 OK\r\n\r\nuntil ", b"the end", CannedServer.CLOSE]) as (server, client):
        first = await client.request("GET", "/")
        second = await client.request("GET", "/")
    assert first.body == second.body == b"until the end"
    assert server.connections == 2


async def test_connection_close_and_http_1_0_are_not_reused() -> None:
    answers = [ok(b"one", b"Connection: close"), b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\ntwo", ok(b"three")]
    async with canned(lambda n: [answers[n - 1]]) as (server, client):
        bodies = [(await client.request("GET", "/")).body for _ in range(3)]
    assert bodies == [b"one", b"two", b"three"]
    assert server.connections == 3


async def test_no_body_for_head_204_and_304_and_interim_answers_are_skipped() -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n",  # to HEAD: the length of what GET would send
        b"HTTP/1.1 204 No Content\r\n\r\n",
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: 12\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + ok(b"final"),
    ]
    async with canned(lambda n: [answers[n - 1]]) as (server, client):
        head = await client.request("HEAD", "/")
        no_content = await client.request("DELETE", "/")
        not_modified = await client.request("GET", "/")
        final = await client.request("GET", "/")
    assert [(a.status, a.body) for a in (head, no_content, not_modified, final)] == [
        (200, b""), (204, b""), (304, b""), (200, b"final"),
    ]  # fmt: skip
    assert server.connections == 1


async def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    async with canned(lambda n: [ok(b"once"), CannedServer.CLOSE]) as (server, client):
        first = await client.request("GET", "/")
        (idle,) = client._idle
        lost = asyncio.Event()
        original = idle.connection_lost
        idle.connection_lost = lambda problem: (original(problem), lost.set())  # type: ignore[method-assign]
        await asyncio.wait_for(lost.wait(), BOUND)  # the server's close reached the idle connection
        assert not idle.usable
        second = await client.request("POST", "/", b"{}")
    assert first.body == second.body == b"once"
    assert server.connections == 2


async def test_a_request_a_reused_connection_drops_unanswered_is_sent_again_only_if_idempotent() -> None:
    """The server takes the second and fourth requests and closes without a byte of answer: the GET is
    sent again on a new connection, the POST is not (the server may have acted on it)."""
    answers = {1: [ok(b"first")], 2: [CannedServer.CLOSE], 3: [ok(b"again")], 4: [CannedServer.CLOSE]}
    async with canned(lambda n: answers.get(n, [ok(b"more")])) as (server, client):
        assert (await client.request("GET", "/")).body == b"first"
        assert (await client.request("GET", "/")).body == b"again"
        with pytest.raises(HttpError, match="closed the connection before answering"):
            await client.request("POST", "/", b"{}")
    assert (server.connections, len(server.requests)) == (2, 4)


async def test_a_request_running_when_the_client_closes_fails_and_is_not_sent_again() -> None:
    arrived = asyncio.Event()

    def answers(n: int) -> list[bytes]:
        arrived.set()
        return [ok(b"first")] if n == 1 else []  # the second is never answered

    async with canned(answers) as (server, client):
        await client.request("GET", "/")
        arrived.clear()
        running = asyncio.ensure_future(client.request("GET", "/slow"))
        async with asyncio.timeout(BOUND):
            await arrived.wait()
        await client.close()
        with pytest.raises(HttpError):
            await asyncio.wait_for(running, BOUND)
        with pytest.raises(HttpError, match="the client is closed"):
            await client.request("GET", "/")
    assert (server.connections, len(server.requests)) == (1, 2)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", CannedServer.CLOSE], "in the middle of the answer"),
        ([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", CannedServer.CLOSE], "chunked"),
        ([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"], "invalid chunk size"),
        ([b"HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd"], "invalid Content-Length"),
        ([b"HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n"], "invalid Content-Length"),
        ([b"SSH-2.0-OpenSSH\r\n\r\n"], "not an HTTP/1.1 answer"),
        ([b"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n"], "not an HTTP/1.1 answer"),
        ([b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"], "malformed header"),
        ([b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 0\r\n\r\n"], "gzip"),
        ([CannedServer.CLOSE], "closed the connection before answering"),
    ],
)
async def test_what_cannot_be_read_fails_the_request_and_its_connection(answer: list[bytes], message: str) -> None:
    async with canned(lambda n: answer if n == 1 else [ok(b"fine")]) as (server, client):
        with pytest.raises(HttpError, match=message):
            await client.request("POST", "/", b"{}")
        assert (await client.request("GET", "/")).body == b"fine"  # on a new connection
    assert server.connections == 2


async def test_an_answer_that_does_not_come_in_time_fails_and_its_connection_is_not_reused() -> None:
    stalled = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nsl"  # three bytes of the body never come
    async with canned(lambda n: [stalled] if n == 1 else [ok(b"fine")]) as (server, client):
        client.timeout = 0.2
        with pytest.raises(TimeoutError):
            await client.request("GET", "/")
        client.timeout = BOUND
        assert (await client.request("GET", "/")).body == b"fine"
    assert server.connections == 2


async def test_a_server_that_does_not_listen_fails_with_its_address() -> None:
    client = HttpClient("http://127.0.0.1:9", timeout=BOUND)  # nothing listens on the discard port
    with pytest.raises(HttpError, match="cannot connect to http://127.0.0.1:9"):
        await client.request("GET", "/")
    await client.close()


async def test_what_cannot_be_sent_is_refused() -> None:
    with pytest.raises(ValueError, match="not an http or https URL"):
        HttpClient("ftp://example.com")
    async with canned(lambda n: [ok(b"")]) as (server, client):
        with pytest.raises(ValueError, match="cannot be sent"):
            await client.request("GET", "/a b")
        with pytest.raises(ValueError, match="cannot be sent"):
            await client.request("GET", "/", None, {"X-Evil": "a\r\nInjected: yes"})
    assert server.requests == []


async def test_a_request_still_connecting_when_the_client_closes_is_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()
    connecting, closed = asyncio.Event(), asyncio.Event()
    connect = loop.create_connection

    async def held_connect(*args: Any, **kwargs: Any) -> Any:
        opened = await connect(*args, **kwargs)
        connecting.set()
        await closed.wait()  # the client closes while this connection is still being opened
        return opened

    async with canned(lambda n: [ok(b"sent")]) as (server, client):
        monkeypatch.setattr(loop, "create_connection", held_connect)
        request = asyncio.ensure_future(client.request("POST", "/x", b"{}"))
        await asyncio.wait_for(connecting.wait(), BOUND)
        await client.close()
        closed.set()
        with pytest.raises(HttpError, match="the client is closed"):
            await asyncio.wait_for(request, BOUND)
    assert server.requests == []
