"""The hooks an application gives the server to decide who may handshake, subscribe and publish."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import channel

if TYPE_CHECKING:
    from .session import ServerSession


class SecurityPolicy:
    """Allows everyone to handshake and subscribe, and to publish on `publish_channels` only.

    Subclass it and override the coroutines. `authenticate` sees the HTTP request that carried the
    handshake (its `Authorization` header and cookies), so an application can accept the same
    credentials as its REST API; whatever it returns becomes `session.user`, the key that
    `BayeuxServer.deliver` uses to reach the sessions of one user.

    `identify` is asked for every later request (every websocket frame) that names a session: the
    session is used only when it answers the session's user, so a clientId alone never speaks for a
    session. By default it authenticates the request again; override it when that can be cheaper.
    """

    def __init__(
        self, server_channels: tuple[str, ...] = (), publish_channels: tuple[str, ...] = ("/service/**",)
    ) -> None:
        for pattern in (*server_channels, *publish_channels):
            if not channel.is_valid(pattern):
                raise ValueError(f"channel {pattern!r} is not a valid channel name or pattern")
        self.server_channels = server_channels
        self.publish_channels = publish_channels

    async def authenticate(self, request: web.Request, message: dict[str, Any]) -> Hashable | None:
        """The user of a handshake, or None to refuse it with `403::handshake_denied`."""
        return "anonymous"

    async def identify(self, request: web.Request) -> Hashable | None:
        """The user a later request speaks for, or None: compared with the user of the session it names."""
        return await self.authenticate(request, {})

    async def can_subscribe(self, session: ServerSession, name: str, message: dict[str, Any]) -> bool:
        return True

    async def can_publish(self, session: ServerSession, name: str, message: dict[str, Any]) -> bool:
        patterns = channel.matching_patterns(name)
        return not self.is_server_channel(name) and any(p in patterns for p in self.publish_channels)

    def is_server_channel(self, name: str) -> bool:
        return any(pattern in channel.matching_patterns(name) for pattern in self.server_channels)
