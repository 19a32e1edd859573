"""A foreign page may not open a websocket or poll with callbacks on a user's cookies; the server's own
pages, the origins the application allows and non-browser clients (no origin information) may."""

from __future__ import annotations

import json
from urllib.parse import quote

import aiohttp
import pytest

HANDSHAKE = [{"channel": "/meta/handshake", "version": "1.0"}]
COOKIES = {"JSESSIONID": "the-users-session"}


def jsonp(url: str) -> str:
    return f"{url}/handshake?jsonp=cb&message={quote(json.dumps(HANDSHAKE))}"


async def websocket_status(url: str, headers: dict[str, str], cookies: dict[str, str] | None) -> int:
    async with aiohttp.ClientSession(cookies=cookies) as http:
        try:
            async with http.ws_connect(url, headers=headers) as socket:
                await socket.send_json(HANDSHAKE)
                assert (await socket.receive_json(timeout=10))[0]["successful"] is True
                return 101
        except aiohttp.WSServerHandshakeError as refused:
            return refused.status


async def callback_status(url: str, headers: dict[str, str], cookies: dict[str, str] | None) -> int:
    async with aiohttp.ClientSession(cookies=cookies) as http, http.get(jsonp(url), headers=headers) as response:
        if response.status == 403:
            assert (await response.json())[0]["error"].endswith(":origin_denied")
        return response.status


TRANSPORTS = {"websocket": (websocket_status, 101), "callback-polling": (callback_status, 200)}


def own_origin(url: str) -> str:
    return url.rsplit("/cometd", 1)[0]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_foreign_page_with_the_users_cookies_is_refused(bare, transport):
    harness, _ = await bare()
    attempt, _ = TRANSPORTS[transport]
    for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}, {"Origin": "null"}):
        assert await attempt(harness.url, headers, COOKIES) == 403, headers
    assert await attempt(harness.url, {"Sec-Fetch-Site": "cross-site"}, COOKIES) == 403
    assert harness.server.sessions == {}


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_own_origin_allowed_origins_and_clients_without_origin_are_accepted(bare, transport):
    attempt, accepted = TRANSPORTS[transport]
    harness, _ = await bare(allowed_origins=("https://desk.example",))
    assert await attempt(harness.url, {"Origin": own_origin(harness.url)}, COOKIES) == accepted
    assert await attempt(harness.url, {"Origin": "https://desk.example"}, COOKIES) == accepted
    assert await attempt(harness.url, {}, COOKIES) == accepted, "a non-browser client"
    assert await attempt(harness.url, {"Origin": "https://evil.example"}, None) == accepted, "no cookies to abuse"
    assert len(harness.server.sessions) == 4
