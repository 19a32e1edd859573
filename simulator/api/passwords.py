"""The `ChangePassword` and `ResetPassword` operations, whose passwords travel base64-encoded, and the
notification that reports each attempt's outcome, as the reference's asynchronous operations do."""

from __future__ import annotations

import base64

from ..core.refusals import FORBIDDEN, INVALID
from ..core.users import User
from .keys import AUTH
from .resources import Context
from .responses import Failure
from .validation import Field, Schema

CHANGE = Schema(
    "ChangePassword",
    (
        Field("oldPassword", required=True, description="The current password, base64-encoded"),
        Field("newPassword", required=True, description="The new password, base64-encoded"),
    ),
)
RESET = Schema("ResetPassword", (Field("newPassword", required=True, description="The new password, base64-encoded"),))


ME = "/api/v2/me"


def first_login_refusal(user: User, method: str | None = None, path: str = ME) -> Failure | None:
    """`changePasswordOnFirstLogin` enforced: until such a user has changed their password they may only
    read `/me` and post `ChangePassword` on it (checked for every request here, and for the operations
    posted on /me by each of them with no `method`)."""
    if not user.changePasswordOnFirstLogin:
        return None
    if method in ("GET", "POST") and path.rstrip("/") == ME:
        return None
    return Failure(
        FORBIDDEN,
        f"{user.userName} must change their password first (changePasswordOnFirstLogin): "
        f"POST {ME}?firstLogin=true with operationName ChangePassword",
    )


def decoded(values: dict[str, str], name: str) -> str:
    """The password a base64 attribute holds; a value that is not base64 of UTF-8 text names its field."""
    try:
        return base64.b64decode(values[name], validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):  # binascii.Error, or text that is not ASCII at all
        raise Failure(INVALID, f"{name} must be base64-encoded UTF-8 text") from None


def change(ctx: Context, user: User, old_password: str | None, new_password: str) -> None:
    """Change (with the old password) or reset a password through the World, which reports the outcome;
    a refusal is also the request's answer. A change ends the user's HTTP sessions, and their CometD
    sessions unless they changed their own (their desktop is told on /v2/me, as the reference says)."""
    ctx.world.change_password(user, ctx.viewer, old_password, new_password)
    ctx.request.app[AUTH].end_sessions(user.id, own_change=user.id == ctx.viewer.id)
