"""The aiohttp application: REST API and Bayeux endpoint over one contact center, composed in one place."""

from __future__ import annotations

from aiohttp import web

import bayeux

from . import notifications
from .api import routes
from .api.auth import Authenticator
from .api.keys import AUTH, CENTER
from .api.middleware import api_middleware
from .core.contact_center import ContactCenter


def create_app(center: ContactCenter, bayeux_options: bayeux.Options | None = None) -> web.Application:
    authenticator = Authenticator(center)
    app = web.Application(middlewares=[api_middleware(authenticator, excluded=(notifications.PATH,))])
    app[CENTER] = center
    app[AUTH] = authenticator
    bayeux.mount(app, notifications.PATH, notifications.create_server(authenticator, bayeux_options))
    routes.install(app)
    return app
