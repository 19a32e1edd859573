"""`/sim/recording`: start a recording in memory, stop it, read it back.

Starting resets the World first (as `POST /sim/reset`), so the recording begins from the contact center
as loaded, where a replay on a fresh simulator begins too.
"""

from __future__ import annotations

from aiohttp import web

from ..api.resources import ADMINS, Context, Route
from ..api.responses import Failure, ok
from ..api.route_factories import custom_route
from ..api.validation import Field, Schema, read_body
from ..core.refusals import INVALID
from .capture import RECORDING

PATH = "/recording"
ACTION = Schema(
    "recording action",
    (
        Field(
            "operationName",
            required=True,
            choices=("Start", "Stop"),
            description="Start (after a reset of the World) or Stop recording",
        ),
    ),
)


async def _act(ctx: Context) -> web.Response:
    values = ACTION.check(await read_body(ctx.request))
    recording = ctx.request.app[RECORDING]
    if values["operationName"] == "Start":
        if recording.active:
            raise Failure(INVALID, "operationName: a recording is already going on; Stop it first")
        ctx.world.reset()
        recording.start_in_memory()
        return ok()
    recorder = recording.stop() if recording.active else None
    if recorder is None:
        raise Failure(INVALID, "operationName: no recording is going on")
    return ok(events=recorder.events, inputs=recorder.inputs)


async def _read(ctx: Context) -> web.Response:
    recording = ctx.request.app[RECORDING]
    return ok(recording={"active": recording.active, "lines": recording.lines})


def routes() -> list[Route]:
    return [
        custom_route(
            "POST", PATH, _act, ADMINS, "Start (after a reset) or stop recording the World's inputs and events",
            "document", ACTION, base="/sim",
        ),
        custom_route(
            "GET", PATH, _read, ADMINS, "The recording going on or the last one, as its lines", "document",
            base="/sim",
        ),
    ]  # fmt: skip
