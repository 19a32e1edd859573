"""aiocometd-ng, a third-party Python CometD client, used unchanged against a running simulator.

Python agent desktops and CRM connectors follow a contact center's notifications with aiocometd-ng, so
the simulator must work with it as it is: it handshakes over long-polling and then switches to websocket
with the same clientId, it is not "open" until its first `/meta/connect` is answered, it re-handshakes and
resubscribes by itself, and it can add credentials only through its extension interface. Every test runs
over both connection types it supports.

What a user of aiocometd-ng has to add, these tests add the same way:

- It has no acknowledge extension, so `AckExtension` below is one, written against its public `Extension`
  interface; without it, messages on a reply that a dying connection swallowed are lost for good.
- `connection_timeout=0`: with any other value, `Client.receive` watches reconnections with
  `asyncio.wait_for(..., loop=...)`, which Python 3.10 removed, so the first reconnection would fail
  `receive` with a `TransportTimeoutError`. Every wait here has its own bound instead.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiocometd_ng import AuthExtension, Client, ConnectionType, Extension
from aiocometd_ng.exceptions import ServerError
from aiocometd_ng.typing import Headers, JsonObject, Payload
from proxy import CuttableProxy
from yarl import URL

import bayeux

pytestmark = pytest.mark.interop

WAIT = 10.0  # seconds: the bound of every wait on an expected event
CALLS = "/v2/me/calls"
AGENT1 = "agent1@example.com"
AGENT2 = "agent2@example.com"
PASSWORD = "password"

CONNECTION_TYPES = pytest.mark.parametrize(
    "connection_type", [ConnectionType.WEBSOCKET, ConnectionType.LONG_POLLING], ids=lambda c: c.value
)
# aiohttp keeps no cookies of IP-address hosts, so only through a host name does aiocometd-ng send the
# server's browser cookie back, and with it meet the server's limit of held connects per browser.
HOSTS = pytest.mark.parametrize("host", ["127.0.0.1", "localhost"], ids=["ip", "hostname"])


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class BasicCredentials(AuthExtension):
    """HTTP Basic credentials on every request, the way the real service authenticates CometD requests.

    aiocometd-ng sends the headers an extension sets with each long-polling POST and with the websocket's
    upgrade request, so this is how its users authenticate.
    """

    def __init__(self, user: str, password: str) -> None:
        self.header = basic(user, password)

    async def outgoing(self, payload: Payload, headers: Headers) -> None:
        headers["Authorization"] = self.header

    async def incoming(self, payload: Payload, headers: Headers | None = None) -> None:
        return None


class SessionCookie(AuthExtension):
    """The `JSESSIONID` of an earlier REST request, sent as a header: aiocometd-ng owns its cookie jar."""

    def __init__(self, token: str) -> None:
        self.header = f"JSESSIONID={token}"

    async def outgoing(self, payload: Payload, headers: Headers) -> None:
        headers["Cookie"] = self.header

    async def incoming(self, payload: Payload, headers: Headers | None = None) -> None:
        return None


class AckExtension(Extension):
    """The Bayeux acknowledge extension for aiocometd-ng, which has none of its own.

    It asks for acknowledgements in the handshake; once the server agrees, each `/meta/connect` carries
    the batch number of the last connect reply received, so the server resends whatever a dropped
    connection swallowed. aiocometd-ng shows an incoming payload to extensions before it queues its
    messages for `receive`, so a batch is acknowledged only once its messages are in the client's hands.
    """

    def __init__(self) -> None:
        self.enabled = False
        self.batch = 0

    async def outgoing(self, payload: Payload, headers: Headers) -> None:
        for message in payload:
            if message.get("channel") == "/meta/handshake":
                message["ext"] = {**message.get("ext", {}), "ack": True}
                self.enabled = False
                self.batch = 0
            elif message.get("channel") == "/meta/connect" and self.enabled:
                message["ext"] = {**message.get("ext", {}), "ack": self.batch}

    async def incoming(self, payload: Payload, headers: Headers | None = None) -> None:
        for message in payload:
            ext = message.get("ext")
            if not isinstance(ext, dict) or not message.get("successful"):
                continue
            if message.get("channel") == "/meta/handshake":
                self.enabled = ext.get("ack") is True
            elif message.get("channel") == "/meta/connect" and self.enabled:
                batch = ext.get("ack")
                if isinstance(batch, int) and not isinstance(batch, bool):
                    self.batch = batch


class MetaReplies(Extension):
    """Keeps every meta reply the client receives, to check what the server advised it."""

    def __init__(self) -> None:
        self.replies: list[JsonObject] = []

    async def outgoing(self, payload: Payload, headers: Headers) -> None:
        return None

    async def incoming(self, payload: Payload, headers: Headers | None = None) -> None:
        self.replies += [m for m in payload if str(m.get("channel", "")).startswith("/meta/")]


OpenClient = Callable[..., Awaitable[Client]]


@pytest.fixture
async def open_client() -> AsyncIterator[OpenClient]:
    """Open aiocometd-ng clients; whichever a test leaves open is closed when it ends, pass or fail."""
    clients: list[Client] = []

    async def make(
        url: str,
        connection_type: ConnectionType,
        auth: AuthExtension | None = None,
        extensions: list[Extension] | None = None,
    ) -> Client:
        client = Client(url, [connection_type], connection_timeout=0, auth=auth, extensions=extensions)
        clients.append(client)
        try:
            await asyncio.wait_for(client.open(), WAIT)
        except BaseException:
            await abandon(client)
            raise
        return client

    yield make
    for client in clients:
        try:
            await asyncio.wait_for(client.close(), WAIT)
        finally:
            await abandon(client)


async def abandon(client: Client) -> None:
    """Release what a client whose `open()` or `close()` failed half-way may still hold.

    aiocometd-ng's `close()` does nothing for a client that never finished opening, or whose earlier
    `close()` was interrupted, yet its transport may still hold a websocket, which would keep the server's
    shutdown waiting for a minute. This is test housekeeping for failures, not use of the client, hence
    the private attributes; on a client that closed normally it does nothing.
    """
    transport = client._transport
    if transport is not None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(transport.disconnect(), WAIT)
            await asyncio.wait_for(transport.close(), WAIT)
    http = client._http_session
    if http is not None and not http.closed:
        await http.close()


async def receive(client: Client, count: int) -> list[JsonObject]:
    """The next `count` messages the client receives, each wait bounded."""
    return [await asyncio.wait_for(client.receive(), WAIT) for _ in range(count)]


async def until(condition: Callable[[], bool]) -> None:
    """Wait, within the bound, for a state of the server that no event of its own announces."""
    async with asyncio.timeout(WAIT):
        while not condition():  # noqa: ASYNC110 - server state with no event of its own
            await asyncio.sleep(0.005)


def only_session(server: bayeux.BayeuxServer, user: str) -> bayeux.ServerSession:
    sessions = server.sessions_of(user)
    assert len(sessions) == 1, sessions
    return next(iter(sessions))


def call(number: int) -> dict[str, Any]:
    """Notification data with nesting and non-ASCII text, so that any re-encoding on the way shows."""
    return {
        "messageType": "CallStateChanged",
        "notificationType": "StatusChange",
        "call": {"id": f"call-{number}", "state": "Ringing", "participants": [{"number": "5002", "name": "Zoë"}]},
        "sequence": number,
    }


def on_host(url: str, host: str) -> str:
    return str(URL(url).with_host(host))


@HOSTS
@CONNECTION_TYPES
async def test_basic_credentials_subscribe_and_receive_in_order(live_server, open_client, connection_type, host):
    advice = MetaReplies()
    client = await open_client(
        on_host(live_server.notifications_url, host),
        connection_type,
        auth=BasicCredentials(AGENT1, PASSWORD),
        extensions=[advice],
    )
    assert client.connection_type is connection_type
    agent1 = live_server.user_id(AGENT1)
    session = only_session(live_server.bayeux, agent1)
    assert session.transport == connection_type.value

    await asyncio.wait_for(client.subscribe(CALLS), WAIT)
    assert client.subscriptions == {CALLS}
    assert session.subscriptions == {CALLS}

    # More than aiocometd-ng prefetches (100), so its reading stalls and resumes along the way.
    sent = [call(number) for number in range(250)]
    for data in sent[:5]:
        assert live_server.bayeux.deliver(agent1, CALLS, data) == 1
    assert [message["data"] for message in await receive(client, 5)] == sent[:5]
    for data in sent[5:]:
        assert live_server.bayeux.deliver(agent1, CALLS, data) == 1
    received = await receive(client, len(sent) - 5)
    assert [message["channel"] for message in received] == [CALLS] * len(received)
    assert [message["data"] for message in received] == sent[5:]
    assert not any(reply.get("advice", {}).get("multiple-clients") for reply in advice.replies)

    await asyncio.wait_for(client.unsubscribe(CALLS), WAIT)
    assert client.subscriptions == set()
    assert session.subscriptions == set()
    assert live_server.bayeux.deliver(agent1, CALLS, call(999)) == 0

    await asyncio.wait_for(client.close(), WAIT)
    assert session.id not in live_server.bayeux.sessions
    assert live_server.bayeux.sessions_of(agent1) == frozenset()


@CONNECTION_TYPES
async def test_session_cookie_of_a_rest_request_authenticates(live_server, open_client, connection_type):
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http,
        http.get(f"{live_server.url}/api/v2/me", headers={"Authorization": basic(AGENT1, PASSWORD)}) as response,
    ):
        assert response.status == 200
        token = response.cookies["JSESSIONID"].value

    client = await open_client(live_server.notifications_url, connection_type, auth=SessionCookie(token))
    agent1 = live_server.user_id(AGENT1)
    assert only_session(live_server.bayeux, agent1).transport == connection_type.value
    await asyncio.wait_for(client.subscribe(CALLS), WAIT)
    assert live_server.bayeux.deliver(agent1, CALLS, call(1)) == 1
    [message] = await receive(client, 1)
    assert message["data"] == call(1)


@CONNECTION_TYPES
async def test_messages_of_another_user_never_arrive(live_server, open_client, connection_type):
    url = live_server.notifications_url
    client1 = await open_client(url, connection_type, auth=BasicCredentials(AGENT1, PASSWORD))
    client2 = await open_client(url, connection_type, auth=BasicCredentials(AGENT2, PASSWORD))
    await asyncio.wait_for(client1.subscribe(CALLS), WAIT)
    await asyncio.wait_for(client2.subscribe(CALLS), WAIT)
    agent1, agent2 = live_server.user_id(AGENT1), live_server.user_id(AGENT2)

    for number in range(3):
        # Agent2's message goes first: had it reached agent1's session, it would come before agent1's own.
        theirs, mine = {"for": AGENT2, **call(number)}, {"for": AGENT1, **call(number)}
        assert live_server.bayeux.deliver(agent2, CALLS, theirs) == 1
        assert live_server.bayeux.deliver(agent1, CALLS, mine) == 1
        [received2] = await receive(client2, 1)
        [received1] = await receive(client1, 1)
        assert received2["data"] == theirs
        assert received1["data"] == mine
    assert not client1.has_pending_messages and not client2.has_pending_messages


@CONNECTION_TYPES
async def test_clients_cannot_publish_on_the_servers_channels(live_server, open_client, connection_type):
    client = await open_client(live_server.notifications_url, connection_type, auth=BasicCredentials(AGENT1, PASSWORD))
    await asyncio.wait_for(client.subscribe(CALLS), WAIT)
    with pytest.raises(ServerError) as raised:
        await asyncio.wait_for(client.publish(CALLS, call(1)), WAIT)
    assert raised.value.message == "Publish request failed."
    assert raised.value.error == "403::publish_denied"
    # The refusal leaves the client usable.
    assert live_server.bayeux.deliver(live_server.user_id(AGENT1), CALLS, call(2)) == 1
    [message] = await receive(client, 1)
    assert message["data"] == call(2)


@HOSTS
@CONNECTION_TYPES
async def test_reconnect_after_a_dropped_connection_loses_no_message(live_server, open_client, connection_type, host):
    target = URL(live_server.url)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 80)
    await proxy.start()
    try:
        ack = AckExtension()
        client = await open_client(
            f"http://{host}:{proxy.port}/api/v2/notifications",
            connection_type,
            auth=BasicCredentials(AGENT1, PASSWORD),
            extensions=[ack],
        )
        assert ack.enabled, "the server did not agree to the acknowledge extension"
        await asyncio.wait_for(client.subscribe(CALLS), WAIT)
        bayeux_server = live_server.bayeux
        agent1 = live_server.user_id(AGENT1)
        session = only_session(bayeux_server, agent1)

        # One message through a healthy connection first, so that acknowledgements are under way.
        assert bayeux_server.deliver(agent1, CALLS, call(0)) == 1
        [first] = await receive(client, 1)
        assert first["data"] == call(0)
        await until(lambda: session.held and session.pending == 0)
        assert ack.batch > 0

        # The server answers the held connect with these messages, and the network swallows the reply.
        proxy.blackhole = True
        lost = [call(number) for number in range(1, 6)]
        for data in lost:
            assert bayeux_server.deliver(agent1, CALLS, data) == 1
        await until(lambda: proxy.swallowed > 0 and not session.has_messages() and not session.held)
        assert session.pending == len(lost)  # sent, as far as the server knows, but not acknowledged
        assert not client.has_pending_messages

        proxy.cut()
        proxy.blackhole = False
        resent = await receive(client, len(lost))
        assert [message["data"] for message in resent] == lost

        # Nothing arrives twice: the next message after the resent ones is a new one.
        assert bayeux_server.deliver(agent1, CALLS, call(99)) == 1
        [after] = await receive(client, 1)
        assert after["data"] == call(99)
        assert only_session(bayeux_server, agent1) is session  # reconnected, not handshaken again

        await asyncio.wait_for(client.close(), WAIT)
        assert session.id not in bayeux_server.sessions
        assert bayeux_server.sessions_of(agent1) == frozenset()
    finally:
        await proxy.stop()


@CONNECTION_TYPES
async def test_session_dropped_by_the_server_is_handshaken_again_and_resubscribed(
    live_server, open_client, connection_type
):
    client = await open_client(live_server.notifications_url, connection_type, auth=BasicCredentials(AGENT1, PASSWORD))
    await asyncio.wait_for(client.subscribe(CALLS), WAIT)
    bayeux_server = live_server.bayeux
    agent1 = live_server.user_id(AGENT1)
    dropped = only_session(bayeux_server, agent1)
    await until(lambda: dropped.held)

    # Its held connect is told `402::session_unknown`, `reconnect: handshake`; the client does the rest.
    bayeux_server.disconnect(dropped, "dropped by the simulator")
    await until(lambda: any(CALLS in session.subscriptions for session in bayeux_server.sessions_of(agent1)))
    renewed = only_session(bayeux_server, agent1)
    assert renewed.id != dropped.id
    assert renewed.transport == connection_type.value

    assert bayeux_server.deliver(agent1, CALLS, call(1)) == 1
    [message] = await receive(client, 1)
    assert message["data"] == call(1)
    await asyncio.wait_for(client.close(), WAIT)
    assert bayeux_server.sessions_of(agent1) == frozenset()


@CONNECTION_TYPES
async def test_wrong_password_is_a_handshake_failure(live_server, connection_type):
    client = Client(
        live_server.notifications_url,
        [connection_type],
        connection_timeout=0,
        auth=BasicCredentials(AGENT1, "not-the-password"),
    )
    with pytest.raises(ServerError) as raised:
        await asyncio.wait_for(client.open(), WAIT)
    assert raised.value.message == "Handshake request failed."
    assert raised.value.error == "403::handshake_denied"
    assert raised.value.error_code == 403
    assert raised.value.error_message == "handshake_denied"
    assert client.closed
    assert live_server.bayeux.sessions == {}
