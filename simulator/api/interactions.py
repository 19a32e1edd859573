"""Chat and e-mail interactions over REST: `/interactions`, `/me/interactions` and their operations, and
the attachments of e-mail interactions.

The handlers read the request and hand it to the World, whose multimedia core, which checks the
parameters and the state and reports what changed as `/v2/me/interactions` messages. A GET renders the
same `interaction` object those messages carry, as the viewer sees it (their state and capabilities).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from ..core.media import CHAT_SPELLINGS, INTERACTION_OPERATIONS, Interaction
from ..core.refusals import INVALID, MISSING
from . import bounds
from .resources import AGENTS, EVERYONE, Context, Kind, RouteTable, register
from .responses import Failure, ok
from .route_factories import Operation, custom_route, list_route, operations_route, read_route, update_route
from .validation import Field, Schema

INTERACTION_FIELDS = (
    "id",
    "channel",
    "type",
    "subType",
    "state",
    "capabilities",
    "userData",
    "currentQueue",
    "threadId",
    "parentId",
    "content",
)


@dataclass(frozen=True)
class RenderedInteraction:
    """An interaction rendered once, as the viewer sees it."""

    id: str
    document: dict[str, Any]


INTERACTION = register(
    Kind(
        "interaction",
        "interactions",
        "interaction",
        "/interactions",
        document=lambda center, rendered: dict(rendered.document),
        find=lambda center, interaction_id: None,  # interactions are found through the world
        fields=INTERACTION_FIELDS,
    )
)

_USER_DATA = Field("userData", type="any", description="A JSON object of key-value pairs")
_PARAMETERS: dict[str, tuple[Field, ...]] = {
    "Accept": (Field("nickname", description="Chat: the name the visitor sees"),),
    "PlaceInQueue": (Field("queueName", description="The queue to place the interaction in"),),
    "PlaceInWorkbin": (Field("workbin", description="The workbinId (or name) of one of your workbins"),),
    "SingleStepTransfer": (
        Field("userId", description="The agent (id or user name) to transfer to"),
        Field("queueName", description="Or: the queue (of the interaction's channel) to transfer to"),
        Field("skill", description="Or: the skill (name or id) whose holders the interaction goes to"),
    ),
    "AttachUserData": (_USER_DATA,),
    "UpdateUserData": (_USER_DATA,),
    "DeleteUserData": (Field("userData", type="any", description="An object whose keys are deleted (all if absent)"),),
    "SendMessage": (Field("text", description="The message"),),
    "InviteUser": (Field("agentId", description="The agent (id or user name) to invite to the chat"),),
    "LeaveConference": (Field("agentId", description="Accepted and ignored: the caller leaves"),),
    "RequestChatHistory": (Field("eventId", type="any", description="The first event id to send (default 1)"),),
    "Reply": (
        Field("subjectPrefix", description="Put before the original subject"),
        Field("replyToStartLine", description="A line before the quoted original"),
        Field("indentCharacter", description="Put before each quoted line (default >)"),
        Field("quoteOriginal", type="any", description="Quote the original text (default false)"),
        Field("queueName", description="The queue the reply belongs to while composed"),
    ),
    "Send": (
        Field("text", description="Chat: the message (the reference's chat spelling of SendMessage)"),
        Field("queueName", description="The queue the sent e-mail goes to"),
        Field("email_object", type="any", description="toAddress, fromAddress, subject, text, ccAddress, bccAddress"),
    ),
}
_PARAMETERS["UpdateProperties"] = (
    Field("email_object", type="any", description="toAddress, fromAddress, subject, text, ccAddress, bccAddress"),
    Field("userData", type="any", description="Pairs to attach"),
)
_PARAMETERS["ReplyAll"] = _PARAMETERS["Reply"]
_PARAMETERS["Transfer"] = _PARAMETERS["SingleStepTransfer"]
_PARAMETERS["SingleStepConference"] = _PARAMETERS["InviteUser"]
CREATE = Schema(
    "Create",
    (
        Field("queueName", description="The e-mail queue of the new interaction"),
        Field("interactionType", description="Outbound"),
        Field("interactionSubType", description="OutboundNew"),
    ),
    open=True,
)
# PUT /interactions/{id}: "the actual operation depends on the interaction's channel"; on both channels
# here it is UpdateUserData, the update an agent makes to the interaction they work on.
UPDATE = Schema("interaction", (Field("userData", type="object", required=True, description="Pairs to set"),))
UPLOAD = Schema("attachment upload", (Field("attachment", required=True, description="The file"),))
PULL = Schema(
    "PullInteractionFromWorkbin",
    (Field("uri", description="http://host/api/v2/me/workbins/{workbinId}/interactions/{interactionId}"),),
    open=True,
)


def _schema(operation: str) -> Schema:
    """Open: the multimedia core reads the parameters, so every refusal names its field one way."""
    return Schema(operation, _PARAMETERS.get(operation, ()), open=True)


def _rendered(ctx: Context, interaction: Interaction) -> RenderedInteraction:
    return RenderedInteraction(interaction.id, ctx.world.interaction_document(interaction, ctx.viewer.id))


def _all(ctx: Context) -> Iterator[RenderedInteraction]:
    for interaction in ctx.world.interactions():
        yield _rendered(ctx, interaction)


def mine(ctx: Context) -> Iterator[RenderedInteraction]:
    for interaction in ctx.world.interactions_of(ctx.viewer.id):
        yield _rendered(ctx, interaction)


def _one(ctx: Context) -> RenderedInteraction:
    return _rendered(ctx, ctx.world.interaction(ctx.arg("interaction_id")))


def _update(ctx: Context, rendered: RenderedInteraction, values: dict[str, Any]) -> None:
    ctx.world.interaction_operate(ctx.viewer.id, rendered.id, "UpdateUserData", values)


def _operation(name: str) -> Operation:
    async def run(ctx: Context, values: dict[str, Any]) -> dict[str, Any]:
        return ctx.world.interaction_operate(ctx.viewer.id, ctx.arg("interaction_id"), name, values)

    return Operation(_schema(name), AGENTS, run, f"{name} on one of the current user's interactions")


async def _create(ctx: Context, values: dict[str, Any]) -> dict[str, Any]:
    interaction_id = ctx.world.create_email(ctx.viewer.id, values)
    return {"id": interaction_id, "uri": ctx.uri(f"/interactions/{interaction_id}")}


GET_WORKBIN_CONTENT = Schema(
    "GetWorkbinContent",
    (Field("workbin", required=True, description="The workbinId (or name) of one of your workbins"),),
)


async def _workbin_content(ctx: Context, values: dict[str, Any]) -> None:
    ctx.world.tell_workbin_content(ctx.viewer.id, values["workbin"])


async def _pull(ctx: Context, values: dict[str, Any]) -> None:
    uri = values.get("uri")
    if uri is None:
        raise Failure(MISSING, "uri is required: .../api/v2/me/workbins/{workbinId}/interactions/{interactionId}")
    try:
        parts = urlsplit(uri).path.rstrip("/").split("/") if isinstance(uri, str) else []
    except ValueError:  # a lone IPv6 bracket
        parts = []
    if len(parts) < 5 or parts[-2] != "interactions" or parts[-4] != "workbins":
        raise Failure(INVALID, f"uri {uri!r} is not .../me/workbins/{{workbinId}}/interactions/{{interactionId}}")
    ctx.world.pull(ctx.viewer.id, parts[-3], parts[-1])


async def _upload(ctx: Context) -> web.Response:
    """Multipart, the file bound to `attachment`; read in pieces so an oversized file is refused without
    holding it all."""
    world = ctx.world
    interaction_id = ctx.arg("interaction_id")
    limit = world.media_options.attachment_limit
    if not ctx.request.content_type.startswith("multipart/"):
        raise Failure(INVALID, "attachment: send multipart/form-data with the file bound to 'attachment'")
    try:
        upload = await _attachment_part(ctx.request, limit)
    except (ValueError, AssertionError, HttpProcessingError, aiohttp.ClientPayloadError) as problem:
        # aiohttp's multipart reader signals a missing boundary or undecodable part headers this way
        raise Failure(INVALID, f"attachment: the multipart body cannot be read ({problem})"[:300]) from None
    if upload is not None:
        filename, mime_type, data = upload
        return ok(documentId=world.add_attachment(ctx.viewer.id, interaction_id, filename, mime_type, data))
    raise Failure(MISSING, "attachment is required: bind the file to the 'attachment' field")


async def _attachment_part(request: web.Request, limit: int) -> tuple[str, str, bytes] | None:
    """The file name, MIME type and bytes of the `attachment` part, or None when there is none."""
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name != "attachment":
            continue
        filename = part.filename or "attachment"
        mime_type = part.headers.get("Content-Type", "application/octet-stream")
        if not (bounds.is_text(filename) and bounds.is_text(mime_type)):
            raise Failure(
                INVALID, f"attachment: the file name and type must be UTF-8 text of at most {bounds.MAX_KEY} characters"
            )
        data = bytearray()
        while chunk := await part.read_chunk(65536):
            data.extend(chunk)
            if len(data) > limit:
                raise Failure(INVALID, f"attachment: {filename[:80]} is over the limit of {limit} bytes", 413)
        return filename, mime_type, bytes(data)
    return None


async def _download(ctx: Context) -> web.Response:
    attachment = ctx.world.attachment(ctx.viewer.id, ctx.arg("interaction_id"), ctx.arg("document_id"))
    return web.Response(
        body=attachment.data,
        content_type=attachment.mime_type.split(";")[0],
        headers={"Content-Disposition": f'attachment; filename="{attachment.name}"'},
    )


async def _delete(ctx: Context) -> web.Response:
    ctx.world.delete_attachment(ctx.viewer.id, ctx.arg("interaction_id"), ctx.arg("document_id"))
    return ok()


def add_routes(table: RouteTable) -> None:
    attachments = "/me/interactions/{interaction_id}/attachments"
    table.add(
        list_route("/interactions", INTERACTION, _all, EVERYONE, "List every chat and e-mail interaction going on"),
        read_route(
            "/interactions/{interaction_id}", INTERACTION, _one, EVERYONE, "Read one interaction (yours: your state)"
        ),
        update_route(
            "/interactions/{interaction_id}",
            INTERACTION,
            _one,
            UPDATE,
            _update,
            AGENTS,
            "Update one of your interactions: its userData (UpdateUserData)",
        ),
        list_route("/me/interactions", INTERACTION, mine, EVERYONE, "List the current user's interactions (fields=*)"),
        operations_route(
            "/me/interactions",
            {
                "Create": Operation(CREATE, AGENTS, _create, "Create a new outbound e-mail (answers id and uri)"),
                "PullInteractionFromWorkbin": Operation(PULL, AGENTS, _pull, "Pull an interaction from a workbin"),
                "GetWorkbinContent": Operation(
                    GET_WORKBIN_CONTENT,
                    AGENTS,
                    _workbin_content,
                    "The interactions of one of your workbins, each as an InteractionStateMessage",
                ),
            },
            "Create an outbound e-mail, pull an interaction from a workbin, or be sent a workbin's content",
            status_form=True,
        ),
        operations_route(
            "/me/interactions/{interaction_id}",
            {name: _operation(name) for name in (*INTERACTION_OPERATIONS, *CHAT_SPELLINGS)},
            "Operations on one of the current user's chat or e-mail interactions",
            status_form=True,
        ),
        dataclasses.replace(
            custom_route(
                "POST",
                attachments,
                _upload,
                AGENTS,
                "Attach a file (multipart, field 'attachment'): documentId",
                "document",
                UPLOAD,
            ),
            media_type="multipart/form-data",
        ),  # fmt: skip
        custom_route(
            "GET",
            attachments + "/{document_id}",
            _download,
            AGENTS,
            "Download an attachment, with its MIME type",
            "document",
        ),
        dataclasses.replace(
            custom_route("DELETE", attachments + "/{document_id}", _delete, AGENTS, "Delete an attachment", "status"),
            reads_body=False,
        ),
    )
