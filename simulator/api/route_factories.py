"""The route factories: every resource's routes made one way, so every resource behaves the same.

`resources` holds what a route and a resource are (`Kind`, `Route`, `Context`, the query and document
rules); this module makes the routes of the conventions `resources` describes: list, read, create,
update, delete, bulk delete, assign and unassign, operations, and custom routes, each wrapped by
`_guarded`, which checks roles and turns refusals into the reference's answers (features are
checked by `features`, for every route alike).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from aiohttp import web

from ..core.refusals import INVALID, MISSING, NO_PERMISSION, Refusal
from . import bounds
from .features import operation_enabled
from .resources import (
    API,
    EVERYONE,
    Context,
    Kind,
    Route,
    listing,
    parse_query,
    readable,
    render,
)
from .responses import HTTP_STATUS, Failure, json_response, ok, partial
from .validation import Schema, read_body

Items = Callable[[Context], Iterable[Any]]
Lookup = Callable[[Context], Any]


def _guarded(
    roles: frozenset[str],
    method: str,
    path: str,
    run: Callable[[Context], Awaitable[web.Response]],
    base: str = API,
):
    needed = tuple(roles)  # a tuple is passed on as it is; a frozenset would be copied into one every call

    async def handler(request: web.Request) -> web.Response:
        ctx = Context.of(request)
        bounds.check_request(request.query, request.match_info)
        if not ctx.viewer.has_role(*needed):
            raise Failure(
                NO_PERMISSION,
                f"{ctx.viewer.userName} may not {method} {base}{path}: it requires {' or '.join(sorted(roles))}",
            )
        return await run(ctx)

    handler.__name__ = f"{method.lower()}_{path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}"
    return handler


def list_route(path: str, kind: Kind, items: Items, roles: frozenset[str], summary: str) -> Route:
    async def run(ctx: Context) -> web.Response:
        query = parse_query(ctx, kind, listing=True)
        return ok(**listing(ctx, kind, items(ctx), query))

    return Route("GET", path, _guarded(roles, "GET", path, run), summary, roles, "list", kind, filters=True)


def read_route(path: str, kind: Kind, lookup: Lookup, roles: frozenset[str], summary: str) -> Route:
    async def run(ctx: Context) -> web.Response:
        query = parse_query(ctx, kind, listing=False)
        obj = readable(ctx, kind, lookup(ctx))
        return ok(**{kind.singular: render(ctx, kind, obj, query)})

    return Route("GET", path, _guarded(roles, "GET", path, run), summary, roles, "item", kind)


def create_route(
    path: str,
    kind: Kind,
    schema: Schema,
    make: Callable[[Context, dict[str, Any]], Any],
    roles: frozenset[str],
    summary: str,
    identity: str = "name",
) -> Route:
    """POST one object, or several under the plural name (`{"users": [...]}`, each its own transaction)."""

    def create_one(ctx: Context, body: Any, where: str) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise Failure(INVALID, f"{where.rstrip('.')} must be a JSON object")
        obj = make(ctx, schema.check(body, where))
        return {"id": obj.id, "uri": ctx.uri(kind.path(obj))}

    async def run(ctx: Context) -> web.Response:
        body = await read_body(ctx.request)
        if kind.plural in body:
            items = _bulk_items(body, kind.plural)
            return _bulk(
                items,
                kind.plural,
                lambda index, item: create_one(ctx, item, f"{kind.plural}[{index}]."),
                lambda item: {identity: item.get(identity)} if isinstance(item, dict) else {},
            )
        return ok(**create_one(ctx, body, ""))

    return Route("POST", path, _guarded(roles, "POST", path, run), summary, roles, "created", kind, schema)


def update_route(
    path: str,
    kind: Kind,
    lookup: Lookup,
    schema: Schema,
    apply: Callable[[Context, Any, dict[str, Any]], None],
    roles: frozenset[str],
    summary: str,
    method: str = "PUT",
) -> Route:
    async def run(ctx: Context) -> web.Response:
        obj = lookup(ctx)
        values = schema.check(await read_body(ctx.request), partial=True)
        apply(ctx, obj, values)
        return ok()

    return Route(method, path, _guarded(roles, method, path, run), summary, roles, "status", kind, schema)


def bulk_update_route(
    path: str,
    kind: Kind,
    schema: Schema,
    apply: Callable[[Context, Any, dict[str, Any]], None],
    roles: frozenset[str],
    summary: str,
) -> Route:
    """PUT on a collection: one object named by its `id` with the changes beside it, or several under the
    plural name (`{"contacts": [{"id": ..., ...}]}`), each its own transaction (partial success 7)."""

    def update_one(ctx: Context, item: Any, where: str) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise Failure(INVALID, f"{where.rstrip('.') or 'the body'} must be a JSON object")
        object_id = item.get("id")
        if not isinstance(object_id, str):
            code = MISSING if object_id is None else INVALID
            raise Failure(code, f"{where}id is required: the id of the {kind.singular} to change (a string)")
        obj = kind.find(ctx.center, object_id)
        apply(ctx, obj, schema.check({k: v for k, v in item.items() if k != "id"}, where, partial=True))
        return {"id": obj.id, "uri": ctx.uri(kind.path(obj))}

    async def run(ctx: Context) -> web.Response:
        body = await read_body(ctx.request)
        if kind.plural in body:
            return _bulk(
                _bulk_items(body, kind.plural),
                kind.plural,
                lambda index, item: update_one(ctx, item, f"{kind.plural}[{index}]."),
                lambda item: {"id": item.get("id")} if isinstance(item, dict) else {},
            )
        update_one(ctx, body, "")
        return ok()

    return Route("PUT", path, _guarded(roles, "PUT", path, run), summary, roles, "updated", kind, schema)


def delete_route(
    path: str, kind: Kind, lookup: Lookup, remove: Callable[[Context, Any], None], roles: frozenset[str], summary: str
) -> Route:
    async def run(ctx: Context) -> web.Response:
        remove(ctx, lookup(ctx))
        return ok()

    return Route("DELETE", path, _guarded(roles, "DELETE", path, run), summary, roles, "status", kind)


URIS = Schema("bulk request", (), read_only=())


def bulk_delete_route(
    path: str, kind: Kind, remove: Callable[[Context, Any], None], roles: frozenset[str], summary: str
) -> Route:
    """DELETE on a collection with `{"uris": [...]}`: each URI removed on its own (partial success 7)."""

    async def run(ctx: Context) -> web.Response:
        body = await read_body(ctx.request)
        _only(body, "uris")
        uris = _bulk_items(body, "uris")

        def remove_one(index: int, uri: Any) -> dict[str, Any]:
            obj = kind.at(ctx, uri, f"uris[{index}]")
            remove(ctx, obj)
            return {"id": obj.id, "uri": uri}

        return _bulk(uris, "uris", remove_one, lambda uri: {"uri": uri})

    return Route("DELETE", path, _guarded(roles, "DELETE", path, run), summary, roles, "bulk", kind, URIS)


def assign_route(
    path: str,
    kind: Kind,
    owner: Lookup,
    attach: Callable[[Context, Any, Any, dict[str, Any]], None],
    roles: frozenset[str],
    summary: str,
    options: Schema | None = None,
    create: Callable[[Context, Any, dict[str, Any]], Any] | None = None,
    create_schema: Schema | None = None,
) -> Route:
    """POST to a sub-collection: `{"uris": [...]}` (bulk), `{"uri": ...}` or `{"id": ...}` assigns existing
    objects, with the `options` (a skill's `level`) applying to each; a body without any of those creates
    an object and assigns it in one step (a hybrid operation: answers `id` and `uri`)."""

    async def run(ctx: Context) -> web.Response:
        holder = owner(ctx)
        body = await read_body(ctx.request)
        references = [name for name in ("uris", "uri", "id") if name in body]
        if len(references) > 1:
            raise Failure(INVALID, f"give only one of uris, uri and id, not {' and '.join(references)}")
        if not references:
            if create is None or create_schema is None:
                raise Failure(MISSING, f"uris is required: the URIs of the {kind.plural} to assign")
            obj = create(ctx, holder, create_schema.check(body))
            return ok(id=obj.id, uri=ctx.uri(kind.path(obj)))
        reference = references[0]
        rest = {name: value for name, value in body.items() if name != reference}
        values = (options or Schema("assignment", ())).check(rest)

        def attach_one(target: Any) -> None:
            attach(ctx, holder, target, values)

        if reference == "uris":
            uris = _bulk_items(body, "uris")

            def assign_one(index: int, uri: Any) -> dict[str, Any]:
                target = kind.at(ctx, uri, f"uris[{index}]")
                attach_one(target)
                return {"id": target.id, "uri": uri}

            return _bulk(uris, "uris", assign_one, lambda uri: {"uri": uri})
        if reference == "uri":
            target = kind.at(ctx, body["uri"], "uri")
        else:
            if not isinstance(body["id"], str):
                raise Failure(INVALID, "id must be a string")
            target = kind.find(ctx.center, body["id"])
        attach_one(target)
        return ok()

    handler = _guarded(roles, "POST", path, run)
    return Route("POST", path, handler, summary, roles, "bulk", kind, options, creates=create_schema)


def operations_route(
    path: str,
    operations: Mapping[str, Operation],
    summary: str,
    otherwise: Callable[[Context, dict[str, Any]], Awaitable[web.Response]] | None = None,
    otherwise_schema: Schema | None = None,
    defined: Callable[[Context], Mapping[str, Operation]] | None = None,
    status_form: bool = False,
) -> Route:
    """POST `{"operationName": ...}` on an existing resource; each operation names its own roles.

    `defined` adds operations the contact center defines at run time (the custom agent states), looked up
    per request; `operations` are the fixed ones the OpenAPI document lists. `status_form`: the reference's
    examples of these operations answer `{"status": "ok"}` / `{"status": "error", "errorDescription"}`,
    which a contact center with `server.statusAnswers` gets."""
    roles = frozenset().union(*(operation.roles for operation in operations.values()))

    def offered(ctx: Context, name: str) -> Operation | None:
        """The operation `name` if this resource offers it now: one lookup, not a list of them all."""
        operation = operations.get(name)
        if operation is None and defined is not None:
            operation = defined(ctx).get(name)
        return operation if operation is not None and operation_enabled(name, ctx.center.feature_ids) else None

    def available(ctx: Context) -> dict[str, Operation]:
        """Every operation offered now, the contact center's own first, for the messages that list them."""
        every = {**(defined(ctx) if defined is not None else {}), **operations}
        return {key: op for key, op in every.items() if operation_enabled(key, ctx.center.feature_ids)}

    async def run(ctx: Context) -> web.Response:
        if not (status_form and ctx.center.site.status_answers):
            return await operate(ctx, await read_body(ctx.request), ok)
        try:
            return await operate(ctx, await read_body(ctx.request), status_ok)
        except Refusal as refusal:
            return status_error(refusal)

    async def operate(ctx: Context, body: dict[str, Any], answer: Callable[..., web.Response]) -> web.Response:
        name = body.get("operationName")
        if name is None:
            if otherwise is not None:
                return await otherwise(ctx, body)
            raise Failure(MISSING, f"operationName is required (one of {', '.join(available(ctx))})")
        operation = offered(ctx, name) if isinstance(name, str) else None
        if operation is None:
            raise Failure(
                INVALID,
                f"operationName {name!r} is not an operation of {API}{path} (operations: {', '.join(available(ctx))})",
            )
        if not ctx.viewer.has_role(*operation.roles):
            raise Failure(
                NO_PERMISSION,
                f"{ctx.viewer.userName} may not {name}: it requires {' or '.join(sorted(operation.roles))}",
            )
        values = operation.schema.check({key: value for key, value in body.items() if key != "operationName"})
        return answer(**(await operation.run(ctx, values) or {}))

    all_roles = roles | (EVERYONE if otherwise is not None else frozenset())
    schemas = {name: operation.schema for name, operation in operations.items()}
    return Route(
        "POST",
        path,
        _guarded(all_roles, "POST", path, run),
        summary,
        all_roles,
        "status",
        None,
        otherwise_schema,
        MappingProxyType(schemas),
    )


def status_ok(**fields: Any) -> web.Response:
    """The examples' form of an operation's success: `status` ok, with any fields the operation adds."""
    return json_response(200, {"status": "ok", **fields})


def status_error(refusal: Refusal) -> web.Response:
    """The examples' form of a refused operation, under the HTTP status the statusCode form would have."""
    http = refusal.http if isinstance(refusal, Failure) else HTTP_STATUS[refusal.code]
    return json_response(http, {"status": "error", "errorDescription": refusal.message})


@dataclass(frozen=True)
class Operation:
    """One operationName of a resource. `run` may answer fields to add to statusCode 0 (the reference's
    ReplyAll answers `replyInteractionId`, a Create its `id` and `uri`)."""

    schema: Schema
    roles: frozenset[str]
    run: Callable[[Context, dict[str, Any]], Awaitable[dict[str, Any] | None]]
    description: str = ""


def custom_route(
    method: str,
    path: str,
    run: Callable[[Context], Awaitable[web.Response]],
    roles: frozenset[str],
    summary: str,
    answer: str,
    body: Schema | None = None,
    base: str = API,
) -> Route:
    """A route whose answer is not one of the shapes above (settings groups, the OpenAPI document, the
    control API under /sim)."""
    handler = _guarded(roles, method, path, run, base)
    return Route(method, path, handler, summary, roles, answer, None, body, base=base)


# --------------------------------------------------------------------------- bulk helpers


def _only(body: dict[str, Any], *names: str) -> None:
    for name in body:
        if name not in names:
            raise Failure(INVALID, f"{name} is not expected here (expected: {', '.join(names)})")


def _bulk_items(body: dict[str, Any], name: str) -> list[Any]:
    others = [key for key in body if key != name]
    if name != "uris" and others:
        raise Failure(INVALID, f"{others[0]} cannot be combined with {name}: give each item's fields inside {name}")
    if name not in body:
        raise Failure(MISSING, f"{name} is required: a list of the items")
    items = body[name]
    if not isinstance(items, list):
        raise Failure(INVALID, f"{name} must be a list")
    if not items:
        raise Failure(MISSING, f"{name} must hold at least one item")
    return items


def _bulk(
    items: list[Any],
    name: str,
    attempt: Callable[[int, Any], dict[str, Any]],
    identify: Callable[[Any], dict[str, Any]],
) -> web.Response:
    succeeded: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            succeeded.append(attempt(index, item))
        except Refusal as refusal:
            message = refusal.message
            if not message.startswith(f"{name}["):
                message = f"{name}[{index}]: {message}"
            failed.append({**identify(item), "statusCode": refusal.code, "statusMessage": message})
    if not failed:
        return ok(succeeded=succeeded)
    if succeeded:
        return partial(succeeded=succeeded, failed=failed)
    raise Failure(failed[0]["statusCode"], "; ".join(item["statusMessage"] for item in failed))
