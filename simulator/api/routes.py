"""Every route of the REST API, gathered in one table and installed on the application."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

from ..statistics import api as statistics_api
from . import (
    calls,
    contacts,
    control,
    devices,
    interactions,
    login,
    me,
    media_control,
    numbers,
    openapi,
    queues,
    recordings,
    settings,
    skills,
    system,
    users,
    workbins,
)
from .features import gate
from .resources import EVERYONE, Context, Route, RouteTable
from .responses import json_response
from .route_factories import custom_route


def route_table() -> RouteTable:
    table = RouteTable()
    modules = (
        me, calls, interactions, workbins, users, skills, devices, queues, recordings, contacts, settings, system,
        numbers, login,
    )  # fmt: skip
    for module in (*modules, statistics_api, control, media_control):
        module.add_routes(table)

    async def serve_openapi(ctx: Context) -> web.Response:
        return json_response(200, openapi.document(table))

    table.add(
        custom_route(
            "GET",
            "/openapi.json",
            serve_openapi,
            EVERYONE,
            "This OpenAPI document (not part of the reference API)",
            "document",
        )
    )
    table.routes = [gate(route) for route in table.routes]
    return table


def install(app: web.Application, extra: Iterable[Route] = ()) -> RouteTable:
    """Every route, and the `extra` ones of modules outside the API (in the OpenAPI document too), each
    also with a trailing slash (`/api/v2/me/`), which real servers accept.

    Every method of a path is one resource of the router: it tries the resources that share a path's
    prefix one after another, so one resource per method made each request try several before its own."""
    table = route_table()
    table.add(*extra)
    by_path: dict[str, list[Route]] = {}
    for route in table.routes:
        by_path.setdefault(route.full_path, []).append(route)
    for path, routes in by_path.items():
        for spelling in (path, path + "/"):
            resource = app.router.add_resource(spelling)
            for route in routes:
                resource.add_route(route.method, route.handler)
    return table
