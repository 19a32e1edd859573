"""The official CometD JavaScript client in real headless Chromium, against the simulator's notifications.

The page is served by the simulator itself, so it shares the origin of `/api/v2/notifications` the way an
agent desktop does, and it authenticates the way a desktop must: a browser cannot put an Authorization
header on a websocket, so the page logs in with `GET /api/v2/me` and the CometD handshake rides on the
`JSESSIONID` cookie that request set. What the Node and Python interop tests cannot show is shown here:
the browser's own websocket and XMLHttpRequest stacks, its cookie handling and its same-origin rules.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web
from chromium import WAIT, Page, chromium
from conftest import AGENT1, LiveServer, start_server
from proxy import CuttableProxy

import bayeux

pytestmark = pytest.mark.browser

HERE = Path(__file__).parents[1]
COMETD = HERE / "js" / "node_modules" / "cometd"
PAGE = HERE / "browser"
TRANSPORTS = ("websocket", "long-polling", "callback-polling")
CALLS = "/v2/me/calls"

# Messages with what JSON can carry, so that "exact data" covers text beyond ASCII, numbers, nesting.
CALL_EVENTS: list[dict[str, Any]] = [
    {
        "messageType": "CallStateChanged",
        "notificationType": "StatusChange",
        "call": {"id": f"call-{n}", "state": state, "participants": [{"number": "5002"}], "ordinal": n},
        "note": note,
    }
    for n, (state, note) in enumerate(
        [("Ringing", "première"), ("Established", "日本語"), ("Held", ""), ("Released", None)] * 5
    )
]


def serve_test_page(app: web.Application) -> None:
    """Serve the CometD client and the test page from the simulator, so they share its origin."""
    if not (COMETD / "cometd.js").exists():
        pytest.fail(f"{COMETD} is missing: `make test` installs the Node packages (npm ci in tests/js)")
    app.router.add_static("/_test/cometd/", COMETD)
    app.router.add_static("/_test/browser/", PAGE)


@pytest.fixture
async def page_server() -> AsyncIterator[LiveServer]:
    runner, server = await start_server(prepare=serve_test_page)
    yield server
    await runner.cleanup()


@pytest.fixture
async def page(page_server: LiveServer) -> AsyncIterator[Page]:
    """A fresh browser; it depends on the server so that it closes first, before the server stops."""
    async with chromium() as tab:
        yield tab


def page_url(base: str, transport: str, **extra: str) -> str:
    user, password = AGENT1
    query = urlencode({"transport": transport, "user": user, "password": password, **extra})
    return f"{base}/_test/browser/page.html?{query}"


async def wait_event(page: Page, kind: str, count: int = 1) -> list[dict[str, Any]]:
    """The page's events of one kind, once there are at least `count` of them."""
    events = await page.wait_for(
        "window.events ?? []",
        lambda events: sum(event["type"] == kind for event in events) >= count,
        f"{count} {kind!r} event(s)",
    )
    return [event for event in events if event["type"] == kind]


async def received(page: Page) -> list[Any]:
    """The data of every message the page got so far, in the order it got them."""
    return [event["data"] for event in await page.evaluate("window.events") if event["type"] == "message"]


async def disconnect(page: Page) -> None:
    """Disconnect the page's client and check the server's reply said so."""
    outcome = await page.evaluate("window.disconnect()")
    assert outcome["successful"] is True, outcome


async def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait for a server-side condition, at most WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT}s for {what}"
        await asyncio.sleep(0.02)


async def open_desktop(page: Page, server: LiveServer, base: str, transport: str) -> None:
    """Load the page and wait until it has logged in, handshaken over `transport`, subscribed and connected.

    The subscribe reply can overtake the reply to the first `/meta/connect`: waiting for both means the
    client has its held connect in place, as a desktop at rest does.
    """
    await page.navigate(page_url(base, transport))
    [login] = await wait_event(page, "login")
    assert login["status"] == 200
    [handshake] = await wait_event(page, "handshake")
    assert handshake["successful"] is True, handshake
    assert handshake["transport"] == transport, f"the client fell back to {handshake['transport']}"
    [subscribe] = await wait_event(page, "subscribe")
    assert subscribe["successful"] is True, subscribe
    [connected] = await wait_event(page, "connected")
    assert connected["transport"] == transport
    [session] = server.bayeux.sessions_of(server.user_id(AGENT1[0]))
    acks = server.bayeux.extension(bayeux.AcknowledgeExtension)
    assert acks is not None and acks.enabled(session), "the page's AckExtension should have turned acknowledgements on"
    assert CALLS in session.subscriptions


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_desktop_receives_its_calls_in_order(page: Page, page_server: LiveServer, transport: str) -> None:
    await open_desktop(page, page_server, page_server.url, transport)
    agent = page_server.user_id(AGENT1[0])

    for data in CALL_EVENTS:
        assert page_server.bayeux.deliver(agent, CALLS, data) == 1

    messages = await wait_event(page, "message", len(CALL_EVENTS))
    assert [message["data"] for message in messages] == CALL_EVENTS
    assert {message["channel"] for message in messages} == {CALLS}
    [session] = page_server.bayeux.sessions_of(agent)
    assert session.transport == transport

    await disconnect(page)
    assert page_server.bayeux.sessions == {}
    assert await page.evaluate("window.cometd.getStatus()") == "disconnected"
    # Read again once no reply can be on its way: nothing came twice.
    assert await received(page) == CALL_EVENTS


async def test_handshake_without_login_is_denied(page: Page, page_server: LiveServer) -> None:
    """The control of the test above: the same page minus the login request has no cookie and is refused."""
    await page.navigate(page_url(page_server.url, "websocket", login="skip"))
    [handshake] = await wait_event(page, "handshake")
    assert handshake["successful"] is False
    assert handshake["error"] == "403::handshake_denied"
    assert page_server.bayeux.sessions == {}


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_no_message_is_lost_when_the_connection_drops(
    page: Page, page_server: LiveServer, transport: str
) -> None:
    """Replies the network swallows before it dies come again after the client reconnects, once each.

    The page is loaded through the proxy, so every request of the browser goes through it. While the
    proxy throws away what the server sends, the connect reply carrying the first messages is lost; the
    proxy then drops every connection, the client reconnects with the same session, and the acknowledge
    extension makes the server send the lost batch again before what came after it.
    """
    host, port = page_server.url.removeprefix("http://").split(":")
    proxy = CuttableProxy(host, int(port))
    await proxy.start()
    try:
        await open_desktop(page, page_server, f"http://127.0.0.1:{proxy.port}", transport)
        agent = page_server.user_id(AGENT1[0])
        [session] = page_server.bayeux.sessions_of(agent)
        lost, after = CALL_EVENTS[:10], CALL_EVENTS[10:]

        proxy.blackhole = True
        swallowed = proxy.swallowed
        for data in lost:
            assert page_server.bayeux.deliver(agent, CALLS, data) == 1
        await wait_until(
            lambda: not session.has_messages() and proxy.swallowed > swallowed,
            "the server to send the messages into the black hole",
        )
        proxy.cut()
        proxy.blackhole = False

        if transport == "websocket":
            # A dead websocket fails the held connect and the client opens another. Over HTTP
            # Chromium may itself resend a request whose reused connection died before any byte of the
            # reply came, so the client sees no failure at all: the ack on the resent connect still
            # makes the server send the lost batch again.
            await wait_event(page, "connection broken")
            await wait_event(page, "connected", 2)
        for data in after:
            assert page_server.bayeux.deliver(agent, CALLS, data) == 1

        await wait_event(page, "message", len(CALL_EVENTS))
        assert page_server.bayeux.sessions_of(agent) == {session}, "the client should have kept its session"
        assert len(await wait_event(page, "handshake")) == 1
        await disconnect(page)
        assert page_server.bayeux.sessions == {}
        # Read after the disconnect, when no reply can be on its way: each message came exactly once.
        assert await received(page) == CALL_EVENTS
    finally:
        await proxy.stop()
