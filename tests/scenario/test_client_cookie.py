"""A scenario's clients keep the session cookie the simulator sets, as a browser would, even from a server
named by its IP address: the REST client's requests after the first, and the agent's aiohttp session
(its Bayeux client's) sharing the jar, are all in the same HTTP session."""

from __future__ import annotations

import pytest

from simulator.scenario import agent, target
from simulator.scenario.agent import RestClient, SessionCookieJar, basic_auth, client_session
from simulator.scenario.http_client import HttpError

ADMIN = ("admin@example.com", "password")


async def test_the_session_cookie_is_kept_and_sent_back() -> None:
    jar = SessionCookieJar()
    rest = RestClient(jar)
    async with target.in_process(None, ADMIN) as simulator, client_session(jar) as http:
        assert simulator.url.startswith("http://127.0.0.1:")
        headers = basic_auth(*ADMIN)
        cookies = []
        for _ in range(3):
            status, _ = await rest.exchange("GET", simulator.url + "/api/v2/me", None, headers)
            assert status == 200
            cookies.append(http.headers.get("Cookie"))
        assert cookies[0] is not None and cookies[0].startswith("JSESSIONID=")
        assert cookies == [cookies[0]] * 3  # the cookie went back: the server opened no other session
        async with http.get(simulator.url + "/api/v2/me", headers=headers) as response:
            assert response.status == 200
            assert response.headers.getall("Set-Cookie", []) == []  # the aiohttp session sent it too
        await rest.close()
        with pytest.raises(HttpError, match="closed"):  # a request after close would leave a connection open
            await rest.exchange("GET", simulator.url + "/api/v2/me", None, headers)


async def test_urls_past_those_kept_parsed_still_reach_their_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agent, "TARGETS", 2)
    rest = RestClient()
    async with target.in_process(None, ADMIN) as simulator:
        headers = basic_auth(*ADMIN)
        paths = ["/api/v2/me", "/api/v2/me/devices?fields=*", "/sim/state", "/api/v2/me"]
        answers = [await rest.exchange("GET", simulator.url + path, None, headers) for path in paths]
        assert [status for status, _ in answers] == [200] * 4
        assert "devices" in answers[1][1] and "state" in answers[2][1] and answers[3] == answers[0]
        assert len(rest._targets) <= 2
        await rest.close()
