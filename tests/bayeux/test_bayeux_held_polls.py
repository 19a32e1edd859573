"""Held long polls: their timeouts kept in shared slots, what a held poll keeps of its connection and of
its request, and the one encoding of a message that every reply carries."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import pytest
from aiohttp import web
from bayeux_harness import WAIT, until
from yarl import URL

import bayeux
from bayeux.held import Deadlines, HeldConnect
from bayeux.session import ServerSession


async def _serving(server: bayeux.BayeuxServer, **runner_options: Any) -> tuple[web.AppRunner, str]:
    """`server` mounted at /cometd of an application served on a free loopback port: its runner, to clean
    up, and the endpoint's URL."""
    app = web.Application()
    bayeux.mount(app, "/cometd", server)
    runner = web.AppRunner(app, **runner_options)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/cometd"


def _held(timeout: float) -> HeldConnect:
    session = ServerSession("someone", None, 10, 1 << 20)
    return HeldConnect(session, {"channel": "/meta/connect"}, timeout, session.hold())


async def test_deadlines_answer_each_held_connect_once_its_timeout_passed_and_spare_those_stopped():
    deadlines = Deadlines(resolution=0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    held = [_held(0.2) for _ in range(100)]
    for connect in held:
        deadlines.start(connect)
    assert len(deadlines) == 100
    stopped, waiting = held[:50], held[50:]
    for connect in stopped:
        deadlines.stop(connect)
    assert len(deadlines) == 50
    await asyncio.wait_for(asyncio.gather(*(connect.waiter for connect in waiting)), WAIT)
    elapsed = loop.time() - started
    assert elapsed >= 0.2, "never before the timeout"
    assert not any(connect.waiter.done() for connect in stopped), "a stopped connect is not answered by its timeout"
    assert len(deadlines) == 0, "nothing kept once due"


async def test_a_held_long_poll_is_answered_at_its_timeout_and_leaves_no_deadline_behind(bare):
    harness, client = await bare(timeout=300)
    raw = client()
    assert (await raw.handshake())["successful"]
    await raw.connect()  # the first connect is answered at once
    loop = asyncio.get_running_loop()
    started = loop.time()
    held = asyncio.create_task(raw.connect())
    await until(lambda: len(harness.server.deadlines) == 1)
    replies = await asyncio.wait_for(held, WAIT)
    assert loop.time() - started >= 0.3
    assert replies[-1]["channel"] == "/meta/connect" and replies[-1]["successful"] is True
    assert len(harness.server.deadlines) == 0


async def test_a_held_long_poll_answered_early_leaves_no_deadline_behind(bare):
    harness, client = await bare()
    raw = client()
    assert (await raw.handshake())["successful"]
    await raw.connect()
    assert (await raw.send("/meta/subscribe", subscription="/room"))["successful"]
    held = asyncio.create_task(raw.connect())
    await until(lambda: len(harness.server.deadlines) == 1)
    harness.server.publish("/room", {"n": 1})
    replies = await asyncio.wait_for(held, WAIT)
    assert [r.get("data") for r in replies if r["channel"] == "/room"] == [{"n": 1}]
    assert len(harness.server.deadlines) == 0


class KeptAlive:
    """One keep-alive HTTP/1.1 connection to the server, requests written by hand, one after another."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, url: URL) -> None:
        self.reader, self.writer, self.url = reader, writer, url
        self.browser = f"b{id(self)}"  # the browser cookie: a session goes on only with its browser's

    @classmethod
    async def open(cls, url: str) -> KeptAlive:
        parts = URL(url)
        reader, writer = await asyncio.open_connection(parts.host, parts.port)
        return cls(reader, writer, parts)

    def send(self, batch: list[dict[str, Any]]) -> None:
        body = json.dumps(batch).encode()
        self.writer.write(
            f"POST {self.url.path} HTTP/1.1\r\nHost: {self.url.host}\r\nContent-Type: application/json\r\n"
            f"Cookie: BAYEUX_BROWSER={self.browser}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    async def receive(self) -> list[dict[str, Any]]:
        async with asyncio.timeout(WAIT):
            head = await self.reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head
            length = int(re.search(rb"Content-Length: (\d+)", head, re.I).group(1))  # type: ignore[union-attr]
            return json.loads(await self.reader.readexactly(length))

    async def call(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.send(batch)
        return await self.receive()

    async def session(self, channel: str) -> str:
        """Handshake, first connect and a subscription to `channel`: the clientId."""
        handshake = {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}
        client_id = (await self.call([handshake]))[0]["clientId"]
        await self.call([self.connect(client_id)])
        reply = await self.call([{"channel": "/meta/subscribe", "clientId": client_id, "subscription": channel}])
        assert reply[0]["successful"] is True
        return client_id

    @staticmethod
    def connect(client_id: str) -> dict[str, Any]:
        return {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"}


def _live_requests() -> int:
    gc.collect()
    return sum(isinstance(thing, web.BaseRequest) for thing in gc.get_objects())


async def test_held_polls_keep_no_request_and_their_connections_serve_the_next_requests(bare):
    harness, _ = await bare()
    connections = [await KeptAlive.open(harness.url) for _ in range(20)]
    try:
        client_ids = [await connection.session("/room") for connection in connections]
        before = _live_requests()
        for connection, client_id in zip(connections, client_ids, strict=True):
            connection.send([connection.connect(client_id)])
        await until(lambda: len(harness.server.deadlines) == 20)
        assert _live_requests() <= before, "a held poll keeps neither its request nor aiohttp's loop for it"
        harness.server.publish("/room", {"n": 1})
        for connection in connections:
            replies = await connection.receive()
            assert [r.get("data") for r in replies if r["channel"] == "/room"] == [{"n": 1}]
        # The same connections go on: their next connects are held, and answered, as the first were.
        for connection, client_id in zip(connections, client_ids, strict=True):
            connection.send([connection.connect(client_id)])
        await until(lambda: len(harness.server.deadlines) == 20)
        harness.server.publish("/room", {"n": 2})
        for connection in connections:
            replies = await connection.receive()
            assert [r.get("data") for r in replies if r["channel"] == "/room"] == [{"n": 2}]
    finally:
        for connection in connections:
            connection.writer.close()


async def test_a_connection_given_back_after_a_held_poll_is_closed_when_it_stays_silent():
    """aiohttp's keep-alive timeout applies again once a held poll is answered: a client that never
    sends another request does not keep its connection open for good."""
    server = bayeux.BayeuxServer(bayeux.Options(timeout=200))
    runner, url = await _serving(server, keepalive_timeout=1.5)
    connection = await KeptAlive.open(url)
    try:
        client_id = await connection.session("/room")
        connection.send([connection.connect(client_id)])
        await until(lambda: len(server.deadlines) == 1)
        replies = await connection.receive()  # the connect's timeout passed
        assert replies[-1]["successful"] is True
        async with asyncio.timeout(WAIT):
            assert await connection.reader.read() == b"", "the server closed the silent connection"
    finally:
        connection.writer.close()
        await runner.cleanup()


async def test_a_server_shutting_down_answers_its_held_polls_and_closes_their_connections():
    server = bayeux.BayeuxServer(bayeux.Options())
    runner, url = await _serving(server)
    connection = await KeptAlive.open(url)
    try:
        client_id = await connection.session("/room")
        connection.send([connection.connect(client_id)])
        await until(lambda: len(server.deadlines) == 1)
        await asyncio.wait_for(runner.cleanup(), WAIT)  # not held up by the poll, which waits 30 s
        replies = await connection.receive()
        assert replies[-1]["channel"] == "/meta/connect" and replies[-1]["advice"]["reconnect"] == "handshake"
        async with asyncio.timeout(WAIT):
            assert await connection.reader.read() == b"", "the server closed the connection"
    finally:
        connection.writer.close()


TAG: contextvars.ContextVar[str] = contextvars.ContextVar("tag", default="none")


async def test_what_a_request_set_in_its_context_does_not_reach_the_next_request_after_a_held_poll():
    """A middleware's context variable, set for one request, is not seen by a later request on the same
    connection because a held poll came between them."""

    @web.middleware
    async def tag(request: web.Request, handler: Any) -> web.StreamResponse:
        if "X-Tag" in request.headers:
            TAG.set(request.headers["X-Tag"])
        return await handler(request)

    async def probe(request: web.Request) -> web.Response:
        return web.Response(text=TAG.get())

    server = bayeux.BayeuxServer(bayeux.Options())
    app = web.Application(middlewares=[tag])
    app.router.add_get("/probe", probe)
    bayeux.mount(app, "/cometd", server)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    connection = await KeptAlive.open(f"http://127.0.0.1:{port}/cometd")
    try:
        client_id = await connection.session("/room")
        body = json.dumps([connection.connect(client_id)]).encode()
        connection.writer.write(
            f"POST /cometd HTTP/1.1\r\nHost: x\r\nX-Tag: secret\r\nCookie: BAYEUX_BROWSER=b{id(connection)}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await until(lambda: len(server.deadlines) == 1)
        server.publish("/room", {"n": 1})
        await connection.receive()
        connection.writer.write(b"GET /probe HTTP/1.1\r\nHost: x\r\n\r\n")
        async with asyncio.timeout(WAIT):
            head = await connection.reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"Content-Length: (\d+)", head, re.I).group(1))  # type: ignore[union-attr]
            assert await connection.reader.readexactly(length) == b"none"
    finally:
        connection.writer.close()
        await runner.cleanup()


async def test_a_message_is_encoded_once_and_that_encoding_is_in_every_held_connect_reply():
    server = bayeux.BayeuxServer(bayeux.Options())
    context = bayeux.server.Context("long-polling", None, None)  # type: ignore[arg-type]
    held: list[HeldConnect] = []
    for _ in range(3):
        handshake = [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}]
        client_id = (await server.process(handshake, context)).replies[0]["clientId"]
        first = (await server.process([KeptAlive.connect(client_id)], context)).held
        assert first is not None
        server.finish(first)  # the first connect is answered at once
        subscribe = {"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/room"}
        assert (await server.process([subscribe], context)).replies[0]["successful"] is True
        outcome = await server.process([KeptAlive.connect(client_id)], context)
        assert outcome.held is not None
        held.append(outcome.held)
    assert server.publish("/room", {"n": 1}) == 3
    replies = [server.finish(connect) for connect in held]
    encoded = replies[0][0]
    assert all(reply[0] is encoded for reply in replies), "one encoding, shared by every reply"
    assert json.loads(orjson.dumps(replies[1]))[0] == {"channel": "/room", "data": {"n": 1}}
    await server.stop()


async def test_a_poll_held_longer_than_the_keep_alive_timeout_keeps_its_connection():
    server = bayeux.BayeuxServer(bayeux.Options(timeout=1000))
    runner, url = await _serving(server, keepalive_timeout=0.3)
    connection = await KeptAlive.open(url)
    try:
        client_id = await connection.session("/room")
        before = _live_requests()
        loop = asyncio.get_running_loop()
        started = loop.time()
        connection.send([connection.connect(client_id)])
        await until(lambda: len(server.deadlines) == 1)
        assert _live_requests() <= before, "held without its request"
        replies = await connection.receive()
        assert loop.time() - started >= 1.0 and replies[-1]["successful"] is True
        async with asyncio.timeout(WAIT):
            assert await connection.reader.read() == b"", "then closed, once quiet for the keep-alive timeout"
    finally:
        connection.writer.close()
        await runner.cleanup()


async def test_a_held_poll_whose_client_half_closes_is_answered_at_once_and_its_session_goes_on(bare):
    """A client may shut its side down once its request is sent (shutdown(SHUT_WR)) and still read: its held
    connect is answered there and then (nothing can come after it on that connection, which then closes),
    and whatever is published later waits for the session's next connect, on a new connection."""
    harness, _ = await bare()
    connection = await KeptAlive.open(harness.url)
    later = await KeptAlive.open(harness.url)
    try:
        client_id = await connection.session("/room")
        connection.send([connection.connect(client_id)])
        await until(lambda: len(harness.server.deadlines) == 1)
        connection.writer.write_eof()
        replies = await connection.receive()
        assert replies[-1]["channel"] == "/meta/connect" and replies[-1]["successful"] is True, replies
        async with asyncio.timeout(WAIT):
            assert await connection.reader.read() == b"", "the server closed the connection after the reply"
        assert len(harness.server.deadlines) == 0
        harness.server.publish("/room", {"n": 1})
        later.browser = connection.browser  # the same client, on a new connection
        replies = await later.call([later.connect(client_id)])
        assert [r.get("data") for r in replies if r["channel"] == "/room"] == [{"n": 1}], replies
    finally:
        connection.writer.close()
        later.writer.close()


async def test_a_request_sent_behind_a_held_poll_before_a_half_close_is_still_answered(bare):
    harness, _ = await bare()
    connection = await KeptAlive.open(harness.url)
    try:
        client_id = await connection.session("/room")
        connection.send([connection.connect(client_id)])
        await until(lambda: len(harness.server.deadlines) == 1)
        connection.send([{"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/other"}])
        connection.writer.write_eof()
        held = await connection.receive()
        assert held[-1]["channel"] == "/meta/connect" and held[-1]["successful"] is True, held
        behind = await connection.receive()
        assert behind[0]["channel"] == "/meta/subscribe" and behind[0]["successful"] is True, behind
    finally:
        connection.writer.close()


async def _answered_behind_then_closed(server: bayeux.BayeuxServer, url: str, behind: int = 2) -> None:
    """The `behind` requests sent behind the held poll are answered, and then nothing more can come on the
    connection: it closes after the last answer, not at the keep-alive timeout (an hour)."""
    connection = await KeptAlive.open(url)
    channels = [f"/behind/{number}" for number in range(behind)]
    try:
        client_id = await connection.session("/room")
        connection.send([connection.connect(client_id)])
        await until(lambda: len(server.deadlines) == 1)
        for channel in channels:
            connection.send([{"channel": "/meta/subscribe", "clientId": client_id, "subscription": channel}])
        connection.writer.write_eof()
        assert (await connection.receive())[-1]["channel"] == "/meta/connect"
        for channel in channels:
            reply = await connection.receive()
            assert reply[0]["subscription"] == channel and reply[0]["successful"] is True, reply
        async with asyncio.timeout(WAIT):
            assert await connection.reader.read() == b"", "the server closed the connection after the last answer"
    finally:
        connection.writer.close()


async def _many_answered_behind_then_closed(server: bayeux.BayeuxServer, url: str) -> None:
    """More requests behind the held poll than aiohttp parses ahead (32, then it waits until they are
    answered to parse the rest): each is answered, and the connection closes after the last all the same."""
    await _answered_behind_then_closed(server, url, behind=100)


async def _connect_behind_answered_at_once(server: bayeux.BayeuxServer, url: str) -> None:
    """Held on a connection nothing more can come on, the connect would keep the connection for its timeout
    (a minute here) and have later messages written where nobody may read them: it is answered there and
    then, the connection closes, and what is published next waits for the session's next connect."""
    connection = await KeptAlive.open(url)
    later = await KeptAlive.open(url)
    try:
        client_id = await connection.session("/room")
        connection.send([connection.connect(client_id)])
        await until(lambda: len(server.deadlines) == 1)
        connection.send([connection.connect(client_id)])
        connection.writer.write_eof()
        assert (await connection.receive())[-1]["channel"] == "/meta/connect"
        behind = await connection.receive()  # within WAIT, far short of the connect's timeout
        assert behind[-1]["channel"] == "/meta/connect" and behind[-1]["successful"] is True, behind
        async with asyncio.timeout(WAIT):
            assert await connection.reader.read() == b"", "the server closed the connection after the connect"
        assert len(server.deadlines) == 0 and not server.sessions[client_id].held
        server.publish("/room", {"n": 1})
        later.browser = connection.browser
        replies = await later.call([later.connect(client_id)])
        assert [r.get("data") for r in replies if r["channel"] == "/room"] == [{"n": 1}], replies
    finally:
        connection.writer.close()
        later.writer.close()


HALF_CLOSES = (_answered_behind_then_closed, _many_answered_behind_then_closed, _connect_behind_answered_at_once)


@pytest.mark.parametrize("scenario", HALF_CLOSES)
async def test_after_a_half_close_every_request_sent_behind_a_held_poll_is_answered_at_once_then_it_closes(
    bare, scenario: Callable[[bayeux.BayeuxServer, str], Awaitable[None]]
):
    harness, _ = await bare(timeout=60_000)
    await scenario(harness.server, harness.url)


def test_after_a_half_close_every_request_sent_behind_a_held_poll_is_answered_at_once_on_uvloop():
    """Alike on uvloop, which servers run on by default: it reports the end of input anew each time
    aiohttp resumes reading the connection."""
    import uvloop

    async def every_scenario() -> None:
        server = bayeux.BayeuxServer(bayeux.Options(timeout=60_000))
        runner, url = await _serving(server)
        try:
            for scenario in HALF_CLOSES:
                await scenario(server, url)
        finally:
            await runner.cleanup()

    uvloop.run(every_scenario())
