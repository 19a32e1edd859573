"""The request journal under /sim/journal: the last requests clients sent and what the simulator answered.

It answers the question every client author asks first ("what did my client send?"): each entry has the
method, path, query, status, the user, an excerpt of the body sent and of the answer. It is bounded (the
oldest entries go first), filterable by method, path prefix and status, and cleared with DELETE. Only
admins may read it, as for the rest of /sim. The journal's own requests and /health are not recorded.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace

from aiohttp import web

from .api.keys import BODY, VIEWER
from .api.resources import ADMINS, Context, Route
from .api.responses import Failure, ok
from .api.route_factories import custom_route
from .core.numerals import is_whole_number
from .core.refusals import INVALID
from .layers import Layer

PATH = "/journal"
DEFAULT_SIZE = 1000  # entries kept
EXCERPT = 2000  # characters kept of each body
UNRECORDED = ("/sim/journal", "/health")
FILTERS = ("method", "path", "status", "limit")


@dataclass(frozen=True)
class Entry:
    """One request as GET /sim/journal shows it."""

    time: float  # seconds since the epoch
    method: str
    path: str
    query: str
    status: int
    user: str | None
    request: str  # an excerpt of the body sent
    answer: str  # an excerpt of the body answered


# What is kept of a request: Entry's fields in its order, the excerpts still as the bytes sent and answered
# (or a description). Every request is recorded and few are ever read: decoding waits for the reading.
Record = tuple[float, str, str, str, int, str | None, bytes | str, bytes | str]


class Journal:
    """The last `size` requests, oldest first."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._records: deque[Record] = deque(maxlen=size)

    def record(self, record: Record) -> None:
        self._records.append(record)

    def select(
        self, method: str | None = None, path: str | None = None, status: int | None = None, limit: int | None = None
    ) -> list[Entry]:
        """The entries matching every filter given (method case-insensitively, path as a prefix), at most the
        last `limit` of them."""
        found = [
            record
            for record in self._records
            if (method is None or record[1] == method.upper())
            and (path is None or record[2].startswith(path))
            and (status is None or record[4] == status)
        ]
        return [_entry(record) for record in (found[-limit:] if limit else found)]

    def clear(self) -> None:
        self._records.clear()


def _entry(record: Record) -> Entry:
    at, method, path, query, status, user, sent, answered = record
    return Entry(at, method, path, query, status, user, _text(sent), _text(answered))


def _text(excerpt: bytes | str) -> str:
    return excerpt.decode("utf-8", "replace") if isinstance(excerpt, bytes) else excerpt


JOURNAL = web.AppKey("journal", Journal)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def layer(journal: Journal) -> Layer:
    """Record every request (outermost, so refusals of credentials are recorded too)."""

    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as problem:
            _record(journal, request, problem.status, problem.text or "")
            raise
        _record(journal, request, response.status, _answer_excerpt(response))
        return response

    return Layer(record, lambda _request, path: not path.startswith(UNRECORDED))


def _record(journal: Journal, request: web.Request, status: int, answer: bytes | str) -> None:
    viewer = request.get(VIEWER)
    journal.record(
        (
            time.time(),
            request.method,
            request.path,
            request.query_string,
            status,
            viewer.userName if viewer is not None else None,
            _request_excerpt(request),
            answer[:EXCERPT],
        )
    )


def _request_excerpt(request: web.Request) -> bytes | str:
    """The body as the API read it (REST and /sim requests); for other requests, its type and size. A
    request without a body is asked nothing more (a missing key is an exception in `request.get`)."""
    if not request.body_exists:
        return ""
    body: bytes | None = request.get(BODY)
    if body is not None:
        return body[:EXCERPT]
    return f"({request.content_type}, {request.content_length or 0} bytes)"


def _answer_excerpt(response: web.StreamResponse) -> bytes | str:
    """The answer's body (cut to the excerpt by `_record`), asked first for the usual answer."""
    if isinstance(response, web.Response):
        body = response.body
        return body if isinstance(body, bytes) else "(streamed)"
    return "(websocket)" if isinstance(response, web.WebSocketResponse) else "(streamed)"


async def _read(ctx: Context) -> web.Response:
    query = ctx.request.query
    unknown = [name for name in query if name not in FILTERS]
    if unknown:
        raise Failure(INVALID, f"{unknown[0]} is not a journal filter (filters: {', '.join(FILTERS)})")
    numbers: dict[str, int] = {}
    for name in ("status", "limit"):
        if name in query:
            if not is_whole_number(query[name]):
                raise Failure(INVALID, f"{name} must be a whole number, not {query[name]!r}")
            numbers[name] = int(query[name])
    entries = ctx.request.app[JOURNAL].select(query.get("method"), query.get("path"), **numbers)
    return ok(requests=[asdict(entry) for entry in entries])


async def _clear(ctx: Context) -> web.Response:
    ctx.request.app[JOURNAL].clear()
    return ok()


def routes() -> list[Route]:
    """GET and DELETE /sim/journal, for admins."""
    return [
        custom_route(
            "GET",
            PATH,
            _read,
            ADMINS,
            "The last requests received, with their answers (filters: method, path prefix, status, limit)",
            "document",
            base="/sim",
        ),
        replace(  # any body is ignored, and the OpenAPI document says so
            custom_route("DELETE", PATH, _clear, ADMINS, "Forget every request recorded so far", "status", base="/sim"),
            reads_body=False,
        ),
    ]
