"""The aiohttp application: REST API and Bayeux endpoint over one contact center, composed in one place."""

from __future__ import annotations

from aiohttp import web

import bayeux

from . import notifications
from .api import me
from .api.auth import Authenticator
from .api.keys import AUTH, CENTER
from .core.contact_center import ContactCenter


def create_app(center: ContactCenter, bayeux_options: bayeux.Options | None = None) -> web.Application:
    app = web.Application()
    authenticator = Authenticator(center)
    app[CENTER] = center
    app[AUTH] = authenticator
    bayeux.mount(app, notifications.PATH, notifications.create_server(authenticator, bayeux_options))
    app.router.add_get("/api/v2/me", me.get_me)
    return app
