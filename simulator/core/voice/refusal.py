"""The voice core's refusals: the core's one `Refusal`, made the voice core's way.

A refusal is raised before anything changes, so the caller can answer `{"statusCode": code,
"statusMessage": message}` and the engine is exactly as it was.
"""

from __future__ import annotations

from ..params import bad_parameter
from ..refusals import FORBIDDEN, INVALID, NO_PERMISSION, NOT_FOUND, Refusal

__all__ = [
    "FORBIDDEN",
    "INVALID",
    "NOT_FOUND",
    "NO_PERMISSION",
    "Refusal",
    "bad_parameter",
]


def invalid_state(what: str, state: str) -> Refusal:
    return Refusal(INVALID, f"{what} is not valid in state {state}", state=state)


def not_found(what: str) -> Refusal:
    return Refusal(NOT_FOUND, f"{what} not found")


def no_permission(what: str) -> Refusal:
    return Refusal(NO_PERMISSION, f"no permission: {what}")
