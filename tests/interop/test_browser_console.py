"""The console served at `/`, in real headless Chromium: sign-in, live cards, acting as an agent, the
timeline, and a screenshot that shows something.

Set `CONSOLE_SCREENSHOT=docs/console.png` to keep the admin page's screenshot (the README shows it).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from chromium import Page, chromium
from conftest import AGENT1, LiveServer, start_server
from raw_bayeux import basic

from simulator.core.voice import VirtualClock

pytestmark = pytest.mark.browser

ADMIN = ("admin@example.com", "password")
ERRORS = ("console.error", "uncaught", " error:")


@pytest.fixture
async def server() -> AsyncIterator[LiveServer]:
    runner, live = await start_server(clock=VirtualClock())
    yield live
    await runner.cleanup()


@pytest.fixture
async def page(server: LiveServer) -> AsyncIterator[Page]:
    """A fresh browser; it depends on the server so that it closes first."""
    async with chromium() as tab:
        await tab.call("Emulation.setDeviceMetricsOverride", width=1500, height=900, deviceScaleFactor=1, mobile=False)
        yield tab


async def sign_in(page: Page, server: LiveServer, credentials: tuple[str, str]) -> None:
    await page.navigate(server.url + "/")
    await page.wait_for("document.readyState", lambda state: state == "complete", "the page to load")
    user, password = credentials
    await page.evaluate(
        f"document.getElementById('username').value = {json.dumps(user)};"
        f"document.getElementById('password').value = {json.dumps(password)};"
        "document.getElementById('signin').requestSubmit(); true"
    )
    await page.wait_for("window.gwsim.ready === true", bool, f"{user} to be signed in and subscribed")


def within(user_name: str, selector: str) -> str:
    """The JavaScript for the first `selector` in the card of `user_name`."""
    return f"document.querySelector('[data-username=\"{user_name}\"] {selector}')"


def card(user_name: str, selector: str) -> str:
    """The JavaScript for the text of the first `selector` in the card of `user_name` (null when absent)."""
    return within(user_name, selector) + "?.textContent ?? null"


async def timeline(page: Page) -> list[dict[str, Any]]:
    """Every timeline entry as the page shows it: type, topic, user, and the JSON its details expand to."""
    return await page.evaluate(
        "[...document.querySelectorAll('#events li')].map(li => ({type: li.dataset.type, topic: li.dataset.topic,"
        " user: li.dataset.user, hidden: li.hidden, json: JSON.parse(li.querySelector('pre').textContent)}))"
    )


async def choose(page: Page, select: str, value: str) -> None:
    """Pick `value` in one of the timeline's filters, as a person would; the option must exist."""
    chosen = await page.evaluate(
        f"(() => {{ const s = document.getElementById({json.dumps(select)}); s.value = {json.dumps(value)};"
        "s.dispatchEvent(new Event('change')); return s.value; })()"
    )
    assert chosen == value, f"{select} has no option {value!r}"


def errors_of(page: Page) -> list[str]:
    return [line for line in page.log if any(mark in line for mark in ERRORS)]


async def sim(server: LiveServer, method: str, path: str, body: Any = None) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession(headers=basic(ADMIN)) as http,
        http.request(method, server.url + path, json=body) as reply,
    ):
        document = await reply.json()
        assert reply.status == 200, document
        return document


async def test_an_agent_sees_a_call_ring_and_answers_it_from_the_page(page: Page, server: LiveServer) -> None:
    await sign_in(page, server, AGENT1)
    assert await page.evaluate("document.querySelectorAll('.card').length") == 1, "an agent sees only their card"

    await sim(server, "POST", "/sim/calls", {"from": "+16505550123", "to": "5001", "userData": {"Order": "A-17"}})
    await page.wait_for(card(AGENT1[0], ".call .call-state"), lambda s: s == "Ringing", "the call to ring on the card")
    assert 'Order="A-17"' in await page.evaluate(card(AGENT1[0], ".call")), "the call's user data"

    await page.evaluate(within(AGENT1[0], '.call button[data-operation="Answer"]') + ".click()")
    await page.wait_for(
        card(AGENT1[0], ".call .call-state"), lambda s: s == "Established", "the Answer button to establish the call"
    )
    [call] = (await sim(server, "GET", "/sim/calls"))["calls"]
    assert [party["state"] for party in call["parties"]] == ["Established", "Established"]

    entries = await timeline(page)
    states = [e["json"]["call"]["state"] for e in entries if e["type"] == "CallStateChangeMessage"]
    assert "Ringing" in states and "Established" in states, entries
    assert {e["topic"] for e in entries} >= {"/v2/me/calls"}
    assert errors_of(page) == [], page.log


async def test_the_admin_sees_every_agent_places_a_call_and_filters_the_timeline(
    page: Page, server: LiveServer
) -> None:
    await sign_in(page, server, ADMIN)
    names = await page.evaluate("[...document.querySelectorAll('.card')].map(c => c.dataset.username)")
    assert set(names) == {"agent1@example.com", "agent2@example.com", "agent3@example.com", "supervisor@example.com"}

    # The world acts from the page: a caller dials agent2.
    await page.evaluate(
        "const form = document.getElementById('place-call'); form.to.value = '5002';"
        'form.userData.value = \'{"CustomerId": "42"}\'; form.requestSubmit(); true'
    )
    await page.wait_for(card("agent2@example.com", ".call .call-state"), lambda s: s == "Ringing", "agent2's call")
    assert await page.evaluate(card("agent1@example.com", ".call")) is None

    agent2 = server.user_id("agent2@example.com")
    entries = await timeline(page)
    assert any(e["type"] == "CallStateChangeMessage" and e["user"] == agent2 for e in entries), entries
    seqs = await page.evaluate("window.gwsim.timeline.map(e => e.seq)")
    assert seqs == sorted(seqs) and all(isinstance(seq, int) for seq in seqs)

    # The caller hangs up from the card: the call leaves it.
    await page.evaluate(within("agent2@example.com", ".call button.secondary") + ".click()")
    await page.wait_for(card("agent2@example.com", ".call"), lambda s: s is None, "the released call to leave the card")
    assert (await sim(server, "GET", "/sim/calls"))["calls"] == []

    await page.evaluate(
        "const c = document.getElementById('place-call'); c.to.value = '5001'; c.userData.value = '';"
        "c.requestSubmit(); true"
    )
    await page.wait_for(card("agent1@example.com", ".call .call-state"), lambda s: s == "Ringing", "agent1's call")

    agent1 = server.user_id(AGENT1[0])
    await choose(page, "filter-user", agent1)
    entries = await timeline(page)
    shown = [e for e in entries if not e["hidden"]]
    assert shown and {e["user"] for e in shown} == {agent1}
    assert any(e["user"] == agent2 for e in entries if e["hidden"]), "agent2's entries should be filtered out"
    await choose(page, "filter-user", "")
    await choose(page, "filter-type", "CallStateChangeMessage")
    shown = [e for e in await timeline(page) if not e["hidden"]]
    assert {e["type"] for e in shown} == {"CallStateChangeMessage"} and {e["user"] for e in shown} == {agent1, agent2}
    await page.wait_for("document.querySelector('#queue-list table') !== null", bool, "the queues table")
    await choose(page, "filter-type", "")
    await page.evaluate("document.querySelector('#events details').open = true")
    assert errors_of(page) == [], page.log

    shot = await page.call("Page.captureScreenshot", format="png")
    png = base64.b64decode(shot["data"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    colours, width, height = await distinct_colours(page, png)
    assert (width, height) == (1500, 900)
    assert colours > 50, f"the screenshot has {colours} colours: the page looks blank"
    target = os.environ.get("CONSOLE_SCREENSHOT")
    if target:
        await asyncio.to_thread(Path(target).write_bytes, png)


async def distinct_colours(page: Page, png: bytes) -> tuple[int, int, int]:
    """How many distinct colours the PNG has (every 7th pixel), and its size: the browser decodes it."""
    data = base64.b64encode(png).decode()
    return tuple(
        await page.evaluate(
            "(async () => { const image = new Image(); image.src = 'data:image/png;base64," + data + "';"
            "await image.decode(); const canvas = document.createElement('canvas');"
            "canvas.width = image.width; canvas.height = image.height;"
            "const context = canvas.getContext('2d'); context.drawImage(image, 0, 0);"
            "const pixels = context.getImageData(0, 0, image.width, image.height).data; const seen = new Set();"
            "for (let i = 0; i < pixels.length; i += 28)"
            "  seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);"
            "return [seen.size, image.width, image.height]; })()"
        )
    )


async def test_a_recorded_session_downloads_as_a_scenario_that_gwsim_run_passes(
    page: Page, server: LiveServer, tmp_path: Path
) -> None:
    await sign_in(page, server, ADMIN)
    await page.evaluate("document.getElementById('record').click()")
    await page.evaluate(
        "const form = document.getElementById('place-call'); form.to.value = '5002';"
        'form.userData.value = \'{"CustomerId": "42"}\'; form.requestSubmit(); true'
    )
    await page.wait_for(card("agent2@example.com", ".call .call-state"), lambda s: s == "Ringing", "agent2's call")
    await page.evaluate(within("agent2@example.com", ".call button.secondary") + ".click()")
    await page.wait_for(card("agent2@example.com", ".call"), lambda s: s is None, "the call to be released")
    await page.evaluate("document.querySelector('#clock button').click()")
    await page.wait_for(
        "document.getElementById('messages').textContent", lambda s: "Clock advanced: done" in s, "the clock step"
    )
    await page.evaluate("document.getElementById('record').click()")
    text = await page.wait_for("window.gwsim.recording ?? null", bool, "the recording")

    recorded = yaml.safe_load(text)
    assert recorded["agents"] == [{"user": "agent2@example.com", "session": False}]
    call = {"messageType": "CallStateChangeMessage", "notificationType": "StatusChange", "call.id": "${call1.id}"}
    assert recorded["steps"] == [
        {"customer": "call", "from": "+16505550123", "to": "5002", "userData": {"CustomerId": "42"}, "save": "call1"},
        {"expect": {"agent": "agent2", "topic": "/v2/me/calls", "match": {**call, "call.state": "Ringing"}}},
        {"customer": "hangup", "call": "${call1.id}"},
        {"expect": {"agent": "agent2", "topic": "/v2/me/calls", "match": {**call, "call.state": "Released"}}},
        {"wait": 5},
    ]
    assert errors_of(page) == [], page.log

    file = tmp_path / "session.yaml"
    await asyncio.to_thread(file.write_text, text)
    outcome = await asyncio.to_thread(gwsim, "run", str(file))
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr


def gwsim(*args: str) -> subprocess.CompletedProcess[str]:
    command = shutil.which("gwsim", path=str(Path(sys.executable).parent)) or shutil.which("gwsim")
    assert command is not None, "gwsim is not installed"
    return subprocess.run([command, *args], capture_output=True, text=True, timeout=120)


async def test_an_agent_logs_in_goes_ready_and_accepts_a_chat_from_the_page(page: Page, server: LiveServer) -> None:
    agent3 = "agent3@example.com"
    await sign_in(page, server, (agent3, "password"))
    for operation in ("StartContactCenterSession", "Ready"):
        await page.evaluate(f"document.querySelector('#state-buttons button[data-operation={operation}]').click()")
        await page.wait_for(
            "document.getElementById('messages').textContent", lambda s, op=operation: f"{op}: done" in s, operation
        )
    ready = "[...document.querySelectorAll('.card .channels .pill')].map(p => p.className)"
    await page.wait_for(ready, lambda pills: sum("Ready" in p.split() for p in pills) == 3, "Ready on three channels")

    chat = (await sim(server, "POST", "/sim/chats", {"nickname": "Vera", "text": "My router blinks"}))["id"]
    item = f'.interaction[data-interaction="{chat}"]'
    await page.wait_for(card(agent3, item + " .call-state"), lambda s: s == "Invited", "the chat invitation")
    assert "via Web chat" in await page.evaluate(card(agent3, item))
    await page.evaluate(within(agent3, item + ' button[data-operation="Accept"]') + ".click()")
    await page.wait_for(card(agent3, item + " .call-state"), lambda s: s == "Accepted", "the chat to be accepted")
    assert errors_of(page) == [], page.log
