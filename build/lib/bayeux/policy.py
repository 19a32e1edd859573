"""The hooks an application gives the server to decide who may handshake, subscribe and publish."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import channel

if TYPE_CHECKING:
    from .session import ServerSession


class SecurityPolicy:
    """Allows everyone, except remote publishing on the channels listed in `server_channels`.

    Subclass it and override the coroutines. `authenticate` sees the HTTP request that carried the
    handshake (its `Authorization` header and cookies), so an application can accept the same
    credentials as its REST API; whatever it returns becomes `session.user`, the key that
    `BayeuxServer.deliver` uses to reach the sessions of one user.
    """

    def __init__(self, server_channels: tuple[str, ...] = ()) -> None:
        for pattern in server_channels:
            if not channel.is_valid(pattern):
                raise ValueError(f"server channel {pattern!r} is not a valid channel name or pattern")
        self.server_channels = server_channels

    async def authenticate(self, request: web.Request, message: dict[str, Any]) -> Hashable | None:
        """The user of a handshake, or None to refuse it with `403::handshake_denied`."""
        return "anonymous"

    async def can_subscribe(self, session: ServerSession, name: str, message: dict[str, Any]) -> bool:
        return True

    async def can_publish(self, session: ServerSession, name: str, message: dict[str, Any]) -> bool:
        return not self.is_server_channel(name)

    def is_server_channel(self, name: str) -> bool:
        return any(pattern in channel.matching_patterns(name) for pattern in self.server_channels)
