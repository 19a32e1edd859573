"""The one exception the voice core raises: an operation refused, with the reference's statusCode.

A refusal is raised before anything changes, so the caller can answer `{"statusCode": code,
"statusMessage": message}` and the engine is exactly as it was. `field` names the parameter at fault
(statusCode 1) and `state` the state that forbids the operation (statusCode 2), for clients and tests.
"""

from __future__ import annotations

MISSING_OR_INVALID = 1
INVALID_STATE = 2
FORBIDDEN = 3
NO_PERMISSION = 5
NOT_FOUND = 6


class VoiceRefusal(Exception):
    """An operation the voice core will not perform; `code` is the reference statusCode."""

    def __init__(self, code: int, message: str, *, field: str | None = None, state: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.state = state

    def __repr__(self) -> str:
        return f"VoiceRefusal({self.code}, {self.message!r})"


def bad_parameter(field: str, problem: str) -> VoiceRefusal:
    return VoiceRefusal(MISSING_OR_INVALID, f"{field}: {problem}", field=field)


def invalid_state(what: str, state: str) -> VoiceRefusal:
    return VoiceRefusal(INVALID_STATE, f"{what} is not valid in state {state}", state=state)


def not_found(what: str) -> VoiceRefusal:
    return VoiceRefusal(NOT_FOUND, f"{what} not found")


def no_permission(what: str) -> VoiceRefusal:
    return VoiceRefusal(NO_PERMISSION, f"no permission: {what}")
