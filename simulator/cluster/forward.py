"""Every process answers every request: those it does not serve itself are forwarded to the World.

A process that is not the World serves its own CometD sessions and `/health`, and forwards everything
else (REST, /sim, statistics, the console's page) to the World's process as it came, headers, cookies and
body, and answers with the World's answer as it went. The World's authenticator is the only one: the
sessions its cookies name live there, and a password changed there ends them everywhere.

A Bayeux handshake or connect on such a process must still know whom the request speaks for: it asks the
World (`GET /api/v2/me` with the request's credentials) and remembers the answer for a few seconds, so a
long-polling client costs the World one question per `IDENTITY_TTL`, not one per connect.

When the World cannot be reached (its process died), the request waits for the lease to name another
World, up to twice the lease's time to live, and is sent there; a request that finds no World by then is
answered 503 with a statusMessage that says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from multidict import CIMultiDict

from ..api.auth import SESSION_COOKIE
from ..api.responses import json_response
from ..core.refusals import INTERNAL
from .lease import Holder, Lease

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
IDENTITY_TTL = 5.0  # seconds an answer of the World about a request's credentials is reused
# headers that belong to one connection, not to the request or answer it carries (RFC 9110, 7.6.1)
HOP_BY_HOP = frozenset(
    ("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
     "transfer-encoding", "upgrade", "content-length")
)  # fmt: skip
FORWARDED = "X-Gwsim-Forwarded-By"  # names the process a request came through; the World never forwards
ENTRY = "X-Gwsim-Entry"  # on the World's answer: the number of its last stream entry when it answered
DELIVERY_BOUND = 2.0  # seconds an answer waits at most for its notifications to be handed on here


class Forwarder:
    """The middleware of a cluster's process, and its questions to the World about credentials."""

    def __init__(
        self,
        lease: Lease,
        local_paths: tuple[str, ...],
        flushed: Callable[[], Awaitable[None]],
        last_entry: Callable[[], int],
    ) -> None:
        self.lease = lease
        self.local_paths = local_paths
        self._flushed = flushed
        self._last_entry = last_entry
        self.reached: Callable[[int], Awaitable[None]] | None = None  # this process's reader, once attached
        self._http: aiohttp.ClientSession | None = None
        self._identities: dict[tuple[str, str], tuple[float, tuple[str, tuple[str, ...]] | None]] = {}

    async def start(self) -> None:
        self._http = aiohttp.ClientSession(
            cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False, timeout=aiohttp.ClientTimeout(total=60)
        )

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(self.local_paths):
            return await handler(request)
        if self.lease.held:
            response = await handler(request)
            await self._flushed()  # its notifications are on their way before the answer
            entry = self._last_entry()
            if not response.prepared:
                response.headers[ENTRY] = str(entry)
            if FORWARDED not in request.headers:
                await self._delivered(entry)  # and handed on to this process's sessions
            return response
        if FORWARDED in request.headers:
            return _unavailable("the process this request was forwarded to is no longer the World; retry")
        return await self._forward(request)

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = CIMultiDict((k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP)
        headers[FORWARDED] = self.lease.process
        headers.setdefault("X-Forwarded-For", request.remote or "")
        answer = await self._to_world(request.method, request.path_qs, headers, body)
        if isinstance(answer, str):
            return _unavailable(answer)
        status, answer_headers, answer_body = answer
        entry = answer_headers.popall(ENTRY, [])
        if entry and entry[-1].isdigit():
            await self._delivered(int(entry[-1]))
        response = web.Response(status=status, body=answer_body)
        for name, value in answer_headers.items():
            if name.lower() not in HOP_BY_HOP and name.lower() not in ("date", "server"):
                response.headers.add(name, value)
        return response

    async def _delivered(self, entry: int) -> None:
        """Wait (boundedly: a reader cut off from Redis must not hold every answer) until this process has
        handed on the World's stream up to `entry`, so a client with its session here gets the
        notifications its request caused before the answer."""
        if self.reached is not None and entry:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.reached(entry), DELIVERY_BOUND)

    async def _to_world(
        self, method: str, path: str, headers: CIMultiDict[str], body: bytes
    ) -> tuple[int, CIMultiDict[str], bytes] | str:
        """The World's answer, or why there is none."""
        assert self._http is not None
        deadline = time.monotonic() + 2 * self.lease.ttl
        holder = self.lease.holder or await self._read()
        while True:
            if holder is not None and holder.process != self.lease.process:
                try:
                    async with self._http.request(method, holder.url + path, headers=headers, data=body) as answer:
                        return answer.status, CIMultiDict(answer.headers), await answer.read()
                except (TimeoutError, aiohttp.ClientConnectionError):
                    pass  # the World's process is gone or going: wait for its successor
            elif holder is not None and self.lease.held:
                return "this process became the World while the request waited; retry"
            left = deadline - time.monotonic()
            if left <= 0:
                named = f"process {holder.process} at {holder.url}" if holder else "no process holds the lease"
                return f"the World cannot be reached ({named}); no other process has taken over"
            changed = self.lease.changed
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(changed.wait(), min(left, self.lease.ttl / 3))
            holder = await self._read() if not changed.is_set() else self.lease.holder

    async def _read(self) -> Holder | None:
        with contextlib.suppress(Exception):
            return await self.lease.read()
        return None

    async def identity(self, request: web.Request) -> tuple[str, tuple[str, ...]] | None:
        """(user id, roles) of the user the request's credentials or cookie name, as the World says."""
        key = (request.headers.get("Authorization", ""), request.cookies.get(SESSION_COOKIE, ""))
        if key == ("", ""):
            return None
        now = time.monotonic()
        known = self._identities.get(key)
        if known is not None and known[0] > now:
            return known[1]
        headers = CIMultiDict({"Authorization": key[0]} if key[0] else {})
        if key[1]:
            headers["Cookie"] = f"{SESSION_COOKIE}={key[1]}"
        headers[FORWARDED] = self.lease.process
        answer = await self._to_world("GET", "/api/v2/me?fields=id,roles", headers, b"")
        found: tuple[str, tuple[str, ...]] | None = None
        if not isinstance(answer, str) and answer[0] == 200:
            user: dict[str, Any] = orjson.loads(answer[2]).get("user", {})
            found = (str(user.get("id")), tuple(user.get("roles", ())))
        if len(self._identities) > 10_000:
            self._identities.clear()
        self._identities[key] = (now + IDENTITY_TTL, found)
        return found


def _unavailable(message: str) -> web.Response:
    return json_response(503, {"statusCode": INTERNAL, "statusMessage": message})
