"""The conventions of the reference API, implemented once for every resource.

A resource module describes what it holds as data: a `Kind` (plural and singular names, how an object
becomes a document, which of its fields are links to other objects, which subresources it has, who may
read one) and `Route`s made by the factories of `route_factories` (list, read, create, update, delete,
assign, unassign, operations). The factories give every resource the same behaviour:

- lists answer `uris` unless `fields` (`*` or a list), `subresources` or `resolveUri` asks for objects,
  which come under the plural name; any other query parameter filters on the field of that name
  (case-insensitive; all filters must match; a list field matches when one element does);
- a singular GET answers the object under its singular name; `fields`, `subresources` and `resolveUri`
  apply there too;
- a create answers `id` and `uri`; assign, unassign, update and delete answer `statusCode` 0 alone;
- a bulk body (`{"users": [...]}`, `{"uris": [...]}`) is a series of independent transactions: each item is
  validated and applied on its own, and the answer is 0 when all succeed, 7 with `succeeded` and `failed`
  when some do, and an error naming every item when none does;
- who may call a route is a set of roles; who may read an object is the kind's rule, applied to lists
  (an agent lists only their own devices), singular reads and resolved links alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from ..core.center_reads import CenterReads
from ..core.refusals import INVALID, NO_PERMISSION
from ..core.users import ADMIN, AGENT, ROLES, SUPERVISOR, User
from ..core.world import World
from .keys import CENTER, VIEWER, WORLD
from .responses import Failure
from .validation import Schema

API = "/api/v2"
EVERYONE = frozenset(ROLES)
STAFF = frozenset({ADMIN, SUPERVISOR})
ADMINS = frozenset({ADMIN})
AGENTS = frozenset({AGENT})
QUERY_OPTIONS = ("fields", "subresources", "resolveUri", "resolveUris")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Context:
    """One request as the resources see it: the contact center to read, the World to change it through,
    who asks, and how to spell URIs. The contact center is held read-only (`CenterReads`): every change
    is a method of the World."""

    request: web.Request
    center: CenterReads
    viewer: User
    world: World

    @classmethod
    def of(cls, request: web.Request) -> Context:
        app = request.app
        return cls(request, app[CENTER], request[VIEWER], app[WORLD])

    def uri(self, path: str, base: str = API) -> str:
        """The absolute URI of `path` under `base` (the reference API, or the control API's /sim)."""
        return f"{self.request.scheme}://{self.request.host}{base}{path}"

    def arg(self, name: str) -> str:
        return self.request.match_info[name]

    @property
    def is_staff(self) -> bool:
        return self.viewer.has_role(ADMIN, SUPERVISOR)

    def own_or_staff(self, user: User) -> User:
        """`user`, if the viewer may see their devices and skills: themself, a supervisor or an admin."""
        if user.id != self.viewer.id and not self.is_staff:
            raise Failure(
                NO_PERMISSION,
                f"{self.viewer.userName} may read only their own devices and skills, not those of {user.userName}",
            )
        return user


@dataclass(frozen=True)
class Link:
    """A field holding the URI of another object (`userUri`), which `resolveUri` can expand."""

    kind: str
    target: Callable[[CenterReads, Any], Any | None]
    into: str | None = None  # where resolveUri puts the object: the field's name without Uri, unless given


@dataclass(frozen=True)
class Kind:
    """What one kind of object looks like through the API."""

    name: str
    plural: str
    singular: str
    collection: str  # the path of the canonical collection, relative to /api/v2: "/users"
    document: Callable[[CenterReads, Any], dict[str, Any]]
    find: Callable[[CenterReads, str], Any]  # raises Refusal(6) for an unknown id
    fields: tuple[str, ...]
    links: Mapping[str, Link] = field(default_factory=dict)
    subresources: Mapping[str, Callable[[Context, Any], Any]] = field(default_factory=dict)
    readable: Callable[[Context, Any], bool] | None = None
    path_of: Callable[[Any], str] | None = None
    lists_objects: bool = False  # lists answer objects even without `fields` (the reference's /settings)
    self_link: bool = False  # documents say where they live, `uri` and `path`, as real servers' do
    identity: str = "id"
    # what only the request gives the document: what this viewer sees (a supervisor sees monitoring
    # capabilities on a device), what only the World knows (a contact's availability reads calls going on)
    for_viewer: Callable[[Context, Any, dict[str, Any]], dict[str, Any]] | None = None

    def path(self, obj: Any) -> str:
        return self.path_of(obj) if self.path_of else f"{self.collection}/{obj.id}"

    def may_read(self, ctx: Context, obj: Any) -> bool:
        return self.readable is None or self.readable(ctx, obj)

    def at(self, ctx: Context, uri: str, where: str) -> Any:
        """The object a URI from a request body names, e.g. a skill in `{"uris": [...]}`."""
        if not isinstance(uri, str):
            raise Failure(INVALID, f"{where} must be a URI string")
        try:
            path = urlsplit(uri).path.rstrip("/")
        except ValueError:  # a lone IPv6 bracket
            path = ""
        prefix, _, object_id = path.rpartition("/")
        if not object_id or not prefix.endswith(self.collection):
            raise Failure(
                INVALID,
                f"{where} {uri!r} is not the URI of a {self.singular} (expected .../api/v2{self.collection}/<id>)",
            )
        return self.find(ctx.center, object_id)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


@dataclass(frozen=True)
class Route:
    """One method on one path, with what the OpenAPI document says about it."""

    method: str
    path: str  # relative to /api/v2, aiohttp syntax: "/users/{user_id}"
    handler: Handler
    summary: str
    roles: frozenset[str]
    answer: str  # list | item | created | status | bulk | updated | settings | document
    kind: Kind | None = None
    body: Schema | None = None
    operations: Mapping[str, Schema] = field(default_factory=dict)
    filters: bool = False
    features: tuple[str, ...] = ()  # the route exists while any of these is enabled (see `features`)
    base: str = API  # the prefix of `path`: /api/v2, or /sim for the simulator's control API
    media_type: str = "application/json"  # of the request body; multipart/form-data for file uploads
    creates: Schema | None = None  # an assignment that can also create the object it assigns (hybrid)
    reads_body: bool = True  # False: a POST or DELETE that ignores any body

    @property
    def full_path(self) -> str:
        return self.base + self.path


# --------------------------------------------------------------------------- query parameters


@dataclass(frozen=True)
class Query:
    fields: tuple[str, ...] | None = None  # None: not given; ("*",): all
    subresources: tuple[str, ...] = ()
    resolve: tuple[str, ...] = ()
    filters: Mapping[str, str] = field(default_factory=dict)

    @property
    def wants_objects(self) -> bool:
        return self.fields is not None or bool(self.subresources) or bool(self.resolve)


def parse_query(ctx: Context, kind: Kind, listing: bool) -> Query:
    """The options of a GET; on a list, every other parameter is a filter on the field of its name."""
    query = ctx.request.query
    for name in query:
        if len(query.getall(name)) > 1:
            raise Failure(INVALID, f"query parameter {name} is given more than once")
    fields = _names(query, "fields")
    if fields is not None and "*" in fields:
        fields = ("*",)
    subresources = _names(query, "subresources") or ()
    if "*" in subresources:
        subresources = tuple(kind.subresources)
    for name in subresources:
        if name not in kind.subresources:
            valid = ", ".join(kind.subresources) or "none"
            raise Failure(INVALID, f"subresources: {name!r} is not a subresource of {kind.singular} (valid: {valid})")
    resolve = _names(query, "resolveUri") or _names(query, "resolveUris") or ()
    if "*" in resolve or "true" in resolve:
        resolve = tuple(kind.links)
    for name in resolve:
        if name not in kind.links:
            valid = ", ".join(kind.links) or "none"
            raise Failure(INVALID, f"resolveUri: {name!r} is not a URI field of {kind.singular} (valid: {valid})")
    filters: dict[str, str] = {}
    if listing:
        for name, value in query.items():
            if name in QUERY_OPTIONS:
                continue
            if name not in kind.fields:
                raise Failure(
                    INVALID,
                    f"{name} is not a field of {kind.singular} and cannot filter the list "
                    f"(fields: {', '.join(kind.fields)})",
                )
            filters[name] = value
    return Query(fields, subresources, resolve, MappingProxyType(filters))


def _names(query: Mapping[str, str], option: str) -> tuple[str, ...] | None:
    if option not in query:
        return None
    names = tuple(name.strip() for name in query[option].split(",") if name.strip())
    if not names:
        raise Failure(INVALID, f"{option} must be * or a comma-separated list of names")
    return names


def _matches(doc: dict[str, Any], filters: Mapping[str, str]) -> bool:
    for name, wanted in filters.items():
        value = doc.get(name)
        values = value if isinstance(value, list) else [value]
        if not any(value is not None and _text(value).lower() == wanted.lower() for value in values):
            return False
    return True


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --------------------------------------------------------------------------- documents


def full_document(ctx: Context, kind: Kind, obj: Any) -> dict[str, Any]:
    """Every field of `obj`, links spelled as absolute URIs."""
    doc = kind.document(ctx.center, obj)
    for name, link in kind.links.items():
        target = link.target(ctx.center, obj)
        if target is not None:
            doc[name] = ctx.uri(KINDS[link.kind].path(target))
    if kind.lists_objects or kind.self_link:  # such documents say where they live, as in the reference
        doc["uri"] = ctx.uri(kind.path(obj))
    if kind.self_link:
        doc["path"] = kind.path(obj)
    return kind.for_viewer(ctx, obj, doc) if kind.for_viewer is not None else doc


def render(ctx: Context, kind: Kind, obj: Any, query: Query, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """The document a client asked for: selected fields, then subresources and resolved links."""
    doc = full_document(ctx, kind, obj) if doc is None else doc
    if query.fields is not None and query.fields != ("*",):
        doc = {name: value for name, value in doc.items() if name in query.fields}
    for name in query.subresources:
        doc[name] = kind.subresources[name](ctx, obj)
    for name in query.resolve:
        link = kind.links[name]
        target = link.target(ctx.center, obj)
        if target is None:
            continue
        target_kind = KINDS[link.kind]
        if not target_kind.may_read(ctx, target):
            raise Failure(
                NO_PERMISSION,
                f"resolveUri: {ctx.viewer.userName} may not read the {target_kind.singular} that {name} names",
            )
        doc[link.into or name.removesuffix("Uri")] = render(ctx, target_kind, target, Query(fields=("*",)))
    return doc


def listing(ctx: Context, kind: Kind, objects: Iterable[Any], query: Query) -> dict[str, Any]:
    """The body of a list answer: `uris`, or objects under the plural name."""
    chosen = []
    for obj in objects:
        if not kind.may_read(ctx, obj):
            continue
        doc = full_document(ctx, kind, obj)
        if _matches(doc, query.filters):
            chosen.append((obj, doc))
    if query.wants_objects or kind.lists_objects:
        return {kind.plural: [render(ctx, kind, obj, query, doc) for obj, doc in chosen]}
    return {"uris": [ctx.uri(kind.path(obj)) for obj, _ in chosen]}


def readable(ctx: Context, kind: Kind, obj: Any) -> Any:
    """`obj`, if the viewer may read it (an agent reads only their own devices)."""
    if not kind.may_read(ctx, obj):
        raise Failure(NO_PERMISSION, f"{ctx.viewer.userName} may not read {kind.singular} {_id_of(kind, obj)!r}")
    return obj


def _id_of(kind: Kind, obj: Any) -> str:
    return str(getattr(obj, kind.identity, "")) or kind.path(obj)


@dataclass
class RouteTable:
    """Every route of the API, in the order a reader meets them."""

    routes: list[Route] = field(default_factory=list)

    def add(self, *routes: Route) -> None:
        self.routes.extend(routes)
