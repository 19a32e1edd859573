"""The `expect: {statistic: ..., object: ..., value: ...}` step: a value of the Statistics API.

The object is a queue, skill or agent named as people name them (a queue's or skill's `name`, an agent's
`userName`) or by id; it is looked up through the REST API with the admin's credentials, as a dashboard
would, and its statistic read from `GET /api/v1/stats/{objectId}/{statisticName}` (the latest sample).
The step passes when the latest sample has the value, now or within `within` simulated seconds as the
clock moves on (samples are taken every `notificationFrequency` seconds); it fails with the last value
seen, or with the Statistics API's own refusal (an unknown statistic, say).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from . import target, values
from .model import ExpectStatistic

TICK = 0.5  # simulated seconds between looks on a virtual clock, as for notifications
# where an object of each kind is found by the name people give it
_LOOKUPS = (
    ("/api/v2/queues", "name", "queues"),
    ("/api/v2/skills", "name", "skills"),
    ("/api/v2/users", "userName", "users"),
)


class StatisticFailed(Exception):
    """The statistic never had the value expected (or could not be read)."""


async def object_id(simulator: target.Simulator, name: str) -> str:
    """The id of the queue, skill or agent called `name`; `name` itself when nothing is called so."""
    for path, field, plural in _LOOKUPS:
        status, answer = await simulator.control("GET", f"{path}?{field}={quote(name)}&fields=id")
        found = answer.get(plural) if status == 200 and isinstance(answer, dict) else None
        if found:
            return str(found[0]["id"])
    return name


async def expect(step: ExpectStatistic, simulator: target.Simulator, variables: dict[str, Any]) -> dict[str, Any]:
    wanted = values.resolve(step.value, variables)
    the_object = await object_id(simulator, str(values.resolve(step.object, variables)))
    path = f"/api/v1/stats/{quote(the_object)}/{quote(step.statistic)}"
    deadline = simulator.now() + step.within
    last: Any = None
    while True:
        status, answer = await simulator.control("GET", path)
        if status != 200 or not isinstance(answer, dict):
            said = answer.get("statusMessage") if isinstance(answer, dict) else answer
            raise StatisticFailed(f"GET {path}: HTTP {status} ({said})")
        samples = answer["statistics"][0]["values"]
        if samples:
            last = samples[0]
            if values.mismatch(wanted, last["value"], tolerance=simulator.tolerance) is None:
                return {"objectId": the_object, "statistic": step.statistic, **last}
        left = deadline - simulator.now()
        if left <= 0:
            seen = "no sample yet" if last is None else f"the last sample was {last['value']}"
            raise StatisticFailed(
                f"{step.statistic} of {step.object} never was {wanted} within {step.within:g} s: {seen}"
            )
        await simulator.advance(min(TICK, left) if simulator.virtual else min(1.0, left))
