"""Browser desktops on another origin: CORS on every endpoint, CSRF tokens when asked for, and what keeps
a foreign page from acting with a logged-in browser's cookie (JSON only, the Origin check, SameSite,
nosniff). All over real HTTP, the requests written as browsers send them."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from conftest import LiveServer
from rest_client import ADMIN, AGENT1, basic, browser

from simulator.api.keys import CENTER

DESKTOP = "http://localhost:3000"
EVIL = "http://evil.example"


async def fetch(method: str, url: str, **options) -> tuple[int, dict, dict]:
    """One request from a fresh client without cookies: the status, the headers and the JSON body."""
    async with aiohttp.ClientSession() as http, http.request(method, url, **options) as response:
        body = await response.json(content_type=None) if response.content_length else {}
        return response.status, response.headers.copy(), body


def preflight_headers(origin: str, method: str = "POST") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "content-type,x-csrf-token",
    }


async def login(http: aiohttp.ClientSession, server: LiveServer, user: str = AGENT1) -> aiohttp.ClientResponse:
    async with http.get(f"{server.url}/api/v2/me", headers=basic(user)) as response:
        assert response.status == 200
        return response


async def agent_state(server: LiveServer) -> str:
    _, _, body = await fetch("GET", f"{server.url}/api/v2/me/channels/voice", headers=basic(AGENT1))
    return body["channel"]["userState"]["state"]


# ----------------------------------------------------------------------------------------------- CORS


@pytest.mark.parametrize("path", ["/api/v2/me", "/api/v2/me/channels/voice", "/sim/state", "/api/v2/notifications"])
async def test_a_preflight_from_an_allowed_origin_is_answered_without_credentials(serve, path):
    server = await serve(allow_origins=(DESKTOP,))
    status, headers, _ = await fetch("OPTIONS", server.url + path, headers=preflight_headers(DESKTOP))
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == DESKTOP
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert {"GET", "POST", "PUT", "DELETE"} <= {m.strip() for m in headers["Access-Control-Allow-Methods"].split(",")}
    assert "x-csrf-token" in headers["Access-Control-Allow-Headers"].lower()
    assert "Set-Cookie" not in headers


async def test_a_preflight_from_another_origin_is_refused_without_cors_headers(serve):
    server = await serve(allow_origins=(DESKTOP,))
    status, headers, body = await fetch("OPTIONS", f"{server.url}/api/v2/me", headers=preflight_headers(EVIL))
    assert status == 403
    assert "Access-Control-Allow-Origin" not in headers
    assert EVIL in body["statusMessage"]


async def test_answers_to_an_allowed_origin_allow_credentials_and_expose_the_csrf_headers(serve):
    server = await serve(allow_origins=(DESKTOP,), csrf=True)
    # The page is on another site, so its cookie is Secure: browsers send it to loopback over plain HTTP.
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=server.url)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(f"{server.url}/api/v2/me", headers={"Origin": DESKTOP, **basic(AGENT1)}) as response:
            assert response.status == 200
            assert response.headers["Access-Control-Allow-Origin"] == DESKTOP
            assert response.headers["Access-Control-Allow-Credentials"] == "true"
            exposed = {name.strip().lower() for name in response.headers["Access-Control-Expose-Headers"].split(",")}
            assert {"x-csrf-header", "x-csrf-token"} <= exposed
            assert "Origin" in response.headers.getall("Vary")
        # Refusals reach the page too, so that it can read why.
        async with http.get(f"{server.url}/api/v2/nothing", headers={"Origin": DESKTOP}) as response:
            assert response.status == 404
            assert response.headers["Access-Control-Allow-Origin"] == DESKTOP
        handshake = [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}]
        async with http.post(server.notifications_url, json=handshake, headers={"Origin": DESKTOP}) as response:
            assert (await response.json())[0]["successful"] is True
            assert response.headers["Access-Control-Allow-Origin"] == DESKTOP


async def test_other_origins_get_no_cors_headers(serve):
    for options in ({}, {"allow_origins": (DESKTOP,)}):
        server = await serve(**options)
        _, headers, _ = await fetch("GET", f"{server.url}/api/v2/me", headers={"Origin": EVIL, **basic(AGENT1)})
        assert "Access-Control-Allow-Origin" not in headers


async def test_any_origin_when_allowed_with_a_star(serve):
    server = await serve(allow_origins=("*",))
    status, headers, _ = await fetch("OPTIONS", f"{server.url}/api/v2/me", headers=preflight_headers(EVIL))
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == EVIL  # echoed: credentials need it


# ----------------------------------------------------------------------------------------------- CSRF


async def test_csrf_on_the_token_comes_with_every_authenticated_get(serve):
    server = await serve(csrf=True)
    async with browser() as http:
        first = await login(http, server)
        assert first.headers["X-CSRF-HEADER"] == "X-CSRF-TOKEN"
        token = first.headers["X-CSRF-TOKEN"]
        async with http.get(f"{server.url}/api/v2/me/devices") as response:  # the cookie alone
            assert response.status == 200
            assert response.headers["X-CSRF-TOKEN"] == token  # one token per session
    async with browser() as other:
        assert (await login(other, server)).headers["X-CSRF-TOKEN"] != token


async def test_csrf_on_a_cookie_change_needs_the_sessions_token(serve):
    server = await serve(csrf=True)
    url = f"{server.url}/api/v2/me/channels/voice"
    async with browser() as http:
        token = (await login(http, server)).headers["X-CSRF-TOKEN"]
        start = {"operationName": "StartContactCenterSession"}
        await http.post(f"{server.url}/api/v2/me", json=start, headers={"X-CSRF-TOKEN": token})
        assert await agent_state(server) == "NotReady"
        for headers in ({}, {"X-CSRF-TOKEN": "wrong"}, {"X-CSRF-TOKEN": ""}):
            async with http.post(url, json={"operationName": "Ready"}, headers=headers) as response:
                assert response.status == 403, headers
                assert (await response.json())["statusMessage"] == "Missing or invalid Csrf token"
            assert await agent_state(server) == "NotReady"  # nothing happened
        async with http.post(url, json={"operationName": "Ready"}, headers={"X-CSRF-TOKEN": token}) as response:
            assert response.status == 200
        assert await agent_state(server) == "Ready"


async def test_csrf_on_basic_credentials_need_no_token(serve):
    server = await serve(csrf=True)
    async with aiohttp.ClientSession() as http:
        body = {"operationName": "StartContactCenterSession"}
        async with http.post(f"{server.url}/api/v2/me", json=body, headers=basic(AGENT1)) as response:
            assert response.status == 200


async def test_csrf_off_by_default_no_token_is_sent_or_needed(serve):
    server = await serve()
    async with browser() as http:
        response = await login(http, server)
        assert "X-CSRF-TOKEN" not in response.headers and "X-CSRF-HEADER" not in response.headers
        body = {"operationName": "StartContactCenterSession"}
        async with http.post(f"{server.url}/api/v2/me", json=body) as response:
            assert response.status == 200
    assert await agent_state(server) == "NotReady"


# ---------------------------------------------------------------------------------------- cross-site


async def test_a_text_plain_post_is_refused_naming_the_content_type(serve):
    server = await serve()
    body = b'{"userName": "intruder@example.com", "password": "x", "roles": ["ROLE_ADMIN"]}'
    async with browser() as http:
        await login(http, server, ADMIN)
        async with http.post(f"{server.url}/api/v2/users", data=body, headers={"Content-Type": "text/plain"}) as r:
            assert r.status == 415
            answer = await r.json()
    assert answer["statusCode"] == 2 and "Content-Type text/plain" in answer["statusMessage"]
    assert server.app[CENTER].user_named("intruder@example.com") is None
    # The same body as JSON is accepted: the rule breaks no real client.
    json_type = {"Content-Type": "application/json; charset=utf-8", **basic(ADMIN)}
    status, _, _ = await fetch("POST", f"{server.url}/api/v2/users", data=body, headers=json_type)
    assert status == 200
    assert server.app[CENTER].user_named("intruder@example.com") is not None


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain;charset=UTF-8"])
async def test_form_and_text_bodies_are_refused_on_every_change(serve, content_type):
    server = await serve()
    async with browser() as http:
        await login(http, server)
        for method in ("POST", "PUT", "DELETE"):
            async with http.request(
                method, f"{server.url}/api/v2/me", data=b'{"operationName":"Ready"}',
                headers={"Content-Type": content_type},
            ) as response:  # fmt: skip
                assert response.status == 415, method
                assert "Content-Type" in (await response.json())["statusMessage"]


async def test_a_cookie_change_from_a_foreign_page_is_refused(serve):
    server = await serve(allow_origins=(DESKTOP,))
    body = {"operationName": "StartContactCenterSession"}
    async with browser() as http:
        await login(http, server)
        async with http.post(f"{server.url}/api/v2/me", json=body, headers={"Origin": EVIL}) as response:
            assert response.status == 403
            assert EVIL in (await response.json())["statusMessage"]
        assert await agent_state(server) == "Logout"
        handshake = [{"channel": "/meta/handshake", "version": "1.0"}]
        async with http.post(server.notifications_url, json=handshake, headers={"Origin": EVIL}) as response:
            assert response.status == 403
        for origin, operation in ((DESKTOP, "StartContactCenterSession"), (server.url, "Ready")):
            # an allowed origin, and the simulator's own
            async with http.post(
                f"{server.url}/api/v2/me", json={"operationName": operation}, headers={"Origin": origin}
            ) as response:
                assert response.status == 200, origin
        assert await agent_state(server) == "Ready"
    # Basic credentials: no foreign page can send them.
    status, _, _ = await fetch(
        "POST", f"{server.url}/api/v2/me/channels/voice", json={"operationName": "NotReady"},
        headers={"Origin": EVIL, **basic(AGENT1)},
    )  # fmt: skip
    assert status == 200


@pytest.mark.parametrize("cookie", ["JSESSIONID", "JSESSIONID=", 'JSESSIONID=""', "other=1; JSESSIONID"])
async def test_a_session_cookie_with_no_value_from_a_foreign_page_is_no_credentials(serve, cookie):
    """A cookie of that name with no value (no `=`, or nothing after it) names no session: the request is
    one without credentials (401, as with no cookie at all), not a cookie change from a foreign page (403)."""
    server = await serve(allow_origins=(DESKTOP,))
    body = {"operationName": "Ready"}
    status, _, answer = await fetch(
        "POST", f"{server.url}/api/v2/me", json=body, headers={"Origin": EVIL, "Cookie": cookie}
    )
    assert status == 401, answer


async def test_a_login_from_an_allowed_page_of_another_site_gets_a_cookie_it_can_send_back(serve):
    """A desktop on `localhost:3000` calling the simulator on 127.0.0.1 is on another site: a Lax cookie
    would never come back with its requests. Pages of the simulator's own host (any port), and origins
    not allowed, get the Lax cookie."""
    server = await serve(allow_origins=(DESKTOP, "http://127.0.0.1:3000", "https://crm.example"))
    for origin, attributes in (
        (DESKTOP, {"samesite=none", "secure", "partitioned", "httponly"}),
        ("https://crm.example", {"samesite=none", "secure", "partitioned", "httponly"}),
        ("http://127.0.0.1:3000", {"samesite=lax", "httponly"}),
        (EVIL, {"samesite=lax", "httponly"}),
        (None, {"samesite=lax", "httponly"}),
    ):
        headers = basic(AGENT1) if origin is None else {"Origin": origin, **basic(AGENT1)}
        _, answer, _ = await fetch("GET", f"{server.url}/api/v2/me", headers=headers)
        [cookie] = answer.getall("Set-Cookie")
        name, *rest = (part.strip().lower() for part in cookie.split(";"))
        assert name.startswith("jsessionid=")
        assert set(rest) == attributes | {"path=/"}, origin


async def test_cookies_are_samesite_lax_and_answers_nosniff(serve):
    server = await serve()
    async with browser() as http:
        response = await login(http, server)
        assert response.cookies["JSESSIONID"]["samesite"] == "Lax"
        assert response.cookies["JSESSIONID"]["httponly"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        for url in (f"{server.url}/api/v2/nothing", f"{server.url}/sim/state", server.notifications_url):
            async with http.get(url) as answer:
                assert answer.headers["X-Content-Type-Options"] == "nosniff", url


HANDSHAKE = b'[{"channel":"/meta/handshake","version":"1.0","supportedConnectionTypes":["long-polling"]}]'
NOT_UTF8 = [
    # (the request line, its headers, its body): each quotes a header's value in its refusal
    ("POST /api/v2/me", [b"Origin: http://\xff", b"Cookie: JSESSIONID=x", b"Content-Type: application/json"], b"{}"),
    ("OPTIONS /api/v2/me", [b"Origin: http://\xff", b"Access-Control-Request-Method: GET"], b""),
    ("OPTIONS /api/v2/me", [b"Origin: " + DESKTOP.encode(), b"Access-Control-Request-Method: G\xff"], b""),
    ("POST /api/v2/notifications", [b"Origin: http://\xff", b"Cookie: JSESSIONID=x",
                                    b"Content-Type: application/json"], HANDSHAKE),
    ("GET /api/v2/notifications?jsonp=cb&message=%5B%5D", [b"Referer: http://\xff/page", b"Cookie: JSESSIONID=x"],
     b""),
]  # fmt: skip


@pytest.mark.parametrize(("line", "headers", "body"), NOT_UTF8, ids=["change", "preflight", "method", "poll", "jsonp"])
async def test_a_header_that_is_not_utf8_is_quoted_in_the_refusal_not_a_500(serve, line, headers, body):
    """aiohttp keeps a header's bytes that are not UTF-8 as surrogate escapes, which no JSON encoder writes."""
    server = await serve(allow_origins=(DESKTOP,))
    status, answer = await raw_request(server, line, headers, body)
    assert 400 <= status < 500, (status, answer)
    [refusal] = answer if isinstance(answer, list) else [answer]
    message = refusal.get("statusMessage") or refusal["error"]
    assert "\ufffd" in message  # the byte shown as a replacement character


async def raw_request(server: LiveServer, line: str, headers: list[bytes], body: bytes) -> tuple[int, object]:
    """One request written byte for byte, as no HTTP client library would send it."""
    host, port = server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        head = [f"{line} HTTP/1.1".encode(), f"Host: {host}:{port}".encode(), *headers,
                f"Content-Length: {len(body)}".encode(), b"Connection: close"]  # fmt: skip
        writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        answer = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    status_line, _, rest = answer.partition(b"\r\n")
    _, _, payload = rest.partition(b"\r\n\r\n")
    text = payload.decode()
    if text.startswith("cb("):
        text = text[3:].rstrip(";").rstrip(")")
    return int(status_line.split()[1]), json.loads(text) if text.strip().startswith(("{", "[")) else text


@pytest.mark.parametrize("origin", ["http://[", "http://[::1", "http://a]b"])
async def test_an_origin_that_is_no_url_is_a_foreign_one_not_a_500(serve, origin):
    """urlsplit raises on an unclosed IPv6 bracket: a login, a poll, a callback and a websocket upgrade
    from such a page are answered as from any origin that is not allowed."""
    server = await serve(allow_origins=("*",))
    status, _, body = await fetch("GET", f"{server.url}/api/v2/me", headers={"Origin": origin, **basic(AGENT1)})
    assert status == 200, body
    server = await serve(allow_origins=(DESKTOP,))
    cookies = {"JSESSIONID": "x"}
    for headers in ({"Origin": origin}, {"Referer": origin + "/page"}):
        async with aiohttp.ClientSession(cookies=cookies) as http:
            async with http.get(f"{server.notifications_url}?jsonp=cb&message=%5B%5D", headers=headers) as answer:
                assert answer.status == 403, (headers, await answer.text())
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(server.notifications_url, headers=headers)
            assert refused.value.status == 403, headers
