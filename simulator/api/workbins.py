"""Workbins over REST: the current agent's workbins, their content, adding to them and (un)subscribing to
their events on /v2/me/workbins. Pulling is an operation on /me/interactions (see interactions.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .resources import AGENTS, Context, Kind, RouteTable, register
from .responses import ok
from .route_factories import Operation, custom_route, list_route, operations_route
from .validation import Field, Schema, read_body


@dataclass(frozen=True)
class WorkbinEntry:
    """One interaction in a workbin, as GetWorkbinContent shows it."""

    id: str
    workbin_id: str
    document: dict[str, Any]


WORKBIN_ITEM = register(
    Kind(
        "workbin-interaction",
        "interactions",
        "interaction",
        "/me/workbins",
        document=lambda center, entry: dict(entry.document),
        find=lambda center, entry_id: None,
        fields=("InteractionId", "MediaType", "InteractionType", "InteractionSubtype", "Queue", "Workbin", "Subject"),
        path_of=lambda entry: f"/me/workbins/{entry.workbin_id}/interactions/{entry.id}",
    )
)
ADD = Schema("AddInteractionToWorkbin", (Field("interactionId", required=True, description="The interaction"),))
NONE = Schema("workbin operation", ())


async def _types_info(ctx: Context) -> web.Response:
    workbins = ctx.world.workbins_of(ctx.viewer.id)
    return ok(workbins=[workbin.info() for workbin in workbins])


def _content(ctx: Context) -> Iterator[WorkbinEntry]:
    workbin_id = ctx.arg("workbin_id")
    for item in ctx.world.workbin_content(ctx.viewer.id, workbin_id):
        yield WorkbinEntry(item["InteractionId"], workbin_id, item)


async def _add(ctx: Context) -> web.Response:
    values = ADD.check(await read_body(ctx.request))
    workbin_id = ctx.arg("workbin_id")
    ctx.world.place_in_workbin(ctx.viewer.id, workbin_id, values["interactionId"])
    return ok(uri=ctx.uri(f"/me/workbins/{workbin_id}/interactions/{values['interactionId']}"))


def _subscription(on: bool) -> Operation:
    async def run(ctx: Context, values: dict[str, Any]) -> None:
        ctx.world.subscribe_workbin(ctx.viewer.id, ctx.arg("workbin_id"), on)

    what = "Receive" if on else "Stop receiving"
    return Operation(NONE, AGENTS, run, f"{what} this workbin's events on /v2/me/workbins")


def add_routes(table: RouteTable) -> None:
    table.add(
        custom_route(
            "GET", "/me/workbins", _types_info, AGENTS, "GetWorkbinTypesInfo: the current user's workbins", "document"
        ),  # fmt: skip
        list_route(
            "/me/workbins/{workbin_id}/interactions",
            WORKBIN_ITEM,
            _content,
            AGENTS,
            "GetWorkbinContent: the interactions in one of your workbins (fields=*)",
        ),
        custom_route(
            "POST",
            "/me/workbins/{workbin_id}/interactions",
            _add,
            AGENTS,
            "AddInteractionToWorkbin: park one of your interactions",
            "document",
            ADD,
        ),
        operations_route(
            "/me/workbins/{workbin_id}",
            {"Subscribe": _subscription(True), "Unsubscribe": _subscription(False)},
            "SubscribeWorkbinEvents / UnsubscribeWorkbinEvents",
        ),
    )
