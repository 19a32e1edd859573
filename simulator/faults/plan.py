"""A fault plan as plain data, read from JSON (the body of `POST /sim/faults`, a scenario's `faults:`).

    {"seed": 7,
     "latency":   [{"route": "/api/v2/me/calls/*", "method": "POST", "seconds": {"uniform": [0.05, 0.2]}}],
     "errors":    [{"route": "/api/v2/me", "rate": 0.2, "status": 500}],
     "rateLimit": {"requests": 10, "per": 60, "route": "/api/v2/*"},
     "bayeux":    {"dropEvery": 30, "dropRate": 0.1, "lateConnects": {"rate": 0.5, "seconds": {"constant": 2}}},
     "servicesDown": ["SIPS1"]}

Routes are patterns of the request path where `*` stands for any characters, `/` included; `method`
(optional) narrows a rule to one method. Every problem is refused naming the field, before anything
changes.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

from ..api.responses import Failure
from ..core.refusals import INVALID, MISSING
from ..distributions import DISTRIBUTIONS, Distribution

ERROR_STATUSES = (500, 503)
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
TOP = ("seed", "latency", "errors", "rateLimit", "bayeux", "servicesDown")


@dataclass(frozen=True)
class Latency:
    route: str
    method: str | None
    seconds: Distribution  # real seconds: the network's time


@dataclass(frozen=True)
class Errors:
    route: str
    method: str | None
    rate: float  # the share of matching requests answered with the error, drawn per request
    status: int  # 500 (statusCode 4) or 503 (statusCode 4, Retry-After)


@dataclass(frozen=True)
class RateLimit:
    requests: int  # at most this many requests of one user...
    per: float  # ...in any window of this many simulated seconds
    route: str = "/api/*"


@dataclass(frozen=True)
class LateConnects:
    rate: float
    seconds: Distribution  # real seconds a due connect reply waits before it is written


@dataclass(frozen=True)
class BayeuxFaults:
    drop_every: float | None = None  # simulated seconds between two drops of every connection
    drop_rate: float = 0.0  # the share of connect replies lost with their connection
    late: LateConnects | None = None


@dataclass(frozen=True)
class FaultPlan:
    seed: int = 0
    latency: tuple[Latency, ...] = ()
    errors: tuple[Errors, ...] = ()
    rate_limit: RateLimit | None = None
    bayeux: BayeuxFaults = field(default_factory=BayeuxFaults)
    services_down: tuple[str, ...] = ()

    @functools.cached_property
    def empty(self) -> bool:
        """No fault at all, asked on every request: a plan never changes, so it is answered once."""
        return self == FaultPlan(seed=self.seed)


def parse(body: Any) -> FaultPlan:
    """The plan `body` describes; a Failure (statusCode 1 or 2) naming the field otherwise."""
    top = _object(body, "faults")
    _only(top, TOP, "")
    seed = top.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise Failure(INVALID, "seed must be a whole number")
    latency = tuple(_latency(rule, f"latency[{i}]") for i, rule in enumerate(_list(top, "latency")))
    errors = tuple(_errors(rule, f"errors[{i}]") for i, rule in enumerate(_list(top, "errors")))
    rate_limit = _rate_limit(top["rateLimit"]) if top.get("rateLimit") is not None else None
    bayeux = _bayeux(top["bayeux"]) if top.get("bayeux") is not None else BayeuxFaults()
    down = _list(top, "servicesDown")
    for i, name in enumerate(down):
        if not isinstance(name, str) or not name:
            raise Failure(INVALID, f"servicesDown[{i}] must be a service's id or name")
    return FaultPlan(seed, latency, errors, rate_limit, bayeux, tuple(down))


def document(plan: FaultPlan) -> dict[str, Any]:
    """The plan as `parse` reads it (what GET /sim/faults shows)."""
    result: dict[str, Any] = {"seed": plan.seed}
    if plan.latency:
        result["latency"] = [
            {"route": rule.route, **_method(rule.method), "seconds": _distribution(rule.seconds)}
            for rule in plan.latency
        ]
    if plan.errors:
        result["errors"] = [
            {"route": rule.route, **_method(rule.method), "rate": rule.rate, "status": rule.status}
            for rule in plan.errors
        ]
    if plan.rate_limit is not None:
        limit = plan.rate_limit
        result["rateLimit"] = {"requests": limit.requests, "per": limit.per, "route": limit.route}
    bayeux = plan.bayeux
    if bayeux != BayeuxFaults():
        shown: dict[str, Any] = {}
        if bayeux.drop_every is not None:
            shown["dropEvery"] = bayeux.drop_every
        if bayeux.drop_rate:
            shown["dropRate"] = bayeux.drop_rate
        if bayeux.late is not None:
            shown["lateConnects"] = {"rate": bayeux.late.rate, "seconds": _distribution(bayeux.late.seconds)}
        result["bayeux"] = shown
    if plan.services_down:
        result["servicesDown"] = list(plan.services_down)
    return result


def _method(method: str | None) -> dict[str, str]:
    return {} if method is None else {"method": method}


def _distribution(value: Distribution) -> dict[str, Any]:
    parameters = list(value.parameters)
    return {value.kind: parameters[0] if len(parameters) == 1 else parameters}


# --------------------------------------------------------------------------- reading


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Failure(INVALID, f"{where} must be an object")
    return value


def _only(entry: dict[str, Any], names: tuple[str, ...], where: str) -> None:
    for name in entry:
        if name not in names:
            path = f"{where}.{name}" if where else name
            raise Failure(INVALID, f"{path} is not a fault setting (expected: {', '.join(names)})")


def _list(entry: dict[str, Any], name: str) -> list[Any]:
    value = entry.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise Failure(INVALID, f"{name} must be a list")
    return value


def _required(entry: dict[str, Any], name: str, where: str) -> Any:
    if entry.get(name) is None:
        raise Failure(MISSING, f"{where}.{name} is required")
    return entry[name]


def _route(entry: dict[str, Any], where: str, default: str | None = None) -> str:
    route = entry.get("route", default)
    if route is None:
        raise Failure(MISSING, f"{where}.route is required: a path pattern such as /api/v2/me/calls/*")
    if not isinstance(route, str) or not (route.startswith("/") or route == "*"):
        raise Failure(INVALID, f"{where}.route must be a path pattern starting with /, such as /api/v2/*")
    return route


def _method_of(entry: dict[str, Any], where: str) -> str | None:
    method = entry.get("method")
    if method is None:
        return None
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise Failure(INVALID, f"{where}.method must be one of {', '.join(METHODS)}")
    return method.upper()


def _number(value: Any, where: str, *, low: float = 0.0, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        bounds = f"between {low:g} and {high:g}" if high != math.inf else f"{low:g} or more"
        raise Failure(INVALID, f"{where} must be a number {bounds}")
    return float(value)


def _rate(entry: dict[str, Any], where: str) -> float:
    return _number(_required(entry, "rate", where), f"{where}.rate", high=1.0)


def _seconds(value: Any, where: str) -> Distribution:
    """A number of seconds, or a distribution: constant, uniform [low, high], exponential mean, normal [mean, sd]."""
    if not isinstance(value, dict):
        return Distribution("constant", (_number(value, where),))
    if len(value) != 1 or next(iter(value)) not in DISTRIBUTIONS:
        raise Failure(INVALID, f"{where} must be seconds or one of {', '.join(DISTRIBUTIONS)}: parameters")
    kind, parameters = next(iter(value.items()))
    values = parameters if isinstance(parameters, list) else [parameters]
    if len(values) != DISTRIBUTIONS[kind]:
        raise Failure(INVALID, f"{where}.{kind} takes {DISTRIBUTIONS[kind]} number(s)")
    numbers = tuple(_number(item, f"{where}.{kind}") for item in values)
    if kind == "uniform" and numbers[0] > numbers[1]:
        raise Failure(INVALID, f"{where}.uniform: the low bound is above the high one")
    return Distribution(kind, numbers)


def _latency(rule: Any, where: str) -> Latency:
    entry = _object(rule, where)
    _only(entry, ("route", "method", "seconds"), where)
    return Latency(
        _route(entry, where), _method_of(entry, where), _seconds(_required(entry, "seconds", where), f"{where}.seconds")
    )


def _errors(rule: Any, where: str) -> Errors:
    entry = _object(rule, where)
    _only(entry, ("route", "method", "rate", "status"), where)
    status = entry.get("status", 500)
    if status not in ERROR_STATUSES or isinstance(status, bool):
        raise Failure(INVALID, f"{where}.status must be 500 or 503")
    return Errors(_route(entry, where), _method_of(entry, where), _rate(entry, where), int(status))


def _rate_limit(value: Any) -> RateLimit:
    entry = _object(value, "rateLimit")
    _only(entry, ("requests", "per", "route"), "rateLimit")
    requests = _required(entry, "requests", "rateLimit")
    if isinstance(requests, bool) or not isinstance(requests, int) or requests < 1:
        raise Failure(INVALID, "rateLimit.requests must be a whole number, 1 or more")
    per = _number(entry.get("per", 60), "rateLimit.per", low=0.001)
    return RateLimit(requests, per, _route(entry, "rateLimit", "/api/*"))


def _bayeux(value: Any) -> BayeuxFaults:
    entry = _object(value, "bayeux")
    _only(entry, ("dropEvery", "dropRate", "lateConnects"), "bayeux")
    every = entry.get("dropEvery")
    drop_every = _number(every, "bayeux.dropEvery", low=0.001) if every is not None else None
    drop_rate = _number(entry.get("dropRate", 0), "bayeux.dropRate", high=1.0)
    late = None
    if entry.get("lateConnects") is not None:
        spec = _object(entry["lateConnects"], "bayeux.lateConnects")
        _only(spec, ("rate", "seconds"), "bayeux.lateConnects")
        seconds = _seconds(_required(spec, "seconds", "bayeux.lateConnects"), "bayeux.lateConnects.seconds")
        late = LateConnects(_number(spec.get("rate", 1), "bayeux.lateConnects.rate", high=1.0), seconds)
    return BayeuxFaults(drop_every, drop_rate, late)
