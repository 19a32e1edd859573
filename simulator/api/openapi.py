"""The OpenAPI 3 document of the REST API, built from the same route table that serves it.

Because each route is declared once, as data, the document cannot drift from the routes; a test checks
the other direction too (no route registered outside the table).
"""

from __future__ import annotations

import re
from typing import Any

from . import bounds
from .resources import API, QUERY_OPTIONS, Kind, Route, RouteTable

_STATUS = {
    "type": "integer",
    "enum": [0, 1, 2, 3, 4, 5, 6, 7],
    "description": "0 ok, 1 missing parameter, 2 invalid parameter, 3 forbidden, 4 internal error, "
    "5 no permission, 6 not found, 7 partial success",
}
DESCRIPTION = (
    "A simulator of a contact center's Web Services API v2. Every answer carries statusCode (0 ok, 1 missing "
    "parameter, 2 invalid parameter, 3 forbidden, 4 internal error, 5 no permission, 6 not found, 7 partial "
    "success); errors add statusMessage and nothing else. Lists answer uris unless fields, subresources or "
    "resolveUri asks for objects; other query parameters filter on the field of their name. x-roles names the "
    "roles that may call an operation, x-feature the contact-center feature it needs (any one of a list)."
)
CONTROL_TAG = "simulator control"
CONTROL_DESCRIPTION = (
    "The simulator's own control API under /sim, not part of the reference API: external callers, the "
    "clock, reset and debugging views. Admin users only."
)
_QUERY_HELP = {
    "fields": "`*` for every field, or a comma-separated list; lists answer objects instead of URIs",
    "subresources": "`*` or a comma-separated list of subresources to include",
    "resolveUri": "`*` or a comma-separated list of URI fields to expand into objects",
}


def document(table: RouteTable) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in table.routes:
        paths.setdefault(route.full_path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "gws-simulator: Web Services API v2",
            "version": "2",
            "description": DESCRIPTION,
        },
        "security": [{"basic": []}],
        "tags": [{"name": CONTROL_TAG, "description": CONTROL_DESCRIPTION}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "basic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "or the JSESSIONID cookie an authenticated request returned",
                },
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["statusCode", "statusMessage"],
                    "properties": {"statusCode": _STATUS, "statusMessage": {"type": "string"}},
                    "additionalProperties": False,
                },
                "Status": {"type": "object", "required": ["statusCode"], "properties": {"statusCode": _STATUS}},
                "Created": {
                    "type": "object",
                    "required": ["statusCode", "id", "uri"],
                    "properties": {
                        "statusCode": _STATUS,
                        "id": {"type": "string"},
                        "uri": {"type": "string", "format": "uri"},
                    },
                },
                "Bulk": {
                    "type": "object",
                    "required": ["statusCode"],
                    "properties": {
                        "statusCode": _STATUS,
                        "succeeded": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "uri"],
                                "properties": {"id": {"type": "string"}, "uri": {"type": "string", "format": "uri"}},
                            },
                        },
                        "failed": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["statusCode", "statusMessage"],
                                "properties": {"statusCode": _STATUS, "statusMessage": {"type": "string"}},
                                "additionalProperties": True,
                            },
                        },
                    },
                },
                "Settings": {
                    "type": "object",
                    "required": ["statusCode", "settings"],
                    "properties": {"statusCode": _STATUS, "key": {"type": "string"}, "settings": {}},
                },
            },
        },
    }


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": route.summary,
        "operationId": f"{route.method.lower()}{_camel(route.full_path.removeprefix(API))}",
        "x-roles": sorted(route.roles),
        "responses": {
            "200": {
                "description": "statusCode 0 (7 for a bulk request that partly succeeded)",
                "content": {"application/json": {"schema": _answer(route)}},
            },
            **{
                status: {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
                for status, text in (
                    ("400", "statusCode 1 (missing) or 2 (invalid), naming the field"),
                    ("401", "statusCode 3: no valid credentials"),
                    ("403", "statusCode 5 (no permission) or 3 (forbidden)"),
                    ("404", "statusCode 6: no such object"),
                    ("413", "statusCode 2: the body (or an attachment) is over its size limit"),
                    ("429", "statusCode 3: too many wrong passwords; Retry-After says when to try again"),
                    ("500", "statusCode 4: an internal error of the simulator"),
                )
            },
        },
    }
    if route.features:  # the route exists while any one of them is enabled
        operation["x-feature"] = route.features[0] if len(route.features) == 1 else list(route.features)
    if route.base == "/sim":
        operation["tags"] = [CONTROL_TAG]
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": bounds.MAX_PATH_ID},
        }
        for name in re.findall(r"{(\w+)}", route.path)
    ]
    if route.kind is not None and route.answer in ("list", "item"):
        for name in QUERY_OPTIONS[:3]:
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "schema": _option(route.kind, name),
                    "description": _QUERY_HELP[name],
                }
            )
    if route.filters and route.kind is not None:
        for name in route.kind.fields:
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "maxLength": bounds.MAX_QUERY_VALUE},
                    "description": f"keep only {route.kind.plural} whose {name} equals this (case-insensitive)",
                }
            )
    if parameters:
        operation["parameters"] = parameters
    body = _request_body(route)
    if body is not None and route.media_type == "multipart/form-data":
        for field in body.get("properties", {}).values():  # every part of an upload is a file
            field.update({"type": "string", "format": "binary"})
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {route.media_type: {"schema": body}}}
    return operation


def _request_body(route: Route) -> dict[str, Any] | None:
    if not route.reads_body:
        return None
    if route.operations:
        variants = []
        for name, schema in route.operations.items():
            variant = schema.openapi()
            variant["properties"] = {"operationName": {"type": "string", "enum": [name]}, **variant["properties"]}
            variant["required"] = ["operationName", *variant.get("required", [])]
            variants.append(variant)
        if route.body is not None:
            variants.append(route.body.openapi(partial=True))
        return {"oneOf": variants}
    if route.answer == "created" and route.kind is not None and route.body is not None:
        return _one_or_many(route.kind.plural, route.body.openapi())
    if route.answer == "updated" and route.kind is not None and route.body is not None:
        single = route.body.openapi(partial=True)
        single["properties"] = {"id": {"type": "string", "minLength": 1}, **single.get("properties", {})}
        single["required"] = ["id"]
        return _one_or_many(route.kind.plural, single)
    if route.answer == "bulk" and route.method == "DELETE":
        return {
            "type": "object",
            "required": ["uris"],
            "properties": {"uris": _items(_uri(route.kind))},
            "additionalProperties": False,
        }
    if route.answer == "bulk":
        return _assignment(route)
    if route.body is not None:
        return route.body.openapi(partial=route.method == "PUT")
    if route.method in ("POST", "PUT") or (
        route.method == "DELETE" and route.answer == "status" and route.kind is None
    ):
        return dict(_ANY_BODY)
    return None


_ANY_BODY = {"type": "object", "additionalProperties": True}


def _uri(kind: Kind | None) -> dict[str, Any]:
    """A URI of an object of `kind`, as the bulk and assignment bodies name them."""
    collection = re.escape(API + (kind.collection if kind is not None else ""))
    return {"type": "string", "pattern": rf"^(?:https?://[^/?#\s]+)?{collection}/[^/?#\s]+$", "maxLength": 1024}


def _items(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item, "minItems": 1, "maxItems": bounds.MAX_MEMBERS}


def _assignment(route: Route) -> dict[str, Any]:
    """`{"uris": [...]}`, `{"uri": ...}` or `{"id": ...}` with the options, or (a hybrid route) the fields of
    a new object."""
    options = route.body.openapi(partial=True)["properties"] if route.body is not None else {}
    variants = []
    uri = _uri(route.kind)
    for name, schema in (("uris", _items(uri)), ("uri", uri), ("id", {"type": "string", "minLength": 1})):
        variants.append(
            {
                "type": "object",
                "required": [name],
                "properties": {name: schema, **options},
                "additionalProperties": False,
            }
        )
    if route.creates is not None:
        variants.append(route.creates.openapi())
    return {"oneOf": variants}


def _option(kind: Kind, option: str) -> dict[str, Any]:
    """`fields`, `subresources` or `resolveUri`: a comma-separated list of names, not blank; the last two
    only of the names the kind has."""
    if option == "fields":
        return {"type": "string", "pattern": r"[^,\s]", "maxLength": bounds.MAX_QUERY_VALUE}
    names = ["\\*", *map(re.escape, kind.subresources if option == "subresources" else ["true", *kind.links])]
    name = "(?:" + "|".join(names) + ")"
    return {"type": "string", "pattern": rf"^[\s,]*{name}(?:\s*,[\s,]*{name})*[\s,]*$"}


def _answer(route: Route) -> dict[str, Any]:
    kind = route.kind
    if route.answer == "list" and kind is not None:
        item = _object(kind.fields)
        return {
            "type": "object",
            "required": ["statusCode"],
            "properties": {
                "statusCode": _STATUS,
                "uris": {"type": "array", "items": {"type": "string", "format": "uri"}},
                kind.plural: {"type": "array", "items": item},
            },
        }
    if route.answer == "item" and kind is not None:
        return {
            "type": "object",
            "required": ["statusCode", kind.singular],
            "properties": {"statusCode": _STATUS, kind.singular: _object(kind.fields)},
        }
    if route.answer == "created" and route.kind is not None:  # one object, or several under the plural name
        return {"anyOf": [{"$ref": "#/components/schemas/Created"}, {"$ref": "#/components/schemas/Bulk"}]}
    reference = {"created": "Created", "bulk": "Bulk", "updated": "Bulk", "settings": "Settings"}.get(
        route.answer, "Status"
    )
    if route.answer == "document":
        return {"type": "object"}
    return {"$ref": f"#/components/schemas/{reference}"}


def _one_or_many(plural: str, single: dict[str, Any]) -> dict[str, Any]:
    """A body of one object, or of several under the resource's plural name (as bulk creates and updates take)."""
    bulk = {
        "type": "object",
        "required": [plural],
        "properties": {plural: _items(single)},
        "additionalProperties": False,
    }
    return {"oneOf": [single, bulk]}


def _object(fields: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "object", "properties": {name: {} for name in fields}, "additionalProperties": True}


def _camel(path: str) -> str:
    words = re.split(r"[/{}_-]+", path)
    return "".join(word[:1].upper() + word[1:] for word in words if word) or "Root"
