"""Calls: `Dial` on a device, `/me/calls` and every call operation posted on `/me/calls/{id}`.

The handlers only read the request and hand it to the voice core, which checks the parameters, the
call's state and ownership, and reports what changed as events that the notifier turns into
`/v2/me/calls` messages. A GET renders the same `call` document those messages carry.

Under the 8.5.2 profile a call's `id` is its `callUuid`: the ids clients send back (in the path, in
`consultCallUri` and `otherCallUri`) are turned into the leg's own id here, before the voice core sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ..core.refusals import INVALID, MISSING, NOT_FOUND
from ..core.voice import CALL_OPERATIONS, CALL_SPELLINGS, CallView, call_id, render_call
from ..core.voice.call_params import CALL_PARAMETERS, NUMBER, USER_DATA
from .keys import NOTIFIER
from .resources import AGENTS, EVERYONE, Context, Kind, Route, RouteTable, register
from .responses import Failure, ok
from .route_factories import Operation, custom_route, list_route, operations_route, read_route
from .validation import Field, Schema, read_body

CALL_FIELDS = (
    "id",
    "state",
    "callUuid",
    "deviceUri",
    "uri",
    "participants",
    "participantsInfo",
    "ani",
    "dnis",
    "callType",
    "capabilities",
    "userData",
    "duration",
    "mute",
    "recordingState",
)


@dataclass(frozen=True)
class RenderedCall:
    """One of the viewer's call legs, rendered once as the notifications render it."""

    id: str
    document: dict[str, Any]


def _not_by_id(center: Any, call_id: str) -> Any:
    """Calls are legs of the viewer's devices: found through /me/calls, never by id alone."""
    raise Failure(NOT_FOUND, f"call {call_id!r} is not one of your calls")


CALL = register(
    Kind(
        "call",
        "calls",
        "call",
        "/me/calls",
        document=lambda center, call: dict(call.document),
        find=_not_by_id,
        fields=CALL_FIELDS,
    )
)

_DESTINATION = Field("destination", type="any", description="The number to reach: a string, or {'phoneNumber': 'XXX'}")
_USER_DATA = Field("userData", type="any", description="A JSON object of key-value pairs attached to the call")
# The OpenAPI document's view of the voice core's own parameter table, which is what reads the request
# (so none is required here: a missing one is refused by the core, named the same way as a bad one).
_PARAMETERS: dict[str, tuple[Field, ...]] = {
    operation: tuple(
        Field(p.name, type="any" if p.kind in (NUMBER, USER_DATA) else "string", description=p.description) for p in row
    )
    for operation, row in CALL_PARAMETERS.items()
}
DIAL = Schema("Dial", (_DESTINATION, _USER_DATA), open=True)


def _schema(operation: str) -> Schema:
    """Open: the voice core reads the parameters, so every refusal names its field one way."""
    return Schema(operation, _PARAMETERS.get(operation, ()), open=True)


def rendered(ctx: Context, view: CallView) -> RenderedCall:
    notifier = ctx.request.app[NOTIFIER]
    return RenderedCall(call_id(view, notifier.profile), render_call(view, notifier.base, notifier.profile))


def _leg(ctx: Context, shown: str) -> str:
    """The voice core's id of the viewer's leg that clients know as `shown`."""
    if not ctx.request.app[NOTIFIER].profile.id_is_call_uuid:
        return shown
    for view in ctx.world.calls_of(ctx.viewer.id):
        if view.call_uuid == shown:
            return view.id
    return shown  # not one of the viewer's calls: the voice core says so


def _legs_in(ctx: Context, values: dict[str, Any]) -> dict[str, Any]:
    """The operation's parameters with the other calls they name by URI turned into legs."""
    changed = dict(values)
    for name in ("consultCallUri", "otherCallUri"):
        uri = changed.get(name)
        if isinstance(uri, str) and "/" in uri:
            prefix, _, shown = uri.rstrip("/").rpartition("/")
            changed[name] = f"{prefix}/{_leg(ctx, shown)}"
    return changed


def my_calls(ctx: Context) -> Iterator[RenderedCall]:
    for view in ctx.world.calls_of(ctx.viewer.id):
        yield rendered(ctx, view)


def _my_call(ctx: Context) -> RenderedCall:
    return rendered(ctx, ctx.world.call_of(ctx.viewer.id, _leg(ctx, ctx.arg("call_id"))))


def _call_operation(name: str) -> Operation:
    async def run(ctx: Context, values: dict[str, Any]) -> None:
        leg = _leg(ctx, ctx.arg("call_id"))
        ctx.world.call_operate(ctx.viewer.id, leg, name, _legs_in(ctx, values))

    return Operation(_schema(name), AGENTS, run, f"{name} on the current user's leg of the call")


def _dial_route(path: str, summary: str) -> Route:
    """Dial answers the new call's `id` and `uri` besides statusCode 0 (the reference shows statusCode
    alone; clients that ignore the extra fields are unaffected, and scripts need not wait for an event)."""

    async def run(ctx: Context) -> web.Response:
        body = await read_body(ctx.request)
        name = body.get("operationName")
        if name != "Dial":
            if name is None:
                raise Failure(MISSING, "operationName is required (Dial)")
            raise Failure(INVALID, f"operationName {name!r} is not an operation of {path} (operations: Dial)")
        values = DIAL.check({key: value for key, value in body.items() if key != "operationName"})
        world = ctx.world
        leg = world.dial(ctx.viewer.id, ctx.arg("device_id"), values.get("destination"), values.get("userData"))
        view = next(view for view in world.calls_of(ctx.viewer.id) if view.id == leg)
        shown = call_id(view, ctx.request.app[NOTIFIER].profile)
        return ok(id=shown, uri=ctx.uri(f"/me/calls/{shown}"))

    body = Schema("Dial", (Field("operationName", required=True, choices=("Dial",)), *DIAL.fields), open=True)
    return custom_route("POST", path, run, AGENTS, summary, "created", body)


def add_routes(table: RouteTable) -> None:
    table.add(
        list_route("/me/calls", CALL, my_calls, EVERYONE, "List the current user's calls (fields=* for documents)"),
        read_route("/me/calls/{call_id}", CALL, _my_call, EVERYONE, "Read one of the current user's calls"),
        operations_route(
            "/me/calls/{call_id}",
            {
                **{name: _call_operation(name) for name in CALL_OPERATIONS},
                **{spelling: _call_operation(name) for spelling, name in CALL_SPELLINGS.items()},
            },
            "Call control on the current user's leg of a call",
        ),
        _dial_route(
            "/devices/{device_id}/calls",
            "Dial from one of the current user's devices (answers the new call's id and uri)",
        ),
        _dial_route(
            "/me/devices/{device_id}/calls",
            "Dial from one of the current user's devices (the same as /devices/{device_id}/calls)",
        ),
    )
