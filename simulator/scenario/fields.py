"""The field readers every part of a scenario file is checked with: each problem is kept with its line.

`Marked` and `MarkedList` are YAML mappings and lists as plain values that remember the line of each
item, so a problem found while checking a field points at that field's line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.voice import AGENT_OPERATIONS, DEVICE_OPERATIONS
from ..distributions import DISTRIBUTIONS, Distribution
from . import values
from .model import DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Problem:
    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


class Marked(dict[str, Any]):
    """A YAML mapping as a dict, with the line of the mapping and of each key's value."""

    line: int
    lines: dict[str, int]


class MarkedList(list[Any]):
    line: int
    lines: list[int]


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class FieldReader:
    """Reads one field at a time, noting every problem instead of stopping at the first."""

    def __init__(self, source: str, base: Path) -> None:
        self.source = source
        self.base = base
        self.problems: list[Problem] = []
        self.timeout = DEFAULT_TIMEOUT
        self.defined: set[str] = set()
        self.agent_names: set[str] = set()
        self.agent_operations: set[str] = set(AGENT_OPERATIONS) | set(DEVICE_OPERATIONS)

    def fail(self, line: int, reason: str) -> None:
        self.problems.append(Problem(self.source, line, reason))

    def distribution(self, entry: Marked, key: str, path: str) -> Distribution | None:
        value = entry.get(key)
        if value is None:
            return None
        where = f"{path}.{key}"
        usage = "one of constant: s, uniform: [low, high], exponential: mean, normal: [mean, sd]"
        if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in DISTRIBUTIONS:
            self.fail(entry.lines[key], f"{where} must be {usage}")
            return None
        kind, given = next(iter(value.items()))
        parameters = given if isinstance(given, list) else [given]
        if len(parameters) != DISTRIBUTIONS[kind] or not all(is_number(p) and p >= 0 for p in parameters):
            self.fail(entry.lines[key], f"{where}: {kind} takes {DISTRIBUTIONS[kind]} number(s) of seconds, 0 or more")
            return None
        if kind == "uniform" and parameters[0] > parameters[1]:
            self.fail(entry.lines[key], f"{where}: uniform needs low <= high")
            return None
        return Distribution(kind, tuple(float(p) for p in parameters))

    def only(self, entry: Marked, path: str, known: tuple[str, ...]) -> None:
        for key in entry:
            if key not in known:
                where = f"{path}.{key}" if path else key
                self.fail(entry.lines[key], f"{where} is not a known field (known: {', '.join(known)})")

    def mapping(self, value: Any, path: str, line: int) -> bool:
        if not isinstance(value, Marked):
            self.fail(line, f"{path} must be a mapping")
            return False
        return True

    def text(self, entry: Marked, key: str, path: str, required: bool = False) -> str | None:
        value = entry.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                self.fail(entry.line, f"{where} is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            hint = f' (quote it: "{value}")' if is_number(value) else ""
            self.fail(entry.lines[key], f"{where} must be a non-empty string{hint}")
            return None
        return value

    def seconds(self, entry: Marked, key: str, path: str) -> float | None:
        value = entry.get(key)
        if value is None:
            return None
        if not is_number(value) or value < 0:
            where = f"{path}.{key}" if path else key
            self.fail(entry.lines[key], f"{where} must be a number of seconds, 0 or more")
            return None
        return float(value)

    def flag(self, entry: Marked, key: str, path: str, default: bool) -> bool:
        value = entry.get(key, default)
        if not isinstance(value, bool):
            self.fail(entry.lines[key], f"{path}.{key} must be true or false")
            return default
        return value

    def agent(self, entry: Marked, path: str) -> str | None:
        name = self.text(entry, "agent", path, required=True)
        if name is not None and name not in self.agent_names:
            known = ", ".join(sorted(self.agent_names)) or "none declared under agents"
            self.fail(entry.lines["agent"], f"{path}.agent: no agent named {name!r} (agents: {known})")
            return None
        return name

    def name_ok(self, name: Any, line: int, path: str) -> None:
        if not isinstance(name, str) or not values.REFERENCE.fullmatch("${" + name + "}"):
            self.fail(line, f"{path}: {name!r} is not a usable variable name (letters, digits, _ and -)")

    def references_ok(self, value: Any, line: int, path: str) -> None:
        for name in values.references(value):
            if name not in self.defined:
                self.fail(line, f"{path}: ${{{name}}} is not defined by an earlier step, an agent or variables")


def unmarked(value: Any) -> Any:
    """A YAML value without its line marks: plain dicts and lists, as JSON sends them."""
    if isinstance(value, dict):
        return {key: unmarked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unmarked(item) for item in value]
    return value
