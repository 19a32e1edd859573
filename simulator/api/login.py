"""What desktops written for real servers read at login and on a call, beyond the reference's `/me`:
the `/me` subresources `features`, `settings`, `calls`, `interactions` and `chats`,
`GET /diagnostics/version`, and `GET /devices/{id}/settings/tserver`, the DN's T-Server settings.

`/me?subresources=*` brings them all. The T-Server settings come from the contact-center file's
`telephony.tserver` mapping, over defaults that describe the simulated switch.
"""

from __future__ import annotations

from typing import Any

from ..core.media.interaction import CHAT
from ..core.numbering import SWITCH
from ..core.profiles import PROFILES
from ..core.refusals import NO_PERMISSION
from ..core.settings import AGENT_STATES, GENERAL, REPORTING
from ..core.users import User
from . import calls, interactions
from .devices import DEVICE
from .keys import AUTH
from .resources import EVERYONE, Context, Query, RouteTable, render
from .responses import Failure, ok
from .route_factories import custom_route
from .system import FEATURE

# The settings groups every user may read at login (user-defined groups are read one by one).
LOGIN_SETTINGS = (GENERAL, REPORTING, AGENT_STATES)


def tserver_settings(ctx: Context) -> dict[str, str]:
    """The switch settings of every DN: the file's `telephony.tserver` over these defaults."""
    voice = ctx.center.voice_options
    timeout = voice.no_answer_timeout
    defaults = {
        "switchName": SWITCH,
        "tserverName": next((s.name for s in ctx.center.services.values() if s.type == "Voice"), "SIPS1"),
        "dnType": "Extension",
        "no-answer-timeout": "0" if timeout is None else str(int(timeout)),
        "no-answer-action": "none",
        "wrap-up-time": str(int(voice.wrap_up_seconds or 0)),
        "use-data-from": "current",
        "agent-logout-on-unregister": "false",
    }
    return {**defaults, **ctx.center.tserver}


def _features(ctx: Context, user: User) -> list[dict[str, Any]]:
    return [render(ctx, FEATURE, feature, Query(fields=("*",))) for feature in ctx.center.features()]


def _settings(ctx: Context, user: User) -> dict[str, list[dict[str, Any]]]:
    return {name: ctx.center.settings_of(name) for name in LOGIN_SETTINGS}


def _calls(ctx: Context, user: User) -> list[dict[str, Any]]:
    return [render(ctx, calls.CALL, call, Query(fields=("*",))) for call in calls.my_calls(ctx)]


def _interactions(ctx: Context, user: User) -> list[dict[str, Any]]:
    return [render(ctx, interactions.INTERACTION, one, Query(fields=("*",))) for one in interactions.mine(ctx)]


def _chats(ctx: Context, user: User) -> list[dict[str, Any]]:
    return [doc for doc in _interactions(ctx, user) if doc.get("channel") == CHAT]


SUBRESOURCES = {
    "features": _features,
    "settings": _settings,
    "calls": _calls,
    "interactions": _interactions,
    "chats": _chats,
}


async def _version(ctx: Context):
    return ok(version=PROFILES[ctx.request.app[AUTH].site.profile].version)


async def _tserver(ctx: Context):
    device = ctx.center.device(ctx.arg("device_id"))
    if not DEVICE.may_read(ctx, device):
        raise Failure(NO_PERMISSION, f"{ctx.viewer.userName} may not read the settings of device {device.id!r}")
    return ok(settings={**tserver_settings(ctx), "phoneNumber": device.phoneNumber})


def add_routes(table: RouteTable) -> None:
    table.add(
        custom_route(
            "GET", "/diagnostics/version", _version, EVERYONE, "The server's version (not part of the reference)",
            "document",
        ),
        custom_route(
            "GET", "/devices/{device_id}/settings/tserver", _tserver, EVERYONE,
            "The T-Server settings of a device's DN (its owner, supervisors, admins; not part of the reference)",
            "document",
        ),
    )  # fmt: skip
