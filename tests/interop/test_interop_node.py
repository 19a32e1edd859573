"""The official CometD JavaScript client (npm `cometd`) in Node, through `cometd-nodejs-client`, unchanged.

Node services (CRM connectors, bots, dashboards' back ends) follow a contact center's notifications with
this client, so the simulator must serve it exactly as it is. `js/node_client.mjs` configures it as such an
application would, with the acknowledge extension registered, and reports what the client's own callbacks
and listeners see as JSON lines; these tests start it against a simulator on a real loopback port and
judge the simulator only by those reports and by the server's state.

How a Node application authenticates, and so how these tests do:

- websocket: a WebSocket cannot carry custom headers, and the adapter gives the `ws` package no cookies,
  so the credentials go in the URL's userinfo, which `ws` sends as HTTP Basic on the upgrade request.
- long-polling: `requestHeaders: {Authorization: ...}`, or the `JSESSIONID` of a REST request made through
  the adapter's XMLHttpRequest, whose cookie jar the CometD requests share.

Callback-polling cannot run in Node: the library sends it by adding `<script>` elements to
`window.document`, and the Node adapter provides no document, so it is not tested here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from proxy import CuttableProxy
from yarl import URL

import bayeux

pytestmark = pytest.mark.interop

WAIT = 10.0  # seconds: the bound of every wait on an expected event
JS = Path(__file__).parents[1] / "js"
SCRIPT = JS / "node_client.mjs"
PACKAGES = ("cometd", "cometd-nodejs-client", "ws")
CALLS = "/v2/me/calls"
AGENT1 = "agent1@example.com"
AGENT2 = "agent2@example.com"
PASSWORD = "password"

# How a Node application authenticates on each transport (see the module docstring).
AUTH_OF = {"websocket": "userinfo", "long-polling": "header"}
TRANSPORTS = pytest.mark.parametrize("transport", list(AUTH_OF))

Event = dict[str, Any]


def node_executable() -> str:
    """Node and the npm packages, or a failure that says how to get them: a missing tool is not a pass."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("`node` is not on PATH: these tests need Node.js 18 or newer")
    for package in PACKAGES:
        if not (JS / "node_modules" / package / "package.json").is_file():
            pytest.fail(f"tests/js/node_modules/{package} is missing: run `make test` or `npm ci --prefix tests/js`")
    return node


class NodeClient:
    """One Node process running the official client; keeps every event it reported, in order."""

    def __init__(self, name: str, process: asyncio.subprocess.Process) -> None:
        self.name = name
        self.process = process
        self.events: list[Event] = []
        self._stderr: list[str] = []
        self._stderr_reader = asyncio.create_task(self._drain_stderr())

    async def _drain_stderr(self) -> None:
        # The client logs to stderr; read it continuously so a chatty client never blocks on a full pipe.
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self._stderr.append(line.decode(errors="replace"))

    def diagnostics(self) -> str:
        events = "\n".join(json.dumps(event) for event in self.events)
        return f"{self.name}: events so far:\n{events}\nstderr:\n{''.join(self._stderr)[-4000:]}"

    async def _read_event(self) -> Event:
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), WAIT)
        except TimeoutError:
            raise AssertionError(f"no event within {WAIT} s\n{self.diagnostics()}") from None
        if not line:
            await asyncio.wait_for(self.process.wait(), WAIT)
            raise AssertionError(f"the client ended (exit {self.process.returncode})\n{self.diagnostics()}")
        event: Event = json.loads(line)
        self.events.append(event)
        return event

    async def seen(self, what: str, **fields: Any) -> Event:
        """The first event, already reported or still to come, named `what` with these field values."""

        def matches(event: Event) -> bool:
            return event.get("event") == what and all(event.get(k) == v for k, v in fields.items())

        for event in self.events:
            if matches(event):
                return event
        while not matches(event := await self._read_event()):
            pass
        return event

    def count(self, what: str) -> int:
        return sum(1 for event in self.events if event.get("event") == what)

    def received(self) -> list[Event]:
        """The messages received so far, as (channel, data) events."""
        return [event for event in self.events if event.get("event") == "message"]

    async def receive(self, total: int) -> list[Any]:
        """Wait until `total` messages have arrived in all; returns the data of every message so far."""
        while len(self.received()) < total:
            await self._read_event()
        assert all(event["channel"] == CALLS for event in self.received()), self.diagnostics()
        return [event["data"] for event in self.received()]

    async def command(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text.encode() + b"\n")
        await self.process.stdin.drain()

    async def ends_by_itself(self) -> int:
        """Close stdin and wait for Node to exit: it only does once the client holds no connection or timer."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            code = await asyncio.wait_for(self.process.wait(), WAIT)
        except TimeoutError:
            raise AssertionError(f"the client still holds a connection or a timer\n{self.diagnostics()}") from None
        assert self.process.stdout is not None
        for line in (await self.process.stdout.read()).splitlines():
            self.events.append(json.loads(line))  # what it reported last, so that counts see everything
        await self._stderr_reader
        return code

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        with contextlib.suppress(asyncio.CancelledError):
            self._stderr_reader.cancel()
            await self._stderr_reader


StartClient = Callable[..., Awaitable[NodeClient]]


@pytest.fixture
async def start_client() -> AsyncIterator[StartClient]:
    """Start Node clients; every one still running when the test ends is killed, pass or fail."""
    node = node_executable()
    clients: list[NodeClient] = []

    async def start(
        url: str, transport: str, user: str = AGENT1, password: str = PASSWORD, auth: str = ""
    ) -> NodeClient:
        config = {
            "url": url,
            "transport": transport,
            "auth": auth or AUTH_OF[transport],
            "user": user,
            "password": password,
            "channel": CALLS,
        }
        process = await asyncio.create_subprocess_exec(
            node,
            str(SCRIPT),
            json.dumps(config),
            cwd=JS,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        client = NodeClient(f"{user} over {transport}", process)
        clients.append(client)
        return client

    try:
        yield start
    finally:
        for client in clients:
            await client.kill()


async def subscribed(client: NodeClient, transport: str) -> Event:
    """Wait for the handshake, the subscription and the first connect; returns the handshake event."""
    handshake = await client.seen("handshake")
    assert handshake["successful"] is True, client.diagnostics()
    assert handshake["transport"] == transport, client.diagnostics()
    assert handshake["ack"] is True, "the server did not agree to the acknowledge extension"
    subscribe = await client.seen("subscribe")
    assert subscribe["successful"] is True and subscribe["subscription"] == CALLS, client.diagnostics()
    established = await client.seen("connection", state="established")
    assert established["transport"] == transport, client.diagnostics()
    return handshake


def only_session(server: bayeux.BayeuxServer, user_id: str) -> bayeux.ServerSession:
    sessions = server.sessions_of(user_id)
    assert len(sessions) == 1, sessions
    return next(iter(sessions))


async def until(condition: Callable[[], bool]) -> None:
    """Wait, bounded, for a state of the server that no event announces."""
    async with asyncio.timeout(WAIT):
        while not condition():  # noqa: ASYNC110 - server state with no event of its own
            await asyncio.sleep(0.005)


def call(number: int, user: str = AGENT1) -> dict[str, Any]:
    """Notification data with nesting, unicode and JSON's scalar types, so any re-encoding on the way shows."""
    return {
        "messageType": "CallStateChanged",
        "notificationType": "StatusChange",
        "call": {"id": f"call-{number}", "state": "Ringing", "participants": [{"number": "5002", "name": "Zoë 日本"}]},
        "for": user,
        "sequence": number,
        "held": False,
        "note": None,
        "duration": 1.5,
    }


async def disconnected(client: NodeClient, server: bayeux.BayeuxServer, session: bayeux.ServerSession) -> None:
    """Disconnect the way an application does, and check both ends let go of everything.

    It waits for the client's next connect to be held first: an idle client always has one, and the
    server must answer it in a way that lets the client close its connection.
    """
    await until(lambda: session.held)
    await client.command("disconnect")
    reply = await client.seen("disconnect")
    assert reply["successful"] is True, client.diagnostics()
    assert session.id not in server.sessions
    assert server.sessions_of(session.user) == frozenset()
    assert await client.ends_by_itself() == 0
    assert client.count("handshake") == 1, "the client handshook again after it disconnected"


@TRANSPORTS
async def test_subscribe_and_receive_in_order_only_my_messages(live_server, start_client, transport):
    url = live_server.notifications_url
    agent1, agent2 = live_server.user_id(AGENT1), live_server.user_id(AGENT2)
    client1 = await start_client(url, transport, AGENT1)
    client2 = await start_client(url, transport, AGENT2)
    handshake = await subscribed(client1, transport)
    await subscribed(client2, transport)
    server = live_server.bayeux
    session1 = only_session(server, agent1)
    assert session1.id == handshake["clientId"]
    assert session1.transport == transport
    assert session1.subscriptions == {CALLS}
    assert only_session(server, agent2).transport == transport

    mine = [call(number) for number in range(20)]
    theirs = [call(number, AGENT2) for number in range(20)]
    for their_call, my_call in zip(theirs, mine, strict=True):
        # Agent2's message goes first: had it reached agent1's session, it would arrive before agent1's own.
        assert server.deliver(agent2, CALLS, their_call) == 1
        assert server.deliver(agent1, CALLS, my_call) == 1
    assert await client1.receive(len(mine)) == mine
    assert await client2.receive(len(theirs)) == theirs

    await disconnected(client1, server, session1)
    assert client1.received() == [{"event": "message", "channel": CALLS, "data": data} for data in mine]
    states = [event["state"] for event in client1.events if event["event"] == "connection"]
    assert states == ["established"], "the connection never broke, not even at the disconnect"


@TRANSPORTS
async def test_reconnect_after_a_dropped_connection_loses_no_message(live_server, start_client, transport):
    target = URL(live_server.url)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 80)
    await proxy.start()
    try:
        client = await start_client(f"http://127.0.0.1:{proxy.port}/api/v2/notifications", transport)
        handshake = await subscribed(client, transport)
        server = live_server.bayeux
        agent1 = live_server.user_id(AGENT1)
        session = only_session(server, agent1)

        # One message through a healthy connection first, so that acknowledgements are under way.
        assert server.deliver(agent1, CALLS, call(0)) == 1
        assert await client.receive(1) == [call(0)]
        await until(lambda: session.held and session.pending == 0)

        # The server answers the held connect with these messages, and the network swallows the reply.
        proxy.blackhole = True
        lost = [call(number) for number in range(1, 6)]
        for data in lost:
            assert server.deliver(agent1, CALLS, data) == 1
        await until(lambda: proxy.swallowed > 0 and not session.has_messages() and not session.held)
        assert session.pending == len(lost), "written, as far as the server knows, but not acknowledged"

        proxy.cut()
        proxy.blackhole = False
        broken = await client.seen("connection", state="broken")
        assert "error" not in broken, "the connection broke; the session did not end"
        restored = await client.seen("connection", state="restored")
        assert restored["transport"] == transport
        assert await client.receive(1 + len(lost)) == [call(0), *lost]

        # Nothing arrives twice: the next message after the resent ones is a new one.
        assert server.deliver(agent1, CALLS, call(99)) == 1
        assert await client.receive(2 + len(lost)) == [call(0), *lost, call(99)]
        assert only_session(server, agent1) is session, "the same session, not a new handshake"
        assert session.id == handshake["clientId"] and session.transport == transport

        await disconnected(client, server, session)
        assert [event["data"] for event in client.received()] == [call(0), *lost, call(99)]
    finally:
        await proxy.stop()


async def test_session_cookie_of_a_rest_request_authenticates_long_polling(live_server, start_client):
    client = await start_client(live_server.notifications_url, "long-polling", auth="cookie")
    login = await client.seen("rest-login")
    assert login["status"] == 200
    await subscribed(client, "long-polling")
    agent1 = live_server.user_id(AGENT1)
    session = only_session(live_server.bayeux, agent1)
    assert live_server.bayeux.deliver(agent1, CALLS, call(1)) == 1
    assert await client.receive(1) == [call(1)]
    await disconnected(client, live_server.bayeux, session)


@TRANSPORTS
@pytest.mark.parametrize("password", [None, "not-the-password"], ids=["no-credentials", "wrong-password"])
async def test_handshake_is_denied_and_the_client_stops(live_server, start_client, transport, password):
    if password is None:
        client = await start_client(live_server.notifications_url, transport, auth="none")
    else:
        client = await start_client(live_server.notifications_url, transport, password=password)
    handshake = await client.seen("handshake")
    assert handshake["successful"] is False
    assert handshake["error"] == "403::handshake_denied"
    assert handshake["advice"] == {"reconnect": "none"}
    assert handshake["transport"] == transport
    status = await client.seen("status")
    assert status["status"] == "disconnected", "the client goes on after a denied handshake"
    # It schedules no retry: Node exits as soon as nothing else is pending.
    assert await client.ends_by_itself() == 0
    assert client.count("handshake") == 1
    assert live_server.bayeux.sessions == {}
