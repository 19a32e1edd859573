"""Reading and checking scenario files: every problem is reported as `file:line: reason`, all at once.

The YAML is composed into nodes and turned into plain values that remember their lines (`Marked`,
`MarkedList`, in `fields`), so a problem found while checking a step points at the line of the field at
fault. This module reads the top level (contact center, admin, variables, agents, faults); `steps` reads
the steps.
Checking goes as far as can be done without a simulator: the shape of every step, the agents it names,
the operation names (against the reference's and the contact center's agent states), the topics, and that
every `${variable}` is defined by an earlier step. The format is described in scenarios/README.md and
simulator/scenario.schema.json.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .. import yaml_nodes
from ..center_file import load, load_default
from ..core.contact_center import ContactCenter, ContactCenterError
from ..core.refusals import Refusal
from ..faults.plan import parse as parse_faults
from .fields import Marked, MarkedList, Problem, unmarked
from .model import (
    CHANNELS,
    DEFAULT_ADMIN,
    DEFAULT_PASSWORD,
    DEFAULT_TIMEOUT,
    TRANSPORTS,
    WEBSOCKET,
    AgentSpec,
    Scenario,
)
from .steps import StepReader

__all__ = ["Problem", "ScenarioError", "check", "parse", "read"]


class ScenarioError(Exception):
    """A scenario file that cannot run; `problems` lists every mistake found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def read(path: str | Path) -> Scenario:
    """The scenario in the file; raises ScenarioError listing every problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as problem:
        raise ScenarioError([Problem(str(path), 1, f"cannot read: {problem.strerror}")]) from None
    return parse(text, str(path), Path(path).parent)


def check(path: str | Path) -> list[Problem]:
    """Every problem of a scenario file; empty when it can run."""
    try:
        read(path)
    except ScenarioError as error:
        return error.problems
    return []


def parse(text: str, source: str, base: Path | None = None) -> Scenario:
    try:
        root = yaml_nodes.compose(text)
    except yaml_nodes.YamlProblem as problem:
        raise ScenarioError([Problem(source, problem.line, problem.reason)]) from None
    if root is None:
        raise ScenarioError([Problem(source, 1, "the file is empty: a scenario needs name and steps")])
    reader = _Reader(source, base or Path("."))
    scenario = reader.scenario(_plain(root))
    if reader.problems:
        raise ScenarioError(reader.problems)
    assert scenario is not None
    return scenario


def _plain(node: yaml.Node) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping = Marked()
        mapping.line, mapping.lines = line, {}
        for key, item in node.value:
            name = str(_plain(key))
            mapping[name] = _plain(item)
            mapping.lines[name] = item.start_mark.line + 1
        return mapping
    if isinstance(node, yaml.SequenceNode):
        sequence = MarkedList(_plain(item) for item in node.value)
        sequence.line, sequence.lines = line, [item.start_mark.line + 1 for item in node.value]
        return sequence
    return yaml.SafeLoader("").construct_object(node)


class _Reader(StepReader):
    """The whole file: its top-level fields, then (through StepReader) its steps."""

    # ------------------------------------------------------------------ the top level

    def scenario(self, top: Any) -> Scenario | None:
        if not isinstance(top, Marked):
            self.fail(getattr(top, "line", 1), "a scenario must be a mapping with name and steps")
            return None
        self.only(
            top,
            "",
            ("name", "description", "contactCenter", "timeout", "admin", "variables", "agents", "faults", "steps"),
        )
        name = self.text(top, "name", "", required=True) or "?"
        description = self.text(top, "description", "")
        center_path, center = self.contact_center(top)
        timeout = self.seconds(top, "timeout", "") or DEFAULT_TIMEOUT
        self.timeout = timeout
        admin = self.admin(top)
        variables = self.variables(top)
        agents = self.agents(top, center)
        steps = self.steps(top)
        faults = self.faults(top)
        return Scenario(self.source, name, description, center_path, timeout, admin, variables, agents, steps, faults)

    def faults(self, top: Marked) -> dict[str, Any] | None:
        """The fault plan, checked as `POST /sim/faults` checks it (the runner sends it there)."""
        entry = top.get("faults")
        if entry is None:
            return None
        plain: dict[str, Any] = unmarked(entry)
        try:
            parse_faults(plain)
        except Refusal as problem:
            self.fail(top.lines["faults"], f"faults: {problem.message}")
            return None
        return plain

    def contact_center(self, top: Marked) -> tuple[str | None, ContactCenter | None]:
        value = self.text(top, "contactCenter", "")
        if value is None or value == "default":
            return None, load_default()
        path = Path(value) if Path(value).is_absolute() else self.base / value
        try:
            return str(path), load(path)
        except ContactCenterError as problem:
            self.fail(top.lines["contactCenter"], f"contactCenter: {problem}")
            return str(path), None

    def admin(self, top: Marked) -> tuple[str, str]:
        entry = top.get("admin")
        if entry is None:
            return DEFAULT_ADMIN
        if not self.mapping(entry, "admin", top.lines["admin"]):
            return DEFAULT_ADMIN
        self.only(entry, "admin", ("user", "password"))
        user = self.text(entry, "user", "admin", required=True) or DEFAULT_ADMIN[0]
        return user, self.text(entry, "password", "admin") or DEFAULT_PASSWORD

    def variables(self, top: Marked) -> dict[str, Any]:
        entry = top.get("variables")
        if entry is None:
            return {}
        if not self.mapping(entry, "variables", top.lines["variables"]):
            return {}
        for key in entry:
            self.name_ok(key, entry.lines[key], f"variables.{key}")
            self.defined.add(key)
        return dict(entry)

    def agents(self, top: Marked, center: ContactCenter | None) -> tuple[AgentSpec, ...]:
        entries = top.get("agents")
        if entries is None:
            return ()
        if not isinstance(entries, MarkedList):
            self.fail(top.lines["agents"], "agents must be a list of user names or {user, ...} mappings")
            return ()
        agents = []
        for index, (entry, line) in enumerate(zip(entries, entries.lines, strict=True)):
            path = f"agents[{index}]"
            if isinstance(entry, str):
                entry = Marked(user=entry)
                entry.line, entry.lines = line, {"user": line}
            if not self.mapping(entry, path, line):
                continue
            self.only(entry, path, ("user", "password", "name", "session", "ready", "channels", "transport"))
            user = self.text(entry, "user", path, required=True)
            if user is None:
                continue
            name = self.text(entry, "name", path) or user.split("@")[0]
            self.name_ok(name, entry.lines.get("name", line), f"{path}.name")
            if name in self.agent_names:
                self.fail(line, f"{path}: an agent named {name!r} is already declared")
            if center is not None and center.user_named(user) is None:
                self.fail(entry.lines["user"], f"{path}.user: the contact center has no user {user!r}")
            session = self.flag(entry, "session", path, True)
            ready = self.flag(entry, "ready", path, False)
            if ready and not session:
                self.fail(entry.lines["ready"], f"{path}.ready: an agent needs a session to be Ready")
            password = self.text(entry, "password", path) or DEFAULT_PASSWORD
            channels = entry.get("channels", ["voice"])
            if not isinstance(channels, list) or not channels or not set(channels) <= set(CHANNELS):
                where = entry.lines.get("channels", line)
                self.fail(where, f"{path}.channels must be a non-empty list of {', '.join(CHANNELS)}")
                channels = ["voice"]
            transport = entry.get("transport", WEBSOCKET)
            if transport not in TRANSPORTS:
                where = entry.lines.get("transport", line)
                self.fail(where, f"{path}.transport must be one of {', '.join(TRANSPORTS)}")
                transport = WEBSOCKET
            agents.append(AgentSpec(name, user, password, session, ready, line, tuple(channels), transport))
            self.agent_names.add(name)
            self.defined.add(name)
        if center is not None:
            self.agent_operations |= {state.operationName for state in center.agent_states.values()}
        return tuple(agents)
