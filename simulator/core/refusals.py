"""Why the contact center refuses a change, as a reference statusCode and a message naming the culprit.

The core raises these before touching anything, so a refused change leaves the contact center as it was;
the REST layer turns them into responses without knowing the rule that was broken.
"""

from __future__ import annotations

MISSING = 1
INVALID = 2
FORBIDDEN = 3
INTERNAL = 4
NO_PERMISSION = 5
NOT_FOUND = 6
PARTIAL = 7


class Refusal(Exception):
    """A change, operation or lookup the contact center will not make; `code` is the reference statusCode.

    The one refusal of every part of the core (provisioning, voice, media): `field` names the parameter
    at fault (statusCode 1) and `state` the state that forbids an operation (statusCode 2), for clients,
    for the World (which plans an operation across channels by them) and for tests.
    """

    def __init__(self, code: int, message: str, *, field: str | None = None, state: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.state = state

    def __repr__(self) -> str:
        return f"Refusal({self.code}, {self.message!r})"


def not_found(what: str, key: str | None) -> Refusal:
    return Refusal(NOT_FOUND, f"{what} {key!r} does not exist")


def exists(what: str, field: str, value: str) -> Refusal:
    """The reference answers a duplicate with 3: "Operation forbidden, username already exists"."""
    return Refusal(FORBIDDEN, f"Operation forbidden, {what} with {field} {value!r} already exists")
