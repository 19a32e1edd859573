"""The OpenAPI document the simulator serves describes exactly the routes it has."""

from __future__ import annotations

import re

import pytest
from rest_client import ADMIN

NOT_REST = ("/api/v2/notifications",)  # the CometD endpoint, not part of the REST description


def registered_routes(app) -> set[tuple[str, str]]:
    """The routes of the app; each also answers with a trailing slash, which the document does not repeat."""
    routes = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        ours = path.startswith(("/api/v2", "/api/v1/stats", "/sim"))
        if ours and not path.startswith(NOT_REST) and route.method != "HEAD":
            routes.add((route.method, path.removesuffix("/")))
    return routes


async def test_every_route_is_documented_and_every_documented_route_exists(rest, live_server):
    reply = await rest(ADMIN).get("/openapi.json")
    assert reply.status == 200
    document = reply.body
    assert document["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    registered = registered_routes(live_server.app)
    assert registered - documented == set(), "routes missing from the OpenAPI document"
    assert documented - registered == set(), "documented paths that are not routes"
    assert len(registered) > 60


async def test_each_operation_says_who_may_call_it_and_what_it_takes(rest):
    document = (await rest(ADMIN).get("/openapi.json")).body
    ids = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["summary"], (method, path)
            assert set(operation["x-roles"]) <= {"ROLE_AGENT", "ROLE_SUPERVISOR", "ROLE_ADMIN"}
            assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert names == set(re.findall(r"{(\w+)}", path)), (method, path)
            assert operation["operationId"] not in ids
            ids.add(operation["operationId"])
    users = document["paths"]["/api/v2/users"]
    assert users["post"]["x-roles"] == ["ROLE_ADMIN"]
    single = users["post"]["requestBody"]["content"]["application/json"]["schema"]["oneOf"][0]
    assert set(single["required"]) == {"userName", "password"}
    filters = {p["name"] for p in users["get"]["parameters"]}
    assert {"fields", "subresources", "resolveUri", "userName", "roles"} <= filters
    operations = document["paths"]["/api/v2/users/{user_id}"]["post"]["requestBody"]["content"]["application/json"]
    names = {
        variant["properties"].get("operationName", {}).get("enum", [None])[0]
        for variant in operations["schema"]["oneOf"]
    }
    assert {"ChangePassword", "ResetPassword"} <= names


async def test_the_document_is_valid_openapi(rest):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate((await rest(ADMIN).get("/openapi.json")).body)
