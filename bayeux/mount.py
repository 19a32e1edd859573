"""Mounting a server into an aiohttp application at any path."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from . import http_transport
from .server import BayeuxServer

SERVER_KEY = web.AppKey("bayeux_server", BayeuxServer)


def mount(app: web.Application, path: str, server: BayeuxServer) -> None:
    """Serve `server` at `path` and at every sub-path under it (clients append `/handshake`, `/connect`).

    The server's expiry sweeper starts and stops with the application.
    """
    path = "/" + path.strip("/")
    endpoint = partial(http_transport.handle, server)  # no coroutine of its own around every held connect
    for route in (path, path + "/{tail:.*}"):
        app.router.add_route("GET", route, endpoint)
        app.router.add_route("POST", route, endpoint)

    async def start(_: web.Application) -> None:
        await server.start()

    async def stop(_: web.Application) -> None:
        await server.stop()

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
    app[SERVER_KEY] = server
