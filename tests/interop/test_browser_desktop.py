"""A browser desktop on another origin, in real headless Chromium, with the official CometD client.

The page is served by a second aiohttp app on another port, as a front-end team's dev server would
serve it; the simulator allows that origin (`--allow-origin`). The page logs in with Basic credentials
and from then on relies on the cookie, reads the CSRF token from the login answer and sends it, follows
its calls over long-polling (or websocket) and answers an inbound call, which the caller then hangs up. With a wrong
token its changes are refused with 403; with CSRF protection off it needs none.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from chromium import Page, chromium
from conftest import AGENT1, LiveServer, start_server
from rest_client import ADMIN, basic

from simulator.api.keys import CENTER
from simulator.center_file import load_default
from simulator.core.site import SiteOptions

pytestmark = pytest.mark.browser

HERE = Path(__file__).parents[1]
COMETD = HERE / "js" / "node_modules" / "cometd"


@pytest.fixture(params=["127.0.0.1", "localhost"], ids=["same-site", "other-site"])
async def desktop_origin(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """The desktop's own origin: an app serving the page and the CometD client, nothing else. On
    127.0.0.1 it is another port of the simulator's site; on `localhost` (where dev servers run) it is
    another site, whose page the browser sends only a cross-site cookie."""
    if not (COMETD / "cometd.js").exists():
        pytest.fail(f"{COMETD} is missing: `make test` installs the Node packages (npm ci in tests/js)")
    app = web.Application()
    app.router.add_static("/cometd/", COMETD)
    app.router.add_static("/desktop/", HERE / "browser")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://{request.param}:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    await runner.cleanup()


@pytest.fixture
async def simulator(desktop_origin: str) -> AsyncIterator[Callable]:
    """`await simulator(csrf=...)`: a simulator that allows the desktop's origin."""
    runners = []

    async def make(csrf: bool) -> LiveServer:
        center = load_default()
        center.site = SiteOptions(allow_origins=(desktop_origin,), csrf=csrf)
        runner, server = await start_server(center=center)
        runners.append(runner)
        return server

    yield make
    for runner in runners:
        await runner.cleanup()


async def open_desktop(
    page: Page, origin: str, server: LiveServer, token: str, transport: str = "long-polling"
) -> None:
    user, password = AGENT1
    query = urlencode({"api": server.url, "user": user, "password": password, "token": token, "transport": transport})
    await page.navigate(f"{origin}/desktop/desktop.html?{query}")


async def events_of(page: Page, kind: str, condition: Callable[[list[dict[str, Any]]], bool], what: str) -> list:
    events = await page.wait_for(f"(window.events ?? []).filter((event) => event.type === {kind!r})", condition, what)
    return events


async def call_states(page: Page, wanted: str) -> list[str]:
    messages = await events_of(
        page, "message", lambda ms: any(m["data"].get("call", {}).get("state") == wanted for m in ms), wanted
    )
    return [message["data"]["call"]["state"] for message in messages]


async def sim(server: LiveServer, method: str, path: str, body: dict | None = None) -> dict:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{server.url}/sim{path}", json=body, headers=basic(ADMIN)) as response,
    ):
        answer = await response.json()
        assert response.status == 200, answer
        return answer


async def follow_an_inbound_call(page: Page, server: LiveServer) -> None:
    await events_of(page, "subscribe", lambda events: any(e["successful"] for e in events), "the subscription")
    call = await sim(server, "POST", "/calls", {"from": "+14155550100", "to": "5001"})
    ringing = await events_of(page, "message", lambda ms: len(ms) >= 1, "a Ringing call")
    leg = ringing[0]["data"]["call"]
    assert leg["state"] == "Ringing"
    assert await page.evaluate(f"window.change('/me/calls/{leg['id']}', {{operationName: 'Answer'}})") == 200
    await call_states(page, "Established")
    await sim(server, "POST", f"/calls/{call['id']}", {"operationName": "Hangup"})
    states = await call_states(page, "Released")
    assert states[0] == "Ringing" and states[-1] == "Released" and "Established" in states


@pytest.mark.parametrize("transport", ["long-polling", "websocket"])
async def test_with_csrf_on_the_desktop_sends_the_token_and_follows_a_call(desktop_origin, simulator, transport):
    server = await simulator(csrf=True)
    async with chromium() as page:
        await open_desktop(page, desktop_origin, server, "sent", transport)
        [login] = await events_of(page, "login", bool, "the login")
        assert login["status"] == 200 and login["header"] == "X-CSRF-TOKEN"
        assert login["token"]
        changes = await events_of(page, "change", lambda events: len(events) >= 2, "two changes")
        assert [change["status"] for change in changes] == [200, 200]
        [handshake] = await events_of(page, "handshake", bool, "the handshake")
        assert handshake["successful"] is True and handshake["transport"] == transport
        await follow_an_inbound_call(page, server)


async def test_with_a_wrong_token_every_change_is_refused(desktop_origin, simulator):
    server = await simulator(csrf=True)
    async with chromium() as page:
        await open_desktop(page, desktop_origin, server, "wrong")
        [change] = await events_of(page, "change", bool, "the refused change")
        assert change["status"] == 403
        assert change["answer"]["statusMessage"] == "Missing or invalid Csrf token"
    agent = server.app[CENTER].user_named(AGENT1[0])
    state, _ = server.app[CENTER].voice_state_of(agent.id)
    assert state["state"] == "Logout"  # the refused StartContactCenterSession changed nothing


async def test_with_csrf_off_the_desktop_needs_no_token(desktop_origin, simulator):
    server = await simulator(csrf=False)
    async with chromium() as page:
        await open_desktop(page, desktop_origin, server, "none")
        [login] = await events_of(page, "login", bool, "the login")
        assert login["status"] == 200 and login["token"] is None
        changes = await events_of(page, "change", lambda events: len(events) >= 2, "two changes")
        assert [change["status"] for change in changes] == [200, 200]
        await follow_an_inbound_call(page, server)
