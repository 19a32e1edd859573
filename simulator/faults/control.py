"""`/sim/faults`: the faults in force (GET, with what was injected so far), a new plan (POST: it replaces
the one before, whole), none (DELETE: every service back up too)."""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web

from ..api.resources import ADMINS, Context, Route
from ..api.responses import ok
from ..api.route_factories import custom_route
from ..api.validation import Field, Schema, read_body
from .plan import FaultPlan, parse
from .state import FAULTS

PATH = "/faults"
PLAN = Schema(
    "fault plan",
    (
        Field("seed", type="integer", description="Seeds every draw, so a run meets the same faults again"),
        Field("latency", type="array", items="object", description="[{route, method, seconds}]: added delay"),
        Field("errors", type="array", items="object", description="[{route, method, rate, status: 500|503}]"),
        Field("rateLimit", type="object", description="{requests, per (simulated seconds), route}: HTTP 429 past it"),
        Field("bayeux", type="object", description="{dropEvery, dropRate, lateConnects: {rate, seconds}}"),
        Field("servicesDown", type="array", items="string", description="services (id or name) made Inactive"),
    ),
)


async def _read(ctx: Context) -> web.Response:
    return ok(faults=ctx.request.app[FAULTS].document())


async def _set(ctx: Context) -> web.Response:
    body = await read_body(ctx.request)
    PLAN.check(body)
    faults = ctx.request.app[FAULTS]
    faults.apply(parse(body))
    return ok(faults=faults.document())


async def _clear(ctx: Context) -> web.Response:
    ctx.request.app[FAULTS].apply(FaultPlan())
    return ok()


def routes() -> list[Route]:
    return [
        custom_route("GET", PATH, _read, ADMINS, "The faults in force, and how many were injected", "document",
                     base="/sim"),
        custom_route("POST", PATH, _set, ADMINS, "Put a plan of faults in force, instead of the one before",
                     "document", PLAN, base="/sim"),
        replace(custom_route("DELETE", PATH, _clear, ADMINS, "No more faults; every service back up", "status",
                             base="/sim"), reads_body=False),
    ]  # fmt: skip
