"""`/api/v1/stats`: the Statistics API, answering the samples `Statistics` keeps.

`GET /api/v1/stats/{objectId}` answers the most recent value of every statistic of the object (a queue, a
skill or an agent, by id); `GET /api/v1/stats/{objectId}/{statisticName}` answers its values, newest
first: the last `numValues` (default 1), or, with `from` and/or `to` (ms since the epoch, simulated
time, both ends included), every value in that range unless `numValues` limits it to the newest ones.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..api.keys import STATISTICS
from ..api.resources import EVERYONE, Context, RouteTable
from ..api.responses import Failure, ok
from ..api.route_factories import custom_route
from ..core.numerals import is_whole_number
from ..core.refusals import INVALID, NOT_FOUND
from .sampler import Sample, Statistics

BASE = "/api/v1"


def _statistics(ctx: Context, object_id: str) -> tuple[Statistics, list[str]]:
    statistics = ctx.request.app[STATISTICS]
    if not statistics.kinds_of(object_id):
        raise Failure(NOT_FOUND, f"objectId {object_id!r} is not a queue, skill or agent of the contact center")
    return statistics, [definition.name for definition in statistics.definitions_of(object_id)]


def _entry(name: str, sample: Sample) -> dict[str, Any]:
    return {"statistic": name, "value": sample[1], "time": sample[0]}


async def _latest(ctx: Context) -> web.Response:
    object_id = ctx.arg("objectId")
    statistics, names = _statistics(ctx, object_id)
    entries = []
    for name in names:
        series = statistics.series(object_id, name)
        if series:
            entries.append(_entry(name, series[-1]))
    return ok(objectId=object_id, statistics=entries)


def _whole(query: Any, name: str, minimum: int) -> int | None:
    text = query.get(name)
    if text is None:
        return None
    if not is_whole_number(text) or int(text) < minimum:
        raise Failure(INVALID, f"{name} must be a whole number{' of 1 or more' if minimum else ''}, not {text!r}")
    return int(text)


async def _values(ctx: Context) -> web.Response:
    object_id, name = ctx.arg("objectId"), ctx.arg("statisticName")
    statistics, names = _statistics(ctx, object_id)
    query = ctx.request.query
    count = _whole(query, "numValues", 1)
    start, end = _whole(query, "from", 0), _whole(query, "to", 0)
    if start is not None and end is not None and start > end:
        raise Failure(INVALID, f"from ({start}) must not be after to ({end})")
    if name not in names:
        known = ", ".join(names) or "none"
        raise Failure(
            NOT_FOUND, f"statisticName {name!r} is not a statistic of objectId {object_id!r} (known: {known})"
        )
    series = [
        sample
        for sample in statistics.series(object_id, name)
        if (start is None or sample[0] >= start) and (end is None or sample[0] <= end)
    ]
    if count is None and start is None and end is None:
        count = 1
    newest = series[::-1] if count is None else series[: -count - 1 : -1]
    values = [{"value": value, "time": stamp} for stamp, value in newest]
    return ok(objectId=object_id, statistics=[{"statistic": name, "values": values}])


def add_routes(table: RouteTable) -> None:
    table.add(
        custom_route(
            "GET", "/stats/{objectId}", _latest, EVERYONE,
            "The most recent value of every statistic of a queue, skill or agent", "document", base=BASE,
        )
    )  # fmt: skip
    table.add(
        custom_route(
            "GET", "/stats/{objectId}/{statisticName}", _values, EVERYONE,
            "The values of one statistic: numValues (default 1), from, to (ms since the epoch)", "document",
            base=BASE,
        )
    )  # fmt: skip
