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
    return bayeux.BayeuxServer(options, Policy(authenticator))
