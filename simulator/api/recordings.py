"""`GET /recordings`: the recordings of the calls recorded in the simulation (`recorded_calls`), with the
reference's query parameters: `startTime` and `endTime` (ms since the epoch, simulated time: recordings
that began in that range, both ends included), `callerPhoneNumber`, `dialedPhoneNumber`, `userName`
(exact, the user name case-insensitively), and paging by `offset` (default 0) and `limit` (default and
at most 1000). Agents see their own recordings only; supervisors and admins every one. The answer is
`recordings` (oldest first) and `totalCount`, the number matching before paging.
"""

from __future__ import annotations

from aiohttp import web

from ..core.refusals import INVALID
from ..recorded_calls import RecordedCalls
from .keys import RECORDED_CALLS
from .resources import EVERYONE, Context, RouteTable
from .responses import Failure, ok
from .route_factories import custom_route

MAX_LIMIT = 1000
TIMES = ("startTime", "endTime")
TEXTS = ("callerPhoneNumber", "dialedPhoneNumber", "userName")
PAGING = ("offset", "limit")


def _whole(ctx: Context, name: str, default: int | None, minimum: int, maximum: int | None = None) -> int | None:
    text = ctx.request.query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or int(text) < minimum or (maximum and int(text) > maximum):
        bound = f" between {minimum} and {maximum}" if maximum else (f" of {minimum} or more" if minimum else "")
        raise Failure(INVALID, f"{name} must be a whole number{bound}, not {text!r}")
    return int(text)


async def _list(ctx: Context) -> web.Response:
    query = ctx.request.query
    for name in query:
        if name not in (*TIMES, *TEXTS, *PAGING):
            raise Failure(
                INVALID,
                f"{name} is not a parameter of /recordings (parameters: {', '.join((*TIMES, *TEXTS, *PAGING))})",
            )
        if len(query.getall(name)) > 1:
            raise Failure(INVALID, f"query parameter {name} is given more than once")
    start, end = _whole(ctx, "startTime", None, 0), _whole(ctx, "endTime", None, 0)
    if start is not None and end is not None and start > end:
        raise Failure(INVALID, f"startTime ({start}) must not be after endTime ({end})")
    offset = _whole(ctx, "offset", 0, 0) or 0
    limit = _whole(ctx, "limit", MAX_LIMIT, 1, MAX_LIMIT) or MAX_LIMIT
    recorded: RecordedCalls = ctx.request.app[RECORDED_CALLS]
    documents = []
    for recording in recorded.recordings:
        if not ctx.is_staff and recording.user_id != ctx.viewer.id:
            continue
        document = recording.document(ctx.center)
        if start is not None and recording.start_time < start or end is not None and recording.start_time > end:
            continue
        if any(name in query and document[name] != query[name] for name in TEXTS[:2]):
            continue
        if "userName" in query and str(document["userName"]).lower() != query["userName"].lower():
            continue
        documents.append(document)
    return ok(recordings=documents[offset : offset + limit], totalCount=len(documents))


def add_routes(table: RouteTable) -> None:
    table.add(
        custom_route(
            "GET",
            "/recordings",
            _list,
            EVERYONE,
            "The recordings of recorded calls: startTime, endTime (ms), callerPhoneNumber, dialedPhoneNumber, "
            "userName, offset, limit",
            "document",
        )
    )
