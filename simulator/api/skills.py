"""`/skills`, and the skills a user holds with their level (`/users/{id}/skills`, `/me/skills`)."""

from __future__ import annotations

from typing import Any

from ..core.refusals import NOT_FOUND, Refusal
from ..core.skills import MAX_LEVEL, Skill
from .resources import ADMINS, STAFF, Context, Kind, RouteTable, register
from .route_factories import bulk_delete_route, create_route, delete_route, list_route, read_route, update_route
from .validation import Field, Schema

SKILL = register(
    Kind(
        "skill",
        "skills",
        "skill",
        "/skills",
        document=lambda center, skill: skill.document(),
        find=lambda center, skill_id: center.skill(skill_id),
        fields=("id", "name", "description", "level"),
        readable=lambda ctx, skill: ctx.is_staff,  # agents read their own through /me/skills
    )
)


def _no_lookup(center: Any, key: str) -> Any:
    """A user's skill is reached through its user, never by id alone."""
    raise Refusal(NOT_FOUND, f"skill {key!r} must be read through /users/{{id}}/skills or /me/skills")


USER_SKILL = register(
    Kind(
        "userSkill",
        "skills",
        "skill",
        "/skills",
        document=lambda center, assignment: assignment.document(),
        find=_no_lookup,
        fields=("id", "name", "description", "level"),
        path_of=lambda assignment: f"/users/{assignment.user_id}/skills/{assignment.skill.id}",
        identity="skill",
    )
)

LEVEL = Field(
    "level",
    "integer",
    minimum=0,
    maximum=MAX_LEVEL,
    description="How well the user masters the skill; routing prefers higher levels",
)
CREATE = Schema(
    "skill",
    (
        Field("name", required=True, description="The name of the skill, unique in the contact center"),
        Field("description", description="A detailed description"),
    ),
)
UPDATE = Schema("skill", CREATE.fields, read_only=("id", "level"))
ASSIGN = Schema("skill assignment", (LEVEL,))
CHANGE_LEVEL = Schema("skill assignment", (Field("level", "integer", required=True, minimum=0, maximum=MAX_LEVEL),))


def _skill(ctx: Context) -> Skill:
    return ctx.center.skill(ctx.arg("skill_id"))


def add_routes(table: RouteTable) -> None:
    table.add(
        list_route("/skills", SKILL, lambda ctx: ctx.center.skills.values(), STAFF, "List the skills"),
        create_route(
            "/skills",
            SKILL,
            CREATE,
            lambda ctx, values: ctx.world.add_skill(**values),
            ADMINS,
            "Create a skill, or several under `skills`",
        ),
        bulk_delete_route(
            "/skills",
            SKILL,
            lambda ctx, skill: ctx.world.remove_skill(skill),
            ADMINS,
            "Delete the skills whose URIs are given",
        ),
        read_route("/skills/{skill_id}", SKILL, _skill, STAFF, "Read a skill"),
        update_route(
            "/skills/{skill_id}",
            SKILL,
            _skill,
            UPDATE,
            lambda ctx, skill, values: ctx.world.update_skill(skill, values),
            ADMINS,
            "Rename a skill or change its description",
        ),
        delete_route(
            "/skills/{skill_id}",
            SKILL,
            _skill,
            lambda ctx, skill: ctx.world.remove_skill(skill),
            ADMINS,
            "Delete a skill (refused while a queue uses it); users lose it",
        ),
    )
