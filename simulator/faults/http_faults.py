"""The REST faults: services down, the rate limit, errors and latency, in that order, on every request of
the REST, Statistics and control APIs but `/sim/faults` itself (so a plan can always be lifted).

Inside the authentication middleware, so the rate limit counts per user; outside the recording's, so a
request a fault answered, which never reached the World, is no input of a recording.

- A service down (Inactive) answers what it serves with HTTP 503, statusCode 4, naming the service: Voice
  the calls and devices, Media the interactions and workbins, Reporting the Statistics API, Provisioning
  every change of users, skills, devices, queues, contacts and settings (reads still work, as from a
  read-only configuration).
- The rate limit answers HTTP 429, statusCode 3, with `Retry-After`, as the reference family's servers
  do past "10 requests per minute": the message says the limit and when to try again.
- An error rule answers HTTP 500 with statusCode 4, or HTTP 503 (statusCode 4, `Retry-After: 1`).
- Latency delays the request (real seconds) before it goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..api.keys import VIEWER
from ..api.responses import json_response
from ..core.refusals import FORBIDDEN, INTERNAL
from ..layers import Layer
from .state import Faults, matches

EXEMPT = ("/sim/faults", "/health")
CHANGES = ("POST", "PUT", "DELETE", "PATCH")
SERVED = {  # what each type of service serves: path prefixes, and whether only changes depend on it
    "Voice": (("/api/v2/me/calls", "/api/v2/devices", "/api/v2/me/devices"), False),
    "Media": (("/api/v2/interactions", "/api/v2/me/interactions", "/api/v2/me/workbins"), False),
    "Reporting": (("/api/v1/stats",), False),
    "Provisioning": (
        (
            "/api/v2/users",
            "/api/v2/skills",
            "/api/v2/devices",
            "/api/v2/queues",
            "/api/v2/contacts",
            "/api/v2/settings",
        ),
        True,
    ),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def layer(faults: Faults, excluded: tuple[str, ...] = ()) -> Layer:
    """`excluded`: prefixes left alone (the CometD endpoint, whose faults are `bayeux_faults`). Without a
    plan no request concerns it."""
    exempt = (*EXEMPT, *excluded)

    async def inject(request: web.Request, handler: Handler) -> web.StreamResponse:
        path, method = request.path, request.method
        if path.startswith(exempt) or not (path.startswith(("/api/", "/sim/"))):
            return await handler(request)
        down = _service_down(faults, method, path)
        if down is not None:
            faults.count("errors")
            return _unavailable(
                f"The {down.type} service {down.name} is {down.state}: {method} {path} cannot be served"
            )
        limit = faults.plan.rate_limit
        viewer = request.get(VIEWER)
        if limit is not None and viewer is not None and matches(limit.route, None, method, path):
            wait = faults.over_limit(viewer.id)
            if wait is not None:
                faults.count("rateLimited")
                every = "minute" if limit.per == 60 else f"{limit.per:g} seconds"
                response = json_response(
                    429,
                    {
                        "statusCode": FORBIDDEN,
                        "statusMessage": f"Rate limit exceeded: {limit.requests} requests per {every} for "
                        f"{viewer.userName!r}; try again in {wait:g} s",
                    },
                )
                response.headers["Retry-After"] = f"{wait:g}"
                return response
        for index, rule in enumerate(faults.plan.errors):
            if matches(rule.route, rule.method, method, path) and faults.draw(f"errors[{index}]").random() < rule.rate:
                faults.count("errors")
                if rule.status == 503:
                    return _unavailable(f"Service unavailable (a fault injected on {method} {path})")
                return json_response(
                    500,
                    {"statusCode": INTERNAL, "statusMessage": f"Internal error (a fault injected on {method} {path})"},
                )
        for index, latency in enumerate(faults.plan.latency):
            if matches(latency.route, latency.method, method, path):
                faults.count("latency")
                await asyncio.sleep(latency.seconds.draw(faults.draw(f"latency[{index}]")))
        return await handler(request)

    return Layer(inject, lambda _request, _path: not faults.plan.empty)


def _service_down(faults: Faults, method: str, path: str) -> Any:
    for service in faults.world.center.services.values():
        if service.state != "Inactive":
            continue
        prefixes, changes_only = SERVED.get(service.type, ((), False))
        if path.startswith(prefixes) and (method in CHANGES or not changes_only):
            return service
    return None


def _unavailable(message: str) -> web.Response:
    response = json_response(503, {"statusCode": INTERNAL, "statusMessage": message})
    response.headers["Retry-After"] = "1"
    return response
