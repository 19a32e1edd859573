"""The Bayeux server of the simulator: who may handshake and subscribe, and the channels only it publishes.

Every `/v2/...` topic belongs to the server; the simulator delivers on it to the sessions of one user,
so two agents subscribed to `/v2/me/calls` never see each other's calls.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from aiohttp import web

import bayeux

from ..api.auth import Authenticator

PATH = "/api/v2/notifications"
SERVER_CHANNELS = ("/v2/**", "/notifications/**")


class Policy(bayeux.SecurityPolicy):
    def __init__(self, authenticator: Authenticator) -> None:
        super().__init__(SERVER_CHANNELS)
        self.authenticator = authenticator

    async def authenticate(self, request: web.Request, message: dict[str, Any]) -> Hashable | None:
        user = self.authenticator.user_of(request)
        return None if user is None else user.id


def create_server(authenticator: Authenticator, options: bayeux.Options | None = None) -> bayeux.BayeuxServer:
    """The server, whose sessions of a user end when the user's credentials do (a password change, the
    user's deletion): their clients get `402::session_unknown` with `reconnect: handshake`, and a new
    handshake with the old credentials or cookie is `403::handshake_denied`."""
    server = bayeux.BayeuxServer(options, Policy(authenticator))

    def end_sessions(user_id: str) -> None:
        for session in server.sessions_of(user_id):
            server.disconnect(session, "the user's credentials changed")

    authenticator.on_ended(end_sessions)
    return server
