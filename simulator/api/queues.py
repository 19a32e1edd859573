"""`/queues`: numbers and channels customers reach, their routing template and call-recording settings."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core.center_reads import CenterReads
from ..core.channels import CHANNELS
from ..core.queues import Queue
from ..core.refusals import MISSING
from .resources import ADMINS, STAFF, Context, Kind, Link, Query, RouteTable, register, render
from .responses import Failure, ok
from .route_factories import (
    bulk_delete_route,
    create_route,
    custom_route,
    delete_route,
    list_route,
    read_route,
    update_route,
)
from .system import ROUTING_TEMPLATE
from .validation import PHONE, Field, Schema, read_body


def _document(center: CenterReads, queue: Queue) -> dict[str, Any]:
    doc = queue.document()
    doc["skills"] = [center.skills[skill_id].name for skill_id in queue.skill_ids]
    return doc


def _routing_template(ctx: Context, queue: Queue) -> dict[str, Any]:
    template = ctx.center.routing_template(queue.routing_template_id)
    return render(ctx, ROUTING_TEMPLATE, template, Query(fields=("*",)))


QUEUE = register(
    Kind(
        "queue",
        "queues",
        "queue",
        "/queues",
        document=_document,
        find=lambda center, queue_id: center.queue(queue_id),
        fields=(
            "id",
            "name",
            "description",
            "channel",
            "phoneNumber",
            "internal",
            "skills",
            "routingTemplateUri",
            "phoneNumberUri",
        ),
        links={
            "routingTemplateUri": Link(
                "routingTemplate", lambda center, queue: center.routing_template(queue.routing_template_id)
            ),
            # The Queues API's example keeps `phoneNumber` the number and resolves into `phoneNumberDetails`.
            "phoneNumberUri": Link(
                "phoneNumber", lambda center, queue: center.numbering.of(queue), into="phoneNumberDetails"
            ),
        },
        subresources={"settings": lambda ctx, queue: queue.call_recording(), "routingTemplate": _routing_template},
        readable=lambda ctx, queue: ctx.is_staff,
    )
)

_SKILLS = Field("skills", "array", items="string", description="Names of the skills calls in this queue need")
_TEMPLATE = Field("routingTemplate", description="Id of the routing template (default: the channel's)")
CREATE = Schema(
    "queue",
    (
        Field("name", required=True, description="The queue name, unique in the contact center"),
        Field("description", description="The queue description"),
        Field("channel", required=True, choices=CHANNELS, description="The channel the queue belongs to"),
        Field(
            "phoneNumber",
            pattern=PHONE,
            pattern_text="digits, optionally after a +",
            description="The external number of the queue; required unless internal is true",
        ),
        Field("internal", "boolean", description="An internal queue gets a generated number 0XXXX"),
        _SKILLS,
        _TEMPLATE,
    ),
    read_only=("id", "routingTemplateUri"),
)
UPDATE = Schema(
    "queue",
    (
        Field("name"),
        Field("description"),
        _SKILLS,
        _TEMPLATE,
    ),
    read_only=("id", "channel", "phoneNumber", "internal", "routingTemplateUri"),
)
RECORDING = Schema(
    "call-recording settings",
    (
        Field(
            "percentage",
            "integer",
            required=True,
            minimum=0,
            maximum=100,
            description="The share of calls recorded, in percent",
        ),
    ),
)


def _create(ctx: Context, values: dict[str, Any]) -> Queue:
    if "phoneNumber" not in values and not values.get("internal"):
        raise Failure(MISSING, "phoneNumber is required unless internal is true")
    return ctx.world.add_queue(**values)


def _queue(ctx: Context) -> Queue:
    return ctx.center.queue(ctx.arg("queue_id"))


async def _read_recording(ctx: Context) -> web.Response:
    return ok(key="callRecording", settings=_queue(ctx).call_recording())


async def _write_recording(ctx: Context) -> web.Response:
    queue = _queue(ctx)
    values = RECORDING.check(await read_body(ctx.request))
    ctx.world.set_call_recording(queue, values["percentage"])
    return ok()


def add_routes(table: RouteTable) -> None:
    table.add(
        list_route("/queues", QUEUE, lambda ctx: ctx.center.queues.values(), STAFF, "List the queues"),
        create_route("/queues", QUEUE, CREATE, _create, ADMINS, "Create a queue, or several under `queues`"),
        bulk_delete_route(
            "/queues",
            QUEUE,
            lambda ctx, queue: ctx.world.remove_queue(queue),
            ADMINS,
            "Delete the queues whose URIs are given",
        ),
        read_route("/queues/{queue_id}", QUEUE, _queue, STAFF, "Read a queue"),
        update_route(
            "/queues/{queue_id}",
            QUEUE,
            _queue,
            UPDATE,
            lambda ctx, queue, values: ctx.world.update_queue(queue, values),
            ADMINS,
            "Update a queue",
        ),
        delete_route(
            "/queues/{queue_id}",
            QUEUE,
            _queue,
            lambda ctx, queue: ctx.world.remove_queue(queue),
            ADMINS,
            "Delete a queue",
        ),
        custom_route(
            "GET",
            "/queues/{queue_id}/settings/call-recording",
            _read_recording,
            STAFF,
            "Read the call-recording settings of a queue",
            "settings",
        ),
        custom_route(
            "PUT",
            "/queues/{queue_id}/settings/call-recording",
            _write_recording,
            ADMINS,
            "Change the share of calls recorded in a queue",
            "status",
            RECORDING,
        ),
    )
