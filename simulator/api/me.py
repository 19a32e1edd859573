"""`/me`: the authenticated user, their devices, skills and channels, and their own operations."""

from __future__ import annotations

from typing import Any

from ..core.center_reads import CenterReads
from ..core.channels import Channel, VoiceChannel
from ..core.devices import Device
from ..core.profiles import PROFILES
from ..core.refusals import INVALID, NOT_FOUND, Refusal
from ..core.skills import SkillAssignment
from ..core.voice import user_state
from . import login, passwords
from .agent_operations import (
    AGENT_STATES,
    DND,
    channel_operations,
    defined_agent_states,
    defined_channel_states,
    me_operations,
)
from .devices import DEVICE
from .resources import EVERYONE, Context, Kind, Query, RouteTable, register, render
from .responses import Failure
from .route_factories import Operation, list_route, operations_route, read_route
from .skills import USER_SKILL
from .users import USER, devices_of, skills_of

CHANNEL = register(
    Kind(
        "channel",
        "channels",
        "channel",
        "/me/channels",
        document=lambda center, channel: _channel_document(center, channel),
        find=lambda center, name: _no_channel(name),
        fields=("id", "channel", "userState", "dndState"),
        path_of=lambda channel: f"/me/channels/{channel.name}",
    )
)


def _channel_document(center: CenterReads, channel: Channel | VoiceChannel) -> dict[str, Any]:
    """The channel as the release profile names its logged-out state."""
    document = channel.document(center)
    return {**document, "userState": user_state(document["userState"], PROFILES[center.site.profile])}


def _no_channel(name: str) -> Any:
    raise Refusal(NOT_FOUND, f"channel {name!r} does not exist")


def channels_of(ctx: Context, user: Any) -> list[dict[str, Any]]:
    return [render(ctx, CHANNEL, channel, Query(fields=("*",))) for channel in user.channels.values()]


ME = register(
    Kind(
        "me",
        "users",
        "user",
        "/me",
        document=USER.document,
        find=lambda center, user_id: center.user(user_id),
        fields=USER.fields,
        subresources={"skills": skills_of, "devices": devices_of, "channels": channels_of, **login.SUBRESOURCES},
        path_of=lambda user: f"/users/{user.id}",  # where the user lives: their `uri` and `path`, as real servers say
        self_link=True,
    )
)


def _device(ctx: Context) -> Device:
    device_id = ctx.arg("device_id")
    if device_id not in ctx.viewer.device_ids:
        raise Refusal(NOT_FOUND, f"you have no device {device_id!r}")
    return ctx.center.device(device_id)


def _skill(ctx: Context) -> SkillAssignment:
    return ctx.center.skill_of(ctx.viewer, ctx.arg("skill_id"))


def _channel(ctx: Context) -> Channel | VoiceChannel:
    name = ctx.arg("channel_id")
    channel = ctx.viewer.channels.get(name)
    if channel is None:
        raise Refusal(NOT_FOUND, f"you have no channel {name!r} (channels: {', '.join(ctx.viewer.channels)})")
    return channel


async def _change_password(ctx: Context, values: dict[str, str]) -> None:
    first_login = ctx.request.query.get("firstLogin", "false").lower()
    if first_login not in ("true", "false"):
        raise Failure(INVALID, "firstLogin must be true or false")
    old, new = passwords.decoded(values, "oldPassword"), passwords.decoded(values, "newPassword")
    passwords.change(ctx, ctx.viewer, old, new)


def add_routes(table: RouteTable) -> None:
    table.add(
        read_route(
            "/me",
            ME,
            lambda ctx: ctx.viewer,
            EVERYONE,
            "Read the current user; subresources (or *): skills, devices, channels, features, settings, calls, "
            "interactions, chats",
        ),
        operations_route(
            "/me",
            {
                "ChangePassword": Operation(
                    passwords.CHANGE,
                    EVERYONE,
                    _change_password,
                    "Change one's own password (query parameter firstLogin=true|false)",
                ),
                **me_operations(),
            },
            "Operations on the current user: password, agent state and Do Not Disturb on all channels and devices",
            defined=defined_agent_states,
            status_form=True,
        ),
        list_route(
            "/me/devices",
            DEVICE,
            lambda ctx: ctx.center.devices_of(ctx.viewer),
            EVERYONE,
            "List the current user's devices",
        ),
        read_route("/me/devices/{device_id}", DEVICE, _device, EVERYONE, "Read one of the current user's devices"),
        list_route(
            "/me/skills",
            USER_SKILL,
            lambda ctx: ctx.center.skills_of(ctx.viewer),
            EVERYONE,
            "List the current user's skills, with levels",
        ),
        read_route("/me/skills/{skill_id}", USER_SKILL, _skill, EVERYONE, "Read one of the current user's skills"),
        list_route(
            "/me/channels",
            CHANNEL,
            lambda ctx: ctx.viewer.channels.values(),
            EVERYONE,
            "List the current user's channels and the agent state on each",
        ),
        read_route("/me/channels/{channel_id}", CHANNEL, _channel, EVERYONE, "Read one of the current user's channels"),
        operations_route(
            "/me/channels/{channel_id}",
            channel_operations((*AGENT_STATES, *DND)),
            "Agent state and Do Not Disturb on one channel (or any agent-state definition's operationName)",
            defined=defined_channel_states,
            status_form=True,
        ),
        operations_route("/channels/{channel_id}", channel_operations(DND), "Do Not Disturb on one channel"),
    )
