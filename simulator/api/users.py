"""`/users`: the people of the contact center, their skills (with levels) and their devices."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from aiohttp import web

from ..core.center_reads import CenterReads
from ..core.refusals import NO_PERMISSION, NOT_FOUND
from ..core.users import ADMIN, ROLES, User
from . import passwords
from .devices import CREATE as CREATE_DEVICE
from .devices import DEVICE
from .keys import AUTH
from .resources import ADMINS, EVERYONE, STAFF, Context, Kind, Query, RouteTable, register, render
from .responses import Failure, ok
from .route_factories import (
    Operation,
    assign_route,
    bulk_delete_route,
    create_route,
    delete_route,
    list_route,
    operations_route,
    read_route,
    update_route,
)
from .skills import ASSIGN, CHANGE_LEVEL, SKILL, USER_SKILL
from .validation import EMAIL, Field, Schema

ALL = Query(fields=("*",))


def skills_of(ctx: Context, user: User) -> list[dict[str, Any]]:
    ctx.own_or_staff(user)
    return [render(ctx, USER_SKILL, assignment, ALL) for assignment in ctx.center.skills_of(user)]


def devices_of(ctx: Context, user: User) -> list[dict[str, Any]]:
    ctx.own_or_staff(user)
    return [render(ctx, DEVICE, device, ALL) for device in ctx.center.devices_of(user)]


USER_FIELDS = (
    "id",
    "userName",
    "firstName",
    "lastName",
    "roles",
    "employeeId",
    "doNotDisturb",
    "changePasswordOnFirstLogin",
    "emailAddress",
    "enabled",
    "contactCenterId",
)


def contact_center_id(center: CenterReads) -> str:
    """The id real servers give the contact center a user belongs to: stable for a contact center's name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"gws-simulator:{center.name}"))


def document(center: CenterReads, user: User) -> dict[str, Any]:
    """The user with the fields real servers send besides the reference's (`uri` and `path` come from the
    kind): the e-mail address (the user name, when it is one), enabled, the contact center's id."""
    doc: dict[str, Any] = user.document(center.do_not_disturb_of(user))
    doc["emailAddress"] = user.userName if "@" in user.userName else ""
    doc["enabled"] = True
    doc["contactCenterId"] = contact_center_id(center)
    return doc


USER = register(
    Kind(
        "user",
        "users",
        "user",
        "/users",
        document=document,
        find=lambda center, user_id: center.user(user_id),
        fields=USER_FIELDS,
        subresources={"skills": skills_of, "devices": devices_of},
        self_link=True,
    )
)

_ATTRIBUTES = (
    Field("password", required=True, description="The user's password"),
    Field("firstName", description="The user's first name"),
    Field("lastName", description="The user's last name"),
    Field(
        "roles",
        "array",
        items="string",
        choices=ROLES,
        description="The user's roles; on update the new role set (not a difference)",
        json_schema={"minItems": 1},
    ),
    Field("employeeId", description="The user's employee ID"),
    Field("changePasswordOnFirstLogin", "boolean", description="Whether the user must change the password"),
)
CREATE = Schema(
    "user",
    (
        Field(
            "userName",
            required=True,
            pattern=EMAIL,
            pattern_text="an e-mail address",
            description="The user's e-mail address, unique in the contact center",
        ),
        *_ATTRIBUTES,
    ),
    read_only=("id", "doNotDisturb", "skills", "devices"),
)
UPDATE = Schema(
    "user",
    tuple(replace(spec, required=False) for spec in _ATTRIBUTES),
    read_only=("id", "userName", "doNotDisturb", "skills", "devices"),
)


def _create(ctx: Context, values: dict[str, Any]) -> User:
    return ctx.world.add_user(**values)


def _user(ctx: Context) -> User:
    return ctx.center.user(ctx.arg("user_id"))


def _own_user(ctx: Context) -> User:
    """The user of the path, whose skills and devices only they, supervisors and admins may see."""
    return ctx.own_or_staff(_user(ctx))


def _update(ctx: Context, user: User, values: dict[str, Any]) -> None:
    ctx.world.update_user(user, values)


async def _update_by_post(ctx: Context, body: dict[str, Any]) -> web.Response:
    """The reference updates a user with POST on /users/{id} too; only admins may."""
    if not ctx.viewer.has_role(ADMIN):
        raise Failure(NO_PERMISSION, f"{ctx.viewer.userName} may not update users: it requires ROLE_ADMIN")
    _update(ctx, _user(ctx), UPDATE.check(body, partial=True))
    return ok()


async def _change_password(ctx: Context, values: dict[str, str]) -> None:
    user = _user(ctx)
    old, new = passwords.decoded(values, "oldPassword"), passwords.decoded(values, "newPassword")
    passwords.change(ctx, user, old, new)


async def _reset_password(ctx: Context, values: dict[str, str]) -> None:
    user = _user(ctx)
    new = passwords.decoded(values, "newPassword")
    passwords.change(ctx, user, None, new)


def _delete(ctx: Context, user: User) -> None:
    """A deleted user's HTTP and CometD sessions end with it."""
    ctx.world.remove_user(user, by=ctx.viewer)
    ctx.request.app[AUTH].end_sessions(user.id)


def _user_skill(ctx: Context):
    user = _own_user(ctx)
    return ctx.center.skill_of(user, ctx.arg("skill_id"))


def _assign_skill(ctx: Context, user: User, skill, values: dict[str, Any]) -> None:
    ctx.world.assign_skill(user, skill, values.get("level", 0))


def _user_device(ctx: Context):
    user = _own_user(ctx)
    device = ctx.center.device(ctx.arg("device_id"))
    if device.user_id != user.id:
        raise Failure(NOT_FOUND, f"user {user.userName!r} has no device {device.id!r}")
    return device


def _create_and_assign_device(ctx: Context, user: User, values: dict[str, Any]):
    """A hybrid operation: the device is created only if it can also be assigned."""
    return ctx.world.add_device_for(user, **values)


def add_routes(table: RouteTable) -> None:
    table.add(
        list_route("/users", USER, lambda ctx: ctx.center.users.values(), EVERYONE, "List the users"),
        create_route(
            "/users", USER, CREATE, _create, ADMINS, "Create a user, or several under `users`", identity="userName"
        ),
        bulk_delete_route("/users", USER, _delete, ADMINS, "Delete the users whose URIs are given"),
        read_route("/users/{user_id}", USER, _user, EVERYONE, "Read a user"),
        update_route("/users/{user_id}", USER, _user, UPDATE, _update, ADMINS, "Update a user"),
        operations_route(
            "/users/{user_id}",
            {
                "ChangePassword": Operation(
                    passwords.CHANGE, STAFF, _change_password, "Change the user's password (supervisors and admins)"
                ),
                "ResetPassword": Operation(
                    passwords.RESET, ADMINS, _reset_password, "Set a new password without the old one (admins)"
                ),
            },
            "Change or reset the user's password; without operationName, update the user (admins)",
            otherwise=_update_by_post,
            otherwise_schema=UPDATE,
        ),
        delete_route("/users/{user_id}", USER, _user, _delete, ADMINS, "Delete a user (not oneself)"),
        list_route(
            "/users/{user_id}/skills",
            USER_SKILL,
            lambda ctx: ctx.center.skills_of(_own_user(ctx)),
            EVERYONE,
            "List the skills of a user, with their levels (agents: only their own)",
        ),
        assign_route(
            "/users/{user_id}/skills",
            SKILL,
            _user,
            _assign_skill,
            ADMINS,
            "Assign skills to a user at a level (`uris` for several, `uri` or `id` for one)",
            ASSIGN,
        ),
        read_route(
            "/users/{user_id}/skills/{skill_id}",
            USER_SKILL,
            _user_skill,
            EVERYONE,
            "Read a skill of a user, with its level",
        ),
        update_route(
            "/users/{user_id}/skills/{skill_id}",
            USER_SKILL,
            _user_skill,
            CHANGE_LEVEL,
            lambda ctx, assignment, values: ctx.world.set_skill_level(_user(ctx), assignment.skill, values["level"]),
            ADMINS,
            "Change the level at which a user holds a skill",
        ),
        delete_route(
            "/users/{user_id}/skills/{skill_id}",
            USER_SKILL,
            _user_skill,
            lambda ctx, assignment: ctx.world.unassign_skill(_user(ctx), assignment.skill),
            ADMINS,
            "Unassign a skill from a user",
        ),
        list_route(
            "/users/{user_id}/devices",
            DEVICE,
            lambda ctx: ctx.center.devices_of(_own_user(ctx)),
            EVERYONE,
            "List the devices of a user (agents: only their own)",
        ),
        assign_route(
            "/users/{user_id}/devices",
            DEVICE,
            _user,
            lambda ctx, user, device, values: ctx.world.assign_device(user, device),
            ADMINS,
            "Assign devices to a user (`uris`, `uri` or `id`), or create one and assign it (`phoneNumber`...)",
            create=_create_and_assign_device,
            create_schema=CREATE_DEVICE,
        ),
        read_route("/users/{user_id}/devices/{device_id}", DEVICE, _user_device, EVERYONE, "Read a device of a user"),
        delete_route(
            "/users/{user_id}/devices/{device_id}",
            DEVICE,
            _user_device,
            lambda ctx, device: ctx.world.unassign_device(_user(ctx), device),
            ADMINS,
            "Unassign a device from a user (the device remains)",
        ),
    )
