"""HTTP sessions end with their credentials, when idle, and cannot pile up; a user's CometD sessions end
with them. Over real HTTP, with the CometD messages a real client would read."""

from __future__ import annotations

import asyncio
import base64

import aiohttp
from bayeux_harness import until
from conftest import LiveServer
from rest_client import ADMIN, AGENT1, basic, browser, id_of

from simulator.api.keys import AUTH
from simulator.core.voice import VirtualClock

WAIT = 10


async def status_of(http: aiohttp.ClientSession, url: str, **options) -> int:
    async with http.get(url, **options) as response:
        return response.status


async def admin(server: LiveServer, method: str, path: str, body=None) -> dict:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{server.url}{path}", json=body, headers=basic(ADMIN)) as response,
    ):
        answer = await response.json()
        assert response.status == 200, answer
        return answer


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def cometd(http: aiohttp.ClientSession, server: LiveServer, batch: list[dict]) -> list[dict]:
    async with http.post(server.notifications_url, json=batch) as response:
        return await response.json()


async def held_connect(http: aiohttp.ClientSession, server: LiveServer) -> tuple[str, asyncio.Task]:
    """Handshake with the browser's cookie, connect once, and leave a second connect held open."""
    handshake = {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}
    reply = (await cometd(http, server, [handshake]))[0]
    assert reply["successful"] is True, reply
    client_id = reply["clientId"]
    connect = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"}
    assert (await cometd(http, server, [connect]))[-1]["successful"] is True
    task = asyncio.create_task(cometd(http, server, [connect]))
    await until(lambda: server.bayeux.sessions[client_id].held)
    return client_id, task


async def expect_ended(http: aiohttp.ClientSession, server: LiveServer, client_id: str, task: asyncio.Task) -> None:
    """The held connect answers 402 with reconnect: handshake; the handshake it sends then is denied."""
    reply = (await asyncio.wait_for(task, WAIT))[-1]
    assert reply["successful"] is False
    assert reply["error"] == "402::session_unknown"
    assert reply["advice"]["reconnect"] == "handshake"
    assert client_id not in server.bayeux.sessions
    again = (await cometd(http, server, [{"channel": "/meta/handshake", "version": "1.0"}]))[0]
    assert again["error"] == "403::handshake_denied"


async def test_a_password_reset_ends_the_users_cookie_and_cometd_sessions(serve):
    server = await serve()
    me = f"{server.url}/api/v2/me"
    async with browser() as http:
        assert await status_of(http, me, headers=basic(AGENT1)) == 200
        assert await status_of(http, me) == 200  # the cookie alone
        client_id, task = await held_connect(http, server)
        user_id = server.user_id(AGENT1)
        await admin(server, "POST", f"/api/v2/users/{user_id}", {"operationName": "ResetPassword",
                                                                   "newPassword": b64("new")})  # fmt: skip
        await expect_ended(http, server, client_id, task)
        assert await status_of(http, me) == 401
        assert await status_of(http, me, headers=basic(AGENT1, "new")) == 200


async def test_changing_ones_own_password_ends_the_old_cookies_and_reports_on_v2_me(serve):
    server = await serve()
    me = f"{server.url}/api/v2/me"
    async with browser() as old, browser() as changer:
        assert await status_of(old, me, headers=basic(AGENT1)) == 200
        handshake = {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}
        client_id = (await cometd(old, server, [handshake]))[0]["clientId"]
        subscribe = {"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/v2/me"}
        assert (await cometd(old, server, [subscribe]))[0]["successful"] is True
        connect = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"}
        await cometd(old, server, [connect])
        task = asyncio.create_task(cometd(old, server, [connect]))
        await until(lambda: server.bayeux.sessions[client_id].held)
        body = {"operationName": "ChangePassword", "oldPassword": b64("password"), "newPassword": b64("new")}
        async with changer.post(me, json=body, headers=basic(AGENT1)) as response:
            assert response.status == 200
            assert "JSESSIONID" in response.cookies
        # The desktop hears of its own change, as the reference says, then needs the new password.
        replies = await asyncio.wait_for(task, WAIT)
        told = [reply["data"] for reply in replies if reply["channel"] == "/v2/me"]
        assert [data["notificationType"] for data in told] == ["PasswordChangeSuccessful"]
        assert await status_of(old, me) == 401
        again = (await cometd(old, server, [handshake]))[0]
        assert again["error"] == "403::handshake_denied"
        assert await status_of(changer, me) == 200  # the cookie the change was answered with


async def test_a_deleted_users_sessions_end(serve):
    server = await serve()
    me = f"{server.url}/api/v2/me"
    created = await admin(server, "POST", "/api/v2/users", {"userName": "temp@example.com", "password": "pw",
                                                             "firstName": "T", "lastName": "U"})  # fmt: skip
    async with browser() as http:
        assert await status_of(http, me, headers=basic("temp@example.com", "pw")) == 200
        client_id, task = await held_connect(http, server)
        await admin(server, "DELETE", f"/api/v2/users/{id_of(created['uri'])}")
        await expect_ended(http, server, client_id, task)
        assert await status_of(http, me) == 401


async def test_an_idle_session_expires_and_a_used_one_lives_on(serve):
    clock = VirtualClock()
    server = await serve(clock=clock, session_idle_timeout=600)
    me = f"{server.url}/api/v2/me"
    async with browser() as used, browser() as idle:
        assert await status_of(used, me, headers=basic(AGENT1)) == 200
        assert await status_of(idle, me, headers=basic(AGENT1)) == 200
        for _ in range(3):
            await admin(server, "POST", "/sim/clock", {"advance": 400})
            assert await status_of(used, me) == 200
        assert await status_of(idle, me) == 401  # 1200 s without a request


async def test_basic_requests_without_a_cookie_cost_a_bounded_store(serve):
    server = await serve(max_sessions=20)
    authenticator = server.app[AUTH]
    me = f"{server.url}/api/v2/me"
    before = authenticator.session_count
    async with browser() as keeper:  # a client that keeps its cookie has one session
        for _ in range(30):
            assert await status_of(keeper, me, headers=basic(AGENT1)) == 200
        assert authenticator.session_count == before + 1
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as forgetful:
            for _ in range(100):
                assert await status_of(forgetful, me, headers=basic(AGENT1)) == 200
        assert authenticator.session_count == 20
        assert await status_of(keeper, me) == 200  # in use, so not the one evicted
