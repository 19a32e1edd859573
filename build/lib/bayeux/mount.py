"""Mounting a server into an aiohttp application at any path."""

from __future__ import annotations

from aiohttp import web

from . import http_transport, websocket_transport
from .server import BayeuxServer

SERVER_KEY = web.AppKey("bayeux_server", BayeuxServer)


def mount(app: web.Application, path: str, server: BayeuxServer) -> None:
    """Serve `server` at `path` and at every sub-path under it (clients append `/handshake`, `/connect`).

    The server's expiry sweeper starts and stops with the application.
    """
    path = "/" + path.strip("/")

    async def endpoint(request: web.Request) -> web.StreamResponse:
        if request.method == "GET" and _is_upgrade(request):
            return await websocket_transport.handle(server, request)
        return await http_transport.handle(server, request)

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


def _is_upgrade(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"
