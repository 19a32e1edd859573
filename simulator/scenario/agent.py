"""An agent as a scenario drives it: REST requests with the agent's credentials, and the notifications the
agent's own Bayeux client receives, kept per topic.

Each agent has its own HTTP session (its own cookies), as separate desktops would: its REST requests go
through `RestClient`, its Bayeux client through an aiohttp session, and both share one cookie jar. `settle()` makes sure
every notification caused so far has arrived: the client publishes a marker on the simulator's echo
service and waits for it to come back; the server delivers a session's messages in order, and the simulator delivers
notifications during the request that caused them, so what was caused before the marker arrives first.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import MutableMapping, Sequence
from http.cookies import BaseCookie, SimpleCookie
from typing import Any

import aiohttp
import orjson
from aiohttp.typedefs import LooseCookies
from yarl import URL

from bayeux.client import BayeuxClient
from bayeux.deadlines import Deadlines, time_out

from . import values
from .http_client import HttpClient, HttpError
from .model import TOPICS, AgentSpec

NOTIFICATIONS = "/api/v2/notifications"
ECHO = "/service/echo"  # the simulator sends what is published here back to the publishing session
JSON = {"Content-Type": "application/json"}
TARGETS = 1024  # URLs whose parsing a client keeps; a call's own URLs are asked for a few times, then never
SETTLE_BOUND = 10.0  # real seconds a marker may take to come back before the run reports the server stuck


class SessionCookieJar(aiohttp.CookieJar):
    """Keeps the cookies the server sets as a browser would, also from a server named by its IP address
    (aiohttp's default jar drops those, and every request would open a new HTTP session), and sends them
    as one Cookie header among the session's default headers. A scenario's client talks to one server, so
    the header is rendered when a response sets a cookie, not filtered from the jar on every request
    (which was a tenth of the client's cost)."""

    def __init__(self) -> None:
        super().__init__(unsafe=True)
        self.headers: MutableMapping[str, str] = {}  # the session's default headers, once it has them

    def update_cookies(self, cookies: LooseCookies, response_url: URL = URL()) -> None:  # noqa: B008
        super().update_cookies(cookies, response_url)
        self._render(response_url)

    def update_cookies_from_headers(self, headers: Sequence[str], response_url: URL) -> None:
        super().update_cookies_from_headers(headers, response_url)
        self._render(response_url)

    def filter_cookies(self, request_url: URL = URL()) -> BaseCookie[str]:  # noqa: B008
        return SimpleCookie()  # they go in the Cookie header already

    def _render(self, url: URL) -> None:
        kept = super().filter_cookies(url)
        if kept:
            self.headers["Cookie"] = "; ".join(f"{name}={morsel.coded_value}" for name, morsel in kept.items())
        else:
            self.headers.pop("Cookie", None)


def client_session(jar: SessionCookieJar) -> aiohttp.ClientSession:
    """An aiohttp session for what `RestClient` does not do (an agent's Bayeux websocket or long-polling),
    writing JSON with orjson as the server does, that keeps its session cookie as a browser would
    (`SessionCookieJar`)."""
    session = aiohttp.ClientSession(json_serialize=lambda value: orjson.dumps(value).decode(), cookie_jar=jar)
    jar.headers = session.headers
    return session


class RestClient:
    """JSON requests over `HttpClient`, one per server, keeping the session cookie in `jar` (the one of the
    agent's aiohttp session, so that its Bayeux client is in the same HTTP session)."""

    def __init__(self, jar: SessionCookieJar | None = None) -> None:
        self.jar = jar if jar is not None else SessionCookieJar()
        self._clients: dict[tuple[str, str, int | None], HttpClient] = {}
        # what the URLs asked for lately parse into: the same few come again and again, and parsing each
        # with yarl was a good part of what a request cost here
        self._targets: dict[str, tuple[HttpClient, str, URL]] = {}
        self.closed = False

    async def exchange(self, method: str, url: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        """(HTTP status, JSON body) of one request with `headers` (credentials, for one), `body` sent as
        JSON unless None; once closed, refused, as it would leave a connection open nobody closes."""
        if self.closed:
            raise HttpError("the client is closed")
        target = self._targets.get(url)
        if target is None:
            if len(self._targets) >= TARGETS:
                self._targets.clear()
            target = self._targets[url] = self._target(url)
        client, path, address = target
        if body is None:
            response = await client.request(method, path, None, headers)
        else:
            response = await client.request(method, path, orjson.dumps(body), {**headers, **JSON})
        cookies = response.all("set-cookie")
        if cookies:
            self.jar.update_cookies_from_headers(cookies, address)
        content = response.body
        try:
            return response.status, orjson.loads(content) if content and not content.isspace() else None
        except orjson.JSONDecodeError:
            return response.status, {"text": content.decode("utf-8", "replace")}

    def _target(self, url: str) -> tuple[HttpClient, str, URL]:
        """The client of `url`'s origin, the path and query it is sent, and the URL cookies are kept for."""
        address = URL(url)
        origin = (address.scheme, address.raw_host or "", address.port)
        client = self._clients.get(origin)
        if client is None:
            client = self._clients[origin] = HttpClient(str(address.origin()), headers=self.jar.headers)
        return client, address.raw_path_qs, address

    async def close(self) -> None:
        self.closed = True
        self._targets.clear()
        for client in self._clients.values():
            await client.close()
        self._clients.clear()


def basic_auth(user: str, password: str) -> dict[str, str]:
    """The Authorization header of HTTP Basic credentials."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


class LoginRefused(RuntimeError):
    """The server does not know the agent's credentials: the run cannot start."""


class AgentClient:
    """One of a scenario's agents: REST with its credentials, and a Bayeux client on every /v2/me topic
    filling an inbox per topic. With `acknowledge`, that client uses the acknowledge extension, so that a
    dropped connection loses no notification; without, the server pushes each batch on the websocket
    without waiting for a connect to answer, one round trip less per delivery."""

    def __init__(self, spec: AgentSpec, base_url: str, acknowledge: bool = True) -> None:
        self.spec = spec
        self.base_url = base_url
        self.headers = basic_auth(spec.user, spec.password)
        self.inbox: dict[str, list[dict[str, Any]]] = {topic: [] for topic in TOPICS}
        self.cursor: dict[str, int] = dict.fromkeys(TOPICS, 0)
        self.received = asyncio.Event()
        self.variables: dict[str, Any] = {"userName": spec.user}
        jar = SessionCookieJar()
        self._http = client_session(jar)
        self._rest = RestClient(jar)
        self._marker_channel = ECHO
        self._markers: dict[int, asyncio.Future[None]] = {}
        self._marker_seq = 0
        self._deadlines = Deadlines()  # of the markers awaited: one timer, not one per settle
        self._bayeux = BayeuxClient(
            base_url + NOTIFICATIONS,
            http=self._http,
            headers=self.headers,
            on_message=self._on,
            transport=spec.transport,
            ack=acknowledge,
        )

    async def start(self) -> None:
        """Learn the user and device, subscribe to every topic, then start the session and go Ready if asked."""
        status, me = await self.request("GET", "/api/v2/me")
        if status != 200:
            reason = me.get("statusMessage", me) if isinstance(me, dict) else me
            raise LoginRefused(f"{self.spec.user} cannot log in at {self.base_url} (HTTP {status}: {reason})")
        user = me.get("user", {})
        self.variables["userId"] = user.get("id")
        _, devices = await self.request("GET", "/api/v2/me/devices?fields=*")
        first = (devices.get("devices") or [{}])[0]
        self.variables["deviceId"] = first.get("id")
        self.variables["phoneNumber"] = first.get("phoneNumber")
        await self._bayeux.start()
        await self._bayeux.subscribe(*TOPICS)
        if self.spec.session:
            await self._operation("/api/v2/me", "StartContactCenterSession", channels=list(self.spec.channels))
        if self.spec.ready:
            await self._operation("/api/v2/me", "Ready")
        await self.settle()
        self.cursor = {topic: len(messages) for topic, messages in self.inbox.items()}

    async def close(self) -> None:
        self._deadlines.close()  # no timer of a settle left behind on the loop
        await self._bayeux.close()
        await self._rest.close()
        await self._http.close()

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """(HTTP status, JSON body) of a REST request with this agent's credentials."""
        url = path if path.startswith("http") else self.base_url + path
        return await self._rest.exchange(method, url, body, self.headers)

    async def settle(self) -> None:
        """Return once every notification caused before this call has been received."""
        self._marker_seq += 1
        marker = self._marker_seq
        arrived = self._markers[marker] = asyncio.get_running_loop().create_future()
        await self._bayeux.publish(self._marker_channel, {"marker": marker})
        self._deadlines.add(arrived, asyncio.get_running_loop().time() + SETTLE_BOUND, time_out)
        try:
            await arrived
        finally:
            self._deadlines.remove(arrived)
            self._markers.pop(marker, None)

    async def until(self, topic: str, wanted: Any) -> None:
        """Return once an unread notification on `topic` matches `wanted`, leaving it unread. When the
        notification a request causes is known, this settles for less than `settle()`: the server delivers
        a session's messages in order, so whatever was caused before it has arrived too."""
        if self._unread(topic, wanted):
            return  # come already: no bound to set
        async with asyncio.timeout(SETTLE_BOUND):  # not wait_for, which makes a task of every wait
            while not self._unread(topic, wanted):
                self.received.clear()
                await self.received.wait()

    def _unread(self, topic: str, wanted: Any) -> bool:
        messages = self.inbox[topic]
        return any(
            values.mismatch(wanted, messages[index]) is None for index in range(self.cursor[topic], len(messages))
        )

    def take(self, topic: str, wanted: Any, tolerance: float = 0.0) -> Any:
        """The first unread notification on `topic` matching `wanted` (partially, numbers within
        `tolerance`), marking it and those before it read; None when none matches."""
        messages = self.inbox[topic]
        for index in range(self.cursor[topic], len(messages)):
            if values.mismatch(wanted, messages[index], tolerance=tolerance) is None:
                self.cursor[topic] = index + 1
                return messages[index]
        return None

    async def _operation(self, path: str, operation: str, **params: Any) -> None:
        status, body = await self.request("POST", path, {"operationName": operation, **params})
        if status != 200 and body.get("statusCode") != 2:  # 2: already in that state (a reused server)
            raise RuntimeError(f"{self.spec.name}: {operation} answered {status}: {body.get('statusMessage', body)}")

    def _on(self, message: dict[str, Any]) -> None:
        channel = message.get("channel")
        if channel == self._marker_channel:
            marker = (message.get("data") or {}).get("marker")
            future = self._markers.get(marker) if isinstance(marker, int) else None
            if future is not None and not future.done():
                future.set_result(None)
            return
        if channel in self.inbox:
            self.inbox[channel].append(message.get("data") or {})
            self.received.set()
