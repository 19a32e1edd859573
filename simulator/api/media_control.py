"""The control API's chat and e-mail side under /sim (admins only, not part of the reference API): a chat
visitor starts a chat on a queue, types, sends messages and leaves; an e-mail arrives from a sender; the
e-mails agents sent can be read; the invitation timeout and attachment limit can be set.

Each request enters the multimedia core through the world's entry points, as any other change does.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from aiohttp import web

from ..core.refusals import INVALID, MISSING
from .control import CONTROL
from .resources import ADMINS, Context, Route, RouteTable
from .responses import Failure, ok
from .route_factories import custom_route
from .validation import Field, Schema, read_body

VISITOR_OPERATIONS = ("SendMessage", "StartTyping", "StopTyping", "Leave")

START_CHAT = Schema(
    "chat",
    (
        Field("queue", description="A chat queue's name or id (default: the first chat queue)"),
        Field("nickname", required=True, description="The visitor's name in the chat"),
        Field("subject", description="What the chat is about"),
        Field("text", max_length=10000, description="A first message"),
        Field("userData", type="object", description="Key-value pairs the chat arrives with"),
    ),
)
VISITOR = Schema(
    "chat visitor operation",
    (
        Field("operationName", required=True, choices=VISITOR_OPERATIONS, description="What the visitor does"),
        Field("text", max_length=10000, description="SendMessage: the message"),
    ),
)
RECEIVE_EMAIL = Schema(
    "e-mail",
    (
        Field("queue", description="An e-mail queue's name or id (default: the first e-mail queue)"),
        Field("from", required=True, description="The sender's address"),
        Field("to", description="The address it was sent to"),
        Field("cc", description="Copied addresses"),
        Field("subject", description="The subject"),
        Field("text", max_length=60000, description="The body"),
        Field("attachments", type="array", items="object", description="[{name, mimeType, content (base64)}]"),
        Field("userData", type="object", description="Key-value pairs the e-mail arrives with"),
    ),
)
OPTIONS = Schema(
    "multimedia options",
    (
        Field("inviteTimeout", type="any", description="Seconds an invitation waits for Accept before it is revoked"),
        Field("attachmentLimit", type="any", description="Bytes per attachment (1 or more)"),
        Field("capacity", type="any", description="Interactions per channel an agent is offered at once"),
    ),
)


def _route(method: str, path: str, run: Any, summary: str, answer: str, body: Schema | None = None) -> Route:
    return custom_route(method, path, run, ADMINS, summary, answer, body, base=CONTROL)


async def _start_chat(ctx: Context) -> web.Response:
    values = START_CHAT.check(await read_body(ctx.request))
    interaction_id = ctx.world.start_chat(
        values.get("queue"), values["nickname"], values.get("subject"), values.get("text"), values.get("userData")
    )
    return ok(id=interaction_id, uri=ctx.uri(f"/chats/{interaction_id}", CONTROL))


async def _visitor(ctx: Context) -> web.Response:
    values = VISITOR.check(await read_body(ctx.request))
    ctx.world.visitor_operate(ctx.arg("interaction_id"), values["operationName"], values.get("text"))
    return ok()


def _attachments(items: list[Any]) -> list[tuple[str, str, bytes]]:
    files = []
    for index, item in enumerate(items):
        where = f"attachments[{index}]"
        name, content = item.get("name"), item.get("content")
        mime_type = item.get("mimeType", "application/octet-stream")
        if not isinstance(name, str) or not name:
            raise Failure(MISSING, f"{where}.name is required")
        if not isinstance(mime_type, str):
            raise Failure(INVALID, f"{where}.mimeType must be a string")
        if not isinstance(content, str):
            raise Failure(MISSING, f"{where}.content is required: the file in base64")
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise Failure(INVALID, f"{where}.content is not base64") from None
        files.append((name, mime_type, data))
    return files


async def _receive_email(ctx: Context) -> web.Response:
    values = RECEIVE_EMAIL.check(await read_body(ctx.request))
    interaction_id = ctx.world.receive_email(
        values.get("queue"),
        values["from"],
        values.get("to"),
        values.get("subject"),
        values.get("text"),
        values.get("cc"),
        _attachments(values.get("attachments") or []),
        values.get("userData"),
    )
    return ok(id=interaction_id, uri=ctx.uri(f"/emails/{interaction_id}", CONTROL))


async def _sent(ctx: Context) -> web.Response:
    return ok(emails=ctx.world.sent_emails())


async def _options(ctx: Context) -> web.Response:
    options = ctx.world.configure_media(OPTIONS.check(await read_body(ctx.request)))
    return ok(
        options={
            "inviteTimeout": options.invite_timeout,
            "attachmentLimit": options.attachment_limit,
            "capacity": options.capacity,
        }
    )


def add_routes(table: RouteTable) -> None:
    table.add(
        _route("POST", "/chats", _start_chat, "A chat visitor starts a chat on a chat queue", "created", START_CHAT),
        _route(
            "POST",
            "/chats/{interaction_id}",
            _visitor,
            "The visitor sends a message, types or leaves",
            "status",
            VISITOR,
        ),  # fmt: skip
        _route("POST", "/emails", _receive_email, "An e-mail arrives on an e-mail queue", "created", RECEIVE_EMAIL),
        _route("GET", "/emails", _sent, "The e-mails agents have sent", "document"),
        _route(
            "POST", "/media", _options, "Invitation timeout, attachment limit, capacity per agent", "document", OPTIONS
        ),  # fmt: skip
    )
