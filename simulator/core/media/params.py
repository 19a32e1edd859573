"""Reading the parameters of multimedia operations: each problem a `Refusal` naming the field, raised
before anything changes (statusCode 1 for a missing value, 2 for a wrong one)."""

from __future__ import annotations

from typing import Any

from ..contact_center import ContactCenter
from ..queues import Queue
from ..refusals import INVALID, MISSING, Refusal
from ..skills import Skill
from ..users import AGENT, User
from .interaction import Handling


def refused(operation: str, handling: Handling) -> Refusal:
    """An operation the handling's state does not offer: statusCode 2, naming the capabilities it has."""
    capabilities = ", ".join(handling.capabilities) or "none"
    return Refusal(
        INVALID,
        f"operationName: {operation} is not valid for interaction {handling.interaction.id} in state "
        f"{handling.state} (capabilities: {capabilities})",
    )


def text(params: dict[str, Any], name: str, *, required: bool = False, empty: bool = True) -> str | None:
    value = params.get(name)
    if value is None:
        if required:
            raise Refusal(MISSING, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise Refusal(INVALID, f"{name} must be a string")
    if not empty and not value.strip():
        raise Refusal(MISSING if required else INVALID, f"{name} must not be empty")
    return value


def queue_ref(queue: Any) -> str | None:
    if queue is not None and not isinstance(queue, str):
        raise Refusal(INVALID, "queue must be a queue's name or id")
    return queue


def queue(center: ContactCenter, channel: str, reference: str | None, name: str) -> Queue:
    """A queue of `channel` by name or id; the channel's first queue when none is named."""
    queues = [queue for queue in center.queues.values() if queue.channel == channel]
    if reference is None:
        if not queues:
            raise Refusal(INVALID, f"{name}: the contact center has no {channel} queue")
        return queues[0]
    for candidate in queues:
        if reference in (candidate.name, candidate.id):
            return candidate
    known = ", ".join(queue.name for queue in queues) or "none"
    raise Refusal(INVALID, f"{name}: {reference!r} is not a {channel} queue ({known})")


def skill(center: ContactCenter, params: dict[str, Any], name: str) -> Skill:
    """A skill by name or id."""
    reference = text(params, name, required=True, empty=False) or ""
    found = center.skills.get(reference) or center.skill_named(reference)
    if found is None:
        known = ", ".join(skill.name for skill in center.skills.values()) or "none"
        raise Refusal(INVALID, f"{name}: {reference!r} is not a skill ({known})")
    return found


def agent(center: ContactCenter, handling: Handling, params: dict[str, Any], name: str) -> User:
    """The agent (id or user name) a transfer or invitation names: one not yet on the interaction, with
    its channel."""
    reference = text(params, name, required=True, empty=False)
    user = center.users.get(reference or "") or center.user_named(reference or "")
    channel = handling.interaction.channel
    if user is None or not user.has_role(AGENT):
        raise Refusal(INVALID, f"{name}: {reference!r} is not an agent")
    if user.id == handling.user_id or handling.interaction.handling_of(user.id) is not None:
        raise Refusal(INVALID, f"{name}: {user.userName} is already on interaction {handling.interaction.id}")
    if channel not in user.channels:
        raise Refusal(INVALID, f"{name}: {user.userName} has no {channel} channel")
    return user


def user_data(params: dict[str, Any]) -> dict[str, Any]:
    data = params.get("userData")
    if data is None:
        raise Refusal(MISSING, "userData is required: a JSON object of key-value pairs")
    if not isinstance(data, dict):
        raise Refusal(INVALID, "userData must be a JSON object of key-value pairs")
    return data


def optional_user_data(data: Any) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Refusal(INVALID, "userData must be a JSON object of key-value pairs")
    return dict(data)
