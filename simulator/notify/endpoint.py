"""The Bayeux server of the simulator: who may handshake and subscribe, and the channels only it publishes.

Every `/v2/...` topic belongs to the server; the simulator delivers on it to the sessions of one user,
so two agents subscribed to `/v2/me/calls` never see each other's calls. Clients publish only on
`/service/**`, which reaches no other user: `/service/echo` sends the data back to the publishing session
alone, after everything queued for it before, so a client can tell that it has received all that was
caused so far. `/sim/...` channels (the console's feed of everyone's notifications) are the server's too,
and only admins may subscribe to them.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from aiohttp import web

import bayeux

from ..api.auth import Authenticator
from ..core.users import ADMIN

PATH = "/api/v2/notifications"
SERVER_CHANNELS = ("/v2/**", "/notifications/**", "/sim/**")
ECHO = "/service/echo"


class Policy(bayeux.SecurityPolicy):
    def __init__(self, authenticator: Authenticator) -> None:
        super().__init__(SERVER_CHANNELS)
        self.authenticator = authenticator

    async def authenticate(self, request: web.Request, message: dict[str, Any]) -> Hashable | None:
        return await self.identify(request)

    async def identify(self, request: web.Request) -> Hashable | None:
        user = self.authenticator.user_of(request)
        return None if user is None else user.id

    async def can_subscribe(self, session: bayeux.ServerSession, name: str, message: dict[str, Any]) -> bool:
        """The simulator's own channels (`/sim/...`, the console's feed of every user's notifications) are
        for admins only; everything else is open, since `/v2/...` is delivered per user anyway."""
        if not name.startswith("/sim/"):
            return True
        user = self.authenticator.center.users.get(session.user) if isinstance(session.user, str) else None
        return user is not None and user.has_role(ADMIN)


def create_server(authenticator: Authenticator, options: bayeux.Options | None = None) -> bayeux.BayeuxServer:
    """The server, whose sessions of a user end when the user's credentials do (a password change, the
    user's deletion): their clients get `402::session_unknown` with `reconnect: handshake`, and a new
    handshake with the old credentials or cookie is `403::handshake_denied`. What a client publishes on
    `/service/echo` comes back to its session alone."""
    server = bayeux.BayeuxServer(options, Policy(authenticator))

    def end_sessions(user_id: str) -> None:
        for session in server.sessions_of(user_id):
            server.disconnect(session, "the user's credentials changed")

    def echo(session: bayeux.ServerSession, message: dict[str, Any]) -> None:
        server.deliver_to(session, ECHO, message["data"])

    authenticator.on_ended(end_sessions)
    server.on_publish(ECHO, echo)
    return server
