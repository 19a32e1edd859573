"""The `ChangePassword` and `ResetPassword` operations, whose passwords travel base64-encoded, and the
notification that reports each attempt's outcome, as the reference's asynchronous operations do."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from ..core.refusals import INVALID, Refusal
from ..core.users import User
from ..notify import PASSWORD_GUIDELINES, PASSWORD_WRONG_OLD
from .keys import NOTIFIER
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


def decoded(values: dict[str, str], name: str) -> str:
    """The password a base64 attribute holds; a value that is not base64 of UTF-8 text names its field."""
    try:
        return base64.b64decode(values[name], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Failure(INVALID, f"{name} must be base64-encoded UTF-8 text") from None


def reported(ctx: Context, user: User, change: Callable[[], None]) -> None:
    """Make a password change and notify its outcome (PasswordChangeSuccessful, or PasswordChangeError
    with errorCode 2 for a wrong old password, 1 otherwise); a refusal is also the request's answer."""
    notifier = ctx.request.app[NOTIFIER]
    try:
        change()
    except Refusal as refusal:  # the contact center names the attribute at fault first
        code = PASSWORD_WRONG_OLD if refusal.message.startswith("oldPassword") else PASSWORD_GUIDELINES
        notifier.password_changed(user, (code, refusal.message), by=ctx.viewer)
        raise
    notifier.password_changed(user, None, by=ctx.viewer)
