"""`/settings`: the settings groups (general, reporting, agent states, and groups admins create).

A group answers `{"key": ..., "settings": [...]}` as in the reference; a setting is created with POST,
changed with PUT and removed with DELETE on the group, always naming the group's key attribute. The
general and reporting groups have a fixed set of settings: only PUT applies to them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..core.refusals import FORBIDDEN, INVALID, MISSING
from ..core.settings import AGENT_STATES, GENERAL, GENERAL_DEFAULTS, READY_STATES, REPORTING, REPORTING_DEFAULTS
from ..core.settings import WORK_MODES as MODES_OF_STATE
from .resources import ADMINS, EVERYONE, Context, Kind, RouteTable, register
from .responses import Failure, ok
from .route_factories import create_route, custom_route, list_route
from .validation import Field, Schema, read_body

WORK_MODES = tuple(mode for modes in MODES_OF_STATE.values() for mode in modes)

GROUP = register(
    Kind(
        "settingsGroup",
        "settings",
        "settingsGroup",
        "/settings",
        document=lambda center, group: group.document(),
        find=lambda center, name: center.settings_group(name),
        fields=("name", "displayName", "key", "uri"),
        path_of=lambda group: f"/settings/{group.name}",
        lists_objects=True,
        identity="name",
    )
)

CREATE_GROUP = Schema(
    "settings group",
    (
        Field(
            "name",
            required=True,
            pattern=r"^[a-z0-9][a-z0-9-]*$",
            pattern_text="lower-case letters, digits and dashes (it becomes part of the URI)",
            description="A URI-compatible name: /settings/{name}",
        ),
        Field("displayName", required=True, description="The name shown to people"),
        Field(
            "key",
            pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
            pattern_text="an attribute name",
            description="The attribute that identifies each setting of the group (default: name)",
        ),
    ),
    read_only=("uri",),
)
DELETE_GROUP = Schema("settings group", (Field("name", required=True, description="The group to delete"),))

_OPERATION = Field(
    "operationName",
    required=True,
    pattern=r"^[A-Za-z][A-Za-z0-9_]*$",
    pattern_text="a name of letters and digits such as OutToLunch",
    description="The unique operation name that sets this state",
)
AGENT_STATE = Schema(
    "agent state",
    (
        _OPERATION,
        Field("displayName", required=True, description="The name of the state"),
        Field("state", required=True, choices=READY_STATES, description="The telephony state"),
        Field(
            "workMode",
            choices=WORK_MODES,
            description="Ready: ManualIn, AutoIn, ReturnBack; NotReady: "
            "AfterCallWork, AuxWork, LegalGuard, NoCallDisconnect, WalkAway",
        ),
        Field("reason", description="The reason code; unique"),
    ),
)
AGENT_STATE_CHANGE = Schema(
    "agent state",
    (
        _OPERATION,
        *(Field(spec.name, spec.type, False, spec.choices) for spec in AGENT_STATE.fields[1:]),
    ),
)
AGENT_STATE_KEY = Schema("agent state", (_OPERATION,))
NAME_VALUE = {
    GENERAL: Schema(
        "general setting",
        (Field("name", required=True, choices=tuple(GENERAL_DEFAULTS)), Field("value", "any", required=True)),
    ),
    REPORTING: Schema(
        "reporting setting",
        (Field("name", required=True, choices=tuple(REPORTING_DEFAULTS)), Field("value", "any", required=True)),
    ),
}


def _group(ctx: Context):
    return ctx.center.settings_group(ctx.arg("group"))


def _free_form(group) -> Schema:
    """A user-defined group takes any attributes; only its key is required."""
    return Schema(f"setting of {group.name}", (Field(group.key, "any", required=True),), read_only=(), open=True)


async def _read(ctx: Context) -> web.Response:
    group = _group(ctx)
    return ok(key=group.key, settings=ctx.center.settings_of(group.name))


async def _add(ctx: Context) -> web.Response:
    group = _group(ctx)
    body = await read_body(ctx.request)
    if group.name == AGENT_STATES:
        setting = AGENT_STATE.check(body)
    elif group.name in NAME_VALUE:
        raise Failure(
            FORBIDDEN,
            f"Operation forbidden, settings cannot be added to the {group.name} group: change them with PUT",
            405,
        )
    else:
        setting = _free_form(group).check(body)
    ctx.world.add_setting(group.name, setting)
    return ok()


async def _change(ctx: Context) -> web.Response:
    group = _group(ctx)
    body = await read_body(ctx.request)
    if group.name == AGENT_STATES:
        changes = AGENT_STATE_CHANGE.check(body)
    elif group.name in NAME_VALUE:
        changes = NAME_VALUE[group.name].check(body)
        value = changes["value"]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Failure(INVALID, "value must be a string or a whole number")
        changes["value"] = value
    else:
        changes = _free_form(group).check(body)
    ctx.world.update_setting(group.name, changes)
    return ok()


async def _remove(ctx: Context) -> web.Response:
    group = _group(ctx)
    body = await read_body(ctx.request)
    if group.key not in body:
        raise Failure(MISSING, f"{group.key} is required: it identifies the setting to remove")
    ctx.world.remove_setting(group.name, body[group.key])
    return ok()


async def _remove_group(ctx: Context) -> web.Response:
    values = DELETE_GROUP.check(await read_body(ctx.request))
    ctx.world.remove_settings_group(values["name"])
    return ok()


def _create_group(ctx: Context, values: dict[str, Any]):
    return ctx.world.add_settings_group(values["name"], values["displayName"], values.get("key", "name"))


def add_routes(table: RouteTable) -> None:
    table.add(
        list_route(
            "/settings",
            GROUP,
            lambda ctx: ctx.center.settings_groups.values(),
            ADMINS,
            "List the settings groups (objects with name, displayName, key and uri)",
        ),
        create_route(
            "/settings", GROUP, CREATE_GROUP, _create_group, ADMINS, "Create a settings group", identity="name"
        ),
        custom_route(
            "DELETE",
            "/settings",
            _remove_group,
            ADMINS,
            "Delete a settings group created with POST /settings (body: name)",
            "status",
            DELETE_GROUP,
        ),
        custom_route("GET", "/settings/{group}", _read, EVERYONE, "Read the settings of a group", "settings"),
        custom_route(
            "POST",
            "/settings/{group}",
            _add,
            ADMINS,
            "Add a setting to a group (agent-states and user-defined groups)",
            "status",
        ),
        custom_route(
            "PUT",
            "/settings/{group}",
            _change,
            ADMINS,
            "Change a setting, identified by the group's key attribute",
            "status",
        ),
        custom_route(
            "DELETE",
            "/settings/{group}",
            _remove,
            ADMINS,
            "Remove a setting, identified by the group's key attribute",
            "status",
        ),
    )
