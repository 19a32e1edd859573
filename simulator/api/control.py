"""The simulator's control API under /sim: not part of the reference API, for admins, test suites and the
scenario runner.

It drives the world outside the agents (an external caller dials in, answers, presses keys, hangs up),
moves a virtual clock, resets the simulation and shows its whole state. Each request takes the same path
as any other change: the world's entry points, whose events reach the agents' notifications.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp import web

from ..core.refusals import INVALID, MISSING
from ..core.voice import VirtualClock
from .resources import ADMINS, Context, Route, RouteTable
from .responses import Failure, ok
from .route_factories import custom_route
from .validation import Field, Schema, read_body

CONTROL = "/sim"
REMOTE_OPERATIONS = ("Answer", "Hangup", "SendDtmf")

PLACE_CALL = Schema(
    "external call",
    (
        Field("from", required=True, description="The external caller's number"),
        Field("to", required=True, description="An agent's number, or a queue's number"),
        Field("userData", type="object", description="Key-value pairs the call arrives with"),
    ),
)
REMOTE = Schema(
    "external party operation",
    (
        Field("operationName", required=True, choices=REMOTE_OPERATIONS, description="What the caller does"),
        Field("party", description="The external number acting; optional when the call has only one"),
        Field("digits", description="SendDtmf: the keys pressed (0-9, * and #)"),
    ),
)
CLOCK = Schema(
    "clock",
    (
        Field("advance", type="any", description="Seconds to move a virtual clock forward, running due timers"),
        Field("mode", choices=("real", "virtual"), description="The clock's mode; it is fixed at start"),
        Field("speed", type="any", description="A speed factor for real time: not supported, refused"),
    ),
)


def _control(method: str, path: str, run: Any, summary: str, answer: str, body: Schema | None = None) -> Route:
    return custom_route(method, path, run, ADMINS, summary, answer, body, base=CONTROL)


async def _place_call(ctx: Context) -> web.Response:
    values = PLACE_CALL.check(await read_body(ctx.request))
    world = ctx.world
    call_id = world.place_call(values["from"], values["to"], values.get("userData"))
    call = world.call_if_going_on(call_id)  # with its parties: who rings, without a second request
    extra = {} if call is None else {"call": call}
    return ok(id=call_id, uri=ctx.uri(f"/calls/{call_id}", CONTROL), **extra)


async def _remote_operation(ctx: Context) -> web.Response:
    values = REMOTE.check(await read_body(ctx.request))
    world = ctx.world
    call_id = ctx.arg("call_id")
    party = values.get("party")
    if party is None:
        numbers = [number for number, _state in world.remote_parties(call_id)]
        if len(numbers) != 1:
            present = ", ".join(numbers) or "none"
            raise Failure(MISSING, f"party is required: call {call_id} has external parties {present}")
        party = numbers[0]
    world.remote_operate(call_id, party, values["operationName"], values.get("digits"))
    return ok()


async def _calls(ctx: Context) -> web.Response:
    return ok(calls=ctx.world.calls())


async def _call(ctx: Context) -> web.Response:
    return ok(call=ctx.world.call(ctx.arg("call_id")))


async def _clock(ctx: Context) -> web.Response:
    """Advance a virtual clock. The clock's kind is chosen at start (`gwsim serve --clock virtual`, or
    `create_app(clock=...)`): timers already scheduled on one clock cannot move to another, so switching
    modes and changing real time's speed are refused with statusCode 2."""
    values = CLOCK.check(await read_body(ctx.request))
    world = ctx.world
    mode = "virtual" if isinstance(world.clock, VirtualClock) else "real"
    if not values:
        raise Failure(MISSING, "give one of advance, mode or speed")
    if len(values) > 1:
        raise Failure(INVALID, f"give only one of advance, mode and speed, not {' and '.join(values)}")
    if "advance" in values:
        seconds = values["advance"]
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise Failure(INVALID, "advance must be a number of seconds, 0 or more")
        world.advance(float(seconds))
    elif "mode" in values and values["mode"] != mode:
        raise Failure(INVALID, f"mode: the clock is {mode} and cannot change while the simulator runs")
    elif "speed" in values:
        raise Failure(INVALID, f"speed: the {mode} clock has no speed to set; advance a virtual clock instead")
    return ok(clock={"mode": mode, "now": world.clock.now()})


async def _reset(ctx: Context) -> web.Response:
    ctx.world.reset()
    return ok()


async def _state(ctx: Context) -> web.Response:
    return ok(state=ctx.world.state())


def add_routes(table: RouteTable) -> None:
    table.add(
        _control(
            "POST",
            "/calls",
            _place_call,
            "An external caller dials an agent's or a queue's number",
            "created",
            PLACE_CALL,
        ),  # fmt: skip
        _control("GET", "/calls", _calls, "Every call going on, with all its parties (for debugging)", "document"),
        _control("GET", "/calls/{call_id}", _call, "One call going on, with all its parties", "document"),
        _control(
            "POST",
            "/calls/{call_id}",
            _remote_operation,
            "The external party answers, presses keys or hangs up",
            "status",
            REMOTE,
        ),  # fmt: skip
        _control(
            "POST", "/clock", _clock, "Advance a virtual clock (mode and speed are fixed at start)", "document", CLOCK
        ),  # fmt: skip
        replace(
            _control("POST", "/reset", _reset, "Back to the contact center as loaded, with no calls", "status"),
            reads_body=False,
        ),
        _control("GET", "/state", _state, "The whole simulated state (for debugging)", "document"),
    )
