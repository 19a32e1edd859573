"""A scenario's HTTP client keeps the session cookie the simulator sets, as a browser would, even from a
server named by its IP address: every request after the first is in the same HTTP session."""

from __future__ import annotations

from simulator.scenario import target
from simulator.scenario.agent import basic_auth, client_session

ADMIN = ("admin@example.com", "password")


async def test_the_session_cookie_is_kept_and_sent_back() -> None:
    async with target.in_process(None, ADMIN) as simulator, client_session() as http:
        assert simulator.url.startswith("http://127.0.0.1:")
        headers = basic_auth(*ADMIN)
        set_cookies = []
        for _ in range(3):
            async with http.get(simulator.url + "/api/v2/me", headers=headers) as response:
                assert response.status == 200
                set_cookies.append(response.headers.getall("Set-Cookie", []))
        first, *later = set_cookies
        assert len(first) == 1 and first[0].startswith("JSESSIONID=")
        assert later == [[], []]  # the cookie went back: the server opened no other session
        assert http.headers["Cookie"] == first[0].split(";")[0]
