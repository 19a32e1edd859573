"""Reading and checking scenario files: every problem is reported as `file:line: reason`, all at once.

The YAML is composed into nodes and turned into plain values that remember their lines (`Marked`,
`MarkedList`), so a problem found while checking a step points at the line of the field at fault.
Checking goes as far as can be done without a simulator: the shape of every step, the agents it names,
the operation names (against the reference's and the contact center's agent states), the topics, and that
every `${variable}` is defined by an earlier step. The format is described in scenarios/README.md and
simulator/scenario.schema.json.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import yaml_nodes
from ..center_file import load, load_default
from ..core.contact_center import ContactCenter, ContactCenterError
from ..core.media import INTERACTION_OPERATIONS
from ..core.voice import AGENT_OPERATIONS, CALL_OPERATIONS, DEVICE_OPERATIONS
from . import values
from .model import (
    CHANNELS,
    DEFAULT_ADMIN,
    DEFAULT_PASSWORD,
    DEFAULT_TIMEOUT,
    DISTRIBUTIONS,
    TOPICS,
    VISITOR_ACTIONS,
    WORLD_ACTIONS,
    AgentSpec,
    Distribution,
    Email,
    Expect,
    ExpectStatistic,
    Operation,
    Reply,
    Request,
    Scenario,
    Step,
    Traffic,
    TrafficSpec,
    Visitor,
    Wait,
    World,
)

KINDS = ("operation", "request", "customer", "wait", "expect", "traffic", "visitor", "email")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


@dataclass(frozen=True)
class Problem:
    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


class ScenarioError(Exception):
    """A scenario file that cannot run; `problems` lists every mistake found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


class Marked(dict[str, Any]):
    """A YAML mapping as a dict, with the line of the mapping and of each key's value."""

    line: int
    lines: dict[str, int]


class MarkedList(list[Any]):
    line: int
    lines: list[int]


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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Reader:
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

    # ------------------------------------------------------------------ the top level

    def scenario(self, top: Any) -> Scenario | None:
        if not isinstance(top, Marked):
            self.fail(getattr(top, "line", 1), "a scenario must be a mapping with name and steps")
            return None
        self.only(top, "", ("name", "description", "contactCenter", "timeout", "admin", "variables", "agents", "steps"))
        name = self.text(top, "name", "", required=True) or "?"
        description = self.text(top, "description", "")
        center_path, center = self.contact_center(top)
        timeout = self.seconds(top, "timeout", "") or DEFAULT_TIMEOUT
        self.timeout = timeout
        admin = self.admin(top)
        variables = self.variables(top)
        agents = self.agents(top, center)
        steps = self.steps(top)
        return Scenario(self.source, name, description, center_path, timeout, admin, variables, agents, steps)

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
            self.only(entry, path, ("user", "password", "name", "session", "ready", "channels"))
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
            agents.append(AgentSpec(name, user, password, session, ready, line, tuple(channels)))
            self.agent_names.add(name)
            self.defined.add(name)
        if center is not None:
            self.agent_operations |= {state.operationName for state in center.agent_states.values()}
        return tuple(agents)

    # ------------------------------------------------------------------ steps

    def steps(self, top: Marked) -> tuple[Step, ...]:
        entries = top.get("steps")
        if entries is None:
            self.fail(top.line, "steps is missing: a scenario needs at least one step")
            return ()
        if not isinstance(entries, MarkedList) or not entries:
            self.fail(top.lines["steps"], "steps must be a non-empty list")
            return ()
        steps = []
        for index, (entry, line) in enumerate(zip(entries, entries.lines, strict=True)):
            path = f"steps[{index}]"
            if not self.mapping(entry, path, line):
                continue
            kinds = [kind for kind in KINDS if kind in entry]
            if len(kinds) != 1:
                found = " and ".join(kinds) if kinds else "none"
                self.fail(line, f"{path}: a step has exactly one of {', '.join(KINDS)} (found {found})")
                continue
            read_step: Callable[[Marked, str, int], Step | None] = getattr(self, f"_{kinds[0]}")
            step = read_step(entry, path, index + 1)
            for key, item in entry.items():
                if key != "save":
                    self.references_ok(item, entry.lines[key], f"{path}.{key}")
            save = step.save if step is not None else self.text(entry, "save", path)
            if save is not None:
                self.name_ok(save, entry.lines.get("save", line), f"{path}.save")
                self.defined.add(save)
            if step is not None:
                steps.append(step)
        return tuple(steps)

    def _common(self, entry: Marked, path: str, number: int) -> dict[str, Any]:
        return {
            "number": number,
            "line": entry.line,
            "title": self.text(entry, "name", path),
            "save": self.text(entry, "save", path),
        }

    def _reply(self, entry: Marked, path: str) -> Reply:
        status = entry.get("status")
        if status is not None and not (isinstance(status, int) and 100 <= status <= 599):
            self.fail(entry.lines["status"], f"{path}.status must be an HTTP status such as 200")
        code = entry.get("statusCode", 0)
        if code is not None and not (isinstance(code, int) and not isinstance(code, bool) and 0 <= code <= 7):
            self.fail(entry.lines["statusCode"], f"{path}.statusCode must be one of the reference's 0 to 7 (or null)")
        return Reply(status=status, status_code=code, body=entry.get("body"))

    def _operation(self, entry: Marked, path: str, number: int) -> Step | None:
        self.only(
            entry,
            path,
            (
                "name",
                "save",
                "operation",
                "agent",
                "call",
                "interaction",
                "path",
                "params",
                "status",
                "statusCode",
                "body",
            ),
        )
        agent = self.agent(entry, path)
        operation = self.text(entry, "operation", path, required=True)
        params = entry.get("params", {})
        if not isinstance(params, dict):
            self.fail(entry.lines["params"], f"{path}.params must be a mapping of the operation's parameters")
            params = {}
        elif "operationName" in params:
            self.fail(entry.lines["params"], f"{path}.params: give the operation as `operation`, not operationName")
        if "call" in entry and "interaction" in entry:
            self.fail(entry.lines["interaction"], f"{path}: give call or interaction, not both")
        elif operation is not None and "interaction" in entry and "path" not in entry:
            if operation not in INTERACTION_OPERATIONS:
                self.fail(entry.lines["operation"], f"{path}.operation: {operation!r} is not an interaction operation")
        elif operation is not None and "path" not in entry:
            known = CALL_OPERATIONS if "call" in entry else (*sorted(self.agent_operations), "Dial")
            if operation not in known:
                where = "a call operation" if "call" in entry else "an agent, device or Dial operation"
                hint = "" if "call" in entry or operation not in CALL_OPERATIONS else " (a call operation needs call:)"
                self.fail(entry.lines["operation"], f"{path}.operation: {operation!r} is not {where}{hint}")
        if agent is None or operation is None:
            return None
        return Operation(
            **self._common(entry, path, number),
            agent=agent,
            operation=operation,
            call=entry.get("call"),
            interaction=entry.get("interaction"),
            path=entry.get("path"),
            params=dict(params),
            reply=self._reply(entry, path),
        )

    def _request(self, entry: Marked, path: str, number: int) -> Step | None:
        self.only(entry, path, ("name", "save", "request", "agent", "json", "status", "statusCode", "body"))
        agent = self.agent(entry, path)
        request = self.text(entry, "request", path, required=True)
        if request is None:
            return None
        method, _, target = request.partition(" ")
        if method.upper() not in METHODS or not target.strip().startswith("/"):
            self.fail(entry.lines["request"], f"{path}.request must be a method and a path, e.g. 'GET /api/v2/me'")
            return None
        if agent is None:
            return None
        return Request(
            **self._common(entry, path, number),
            agent=agent,
            method=method.upper(),
            path=target.strip(),
            json=entry.get("json"),
            reply=self._reply(entry, path),
        )

    def _customer(self, entry: Marked, path: str, number: int) -> Step | None:
        self.only(entry, path, ("name", "save", "customer", "call", "from", "to", "party", "digits", "userData"))
        action = self.text(entry, "customer", path, required=True)
        if action is None:
            return None
        if action not in WORLD_ACTIONS:
            self.fail(entry.lines["customer"], f"{path}.customer must be one of {', '.join(WORLD_ACTIONS)}")
            return None
        needed = {"call": ("from", "to"), "dtmf": ("call", "digits")}.get(action, ("call",))
        for key in needed:
            if entry.get(key) is None:
                self.fail(entry.line, f"{path}: customer {action} needs {key}")
        if action == "call" and "call" in entry:
            self.fail(entry.lines["call"], f"{path}.call: a new call has no id yet; save it with save:")
        user_data = entry.get("userData")
        if user_data is not None and not isinstance(user_data, dict):
            self.fail(entry.lines["userData"], f"{path}.userData must be a mapping")
        common = self._common(entry, path, number)
        if action == "call" and common["save"] is None:
            common["save"] = "call"  # what ${call.id} refers to
        return World(
            **common,
            action=action,
            call=entry.get("call"),
            caller=entry.get("from"),
            to=entry.get("to"),
            party=entry.get("party"),
            digits=entry.get("digits"),
            user_data=user_data,
        )

    def _visitor(self, entry: Marked, path: str, number: int) -> Step | None:
        self.only(entry, path, ("name", "save", "visitor", "chat", "queue", "nickname", "subject", "text"))
        action = self.text(entry, "visitor", path, required=True)
        if action is None:
            return None
        if action not in VISITOR_ACTIONS:
            self.fail(entry.lines["visitor"], f"{path}.visitor must be one of {', '.join(VISITOR_ACTIONS)}")
            return None
        needed = {"chat": ("nickname",), "message": ("chat", "text")}.get(action, ("chat",))
        for key in needed:
            if entry.get(key) is None:
                self.fail(entry.line, f"{path}: visitor {action} needs {key}")
        if action == "chat" and "chat" in entry:
            self.fail(entry.lines["chat"], f"{path}.chat: a new chat has no id yet; save it with save:")
        common = self._common(entry, path, number)
        if action == "chat" and common["save"] is None:
            common["save"] = "chat"  # what ${chat.id} refers to
        return Visitor(
            **common,
            action=action,
            chat=entry.get("chat"),
            queue=entry.get("queue"),
            nickname=entry.get("nickname"),
            subject=entry.get("subject"),
            text=entry.get("text"),
        )

    def _email(self, entry: Marked, path: str, number: int) -> Step | None:
        self.only(entry, path, ("name", "save", "email", "to", "cc", "queue", "subject", "text", "attachments"))
        sender = self.text(entry, "email", path, required=True)
        attachments = entry.get("attachments")
        if attachments is not None and not isinstance(attachments, list):
            self.fail(entry.lines["attachments"], f"{path}.attachments must be a list of {{name, mimeType, content}}")
        common = self._common(entry, path, number)
        if common["save"] is None:
            common["save"] = "email"  # what ${email.id} refers to
        if sender is None:
            return None
        return Email(
            **common,
            sender=sender,
            to=entry.get("to"),
            cc=entry.get("cc"),
            queue=entry.get("queue"),
            subject=entry.get("subject"),
            text=entry.get("text"),
            attachments=attachments,
        )

    def _wait(self, entry: Marked, path: str, number: int) -> Step | None:
        self.only(entry, path, ("name", "wait"))
        seconds = self.seconds(entry, "wait", path)
        return None if seconds is None else Wait(**self._common(entry, path, number), seconds=seconds)

    def _expect(self, entry: Marked, path: str, number: int) -> Step | None:
        self.only(entry, path, ("name", "save", "expect"))
        spec = entry["expect"]
        where = f"{path}.expect"
        if not self.mapping(spec, where, entry.lines["expect"]):
            return None
        if "statistic" in spec:
            return self._expect_statistic(entry, spec, path, number)
        self.only(spec, where, ("agent", "topic", "match", "within", "count"))
        agent = self.agent(spec, where)
        topic = self.text(spec, "topic", where) or TOPICS[0]
        if topic not in TOPICS:
            self.fail(spec.lines["topic"], f"{where}.topic must be one of {', '.join(TOPICS)}")
        match = spec.get("match", {})
        if not isinstance(match, dict):
            self.fail(spec.lines["match"], f"{where}.match must map field paths (call.state) to values")
            match = {}
        within = self.seconds(spec, "within", where)
        count = spec.get("count")
        if count is not None and not (isinstance(count, int) and not isinstance(count, bool) and count >= 0):
            self.fail(spec.lines["count"], f"{where}.count must be a whole number, 0 for 'never'")
            count = None
        if count is not None and entry.get("save") is not None and count != 1:
            self.fail(entry.lines["save"], f"{path}.save: only a single notification can be saved (count 1)")
        if agent is None:
            return None
        return Expect(
            **self._common(entry, path, number),
            agent=agent,
            topic=topic,
            match=dict(match),
            within=within if within is not None else self.timeout,
            count=count,
        )

    def _expect_statistic(self, entry: Marked, spec: Marked, path: str, number: int) -> Step | None:
        """`expect: {statistic: ServiceLevel, object: Sales line, value: 100, within: 30}`."""
        where = f"{path}.expect"
        self.only(spec, where, ("statistic", "object", "value", "within"))
        statistic = self.text(spec, "statistic", where, required=True)
        target = self.text(spec, "object", where, required=True)
        value = spec.get("value")
        if "value" not in spec:
            self.fail(spec.line, f"{where}.value is missing")
        elif not _is_number(value) and not (isinstance(value, str) and values.REFERENCE.fullmatch(value)):
            self.fail(spec.lines["value"], f"{where}.value must be a number (or a ${{...}} reference to one)")
        within = self.seconds(spec, "within", where)
        if statistic is None or target is None:
            return None
        return ExpectStatistic(
            **self._common(entry, path, number),
            statistic=statistic,
            object=target,
            value=value,
            within=within if within is not None else self.timeout,
        )

    def _traffic(self, entry: Marked, path: str, number: int) -> Step | None:
        self.only(entry, path, ("name", "save", "traffic"))
        spec = entry["traffic"]
        where = f"{path}.traffic"
        if not self.mapping(spec, where, entry.lines["traffic"]):
            return None
        keys = ("to", "duration", "seed", "arrivals", "talk", "wrapUp", "patience", "agents")
        self.only(spec, where, keys)
        for key in keys[:-1]:
            if key not in spec:
                self.fail(spec.line, f"{where}.{key} is missing")
        to = spec.get("to")
        if to is not None and not isinstance(to, str):
            self.fail(spec.lines["to"], f'{where}.to must be a string (quote it: "{to}")')
        duration = self.seconds(spec, "duration", where)
        seed = spec.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            self.fail(spec.lines["seed"], f"{where}.seed must be an integer")
            seed = 0
        times = {key: self.distribution(spec, key, where) for key in ("arrivals", "talk", "wrapUp", "patience")}
        agents = spec.get("agents", [])
        if not isinstance(agents, list) or not all(isinstance(name, str) for name in agents):
            self.fail(spec.lines["agents"], f"{where}.agents must be a list of agent names")
            agents = []
        for name in agents:
            if name not in self.agent_names:
                self.fail(spec.lines["agents"], f"{where}.agents: no agent named {name!r}")
        arrivals, talk, wrap_up, patience = times["arrivals"], times["talk"], times["wrapUp"], times["patience"]
        if duration is None or arrivals is None or talk is None or wrap_up is None or patience is None:
            return None
        return Traffic(
            **self._common(entry, path, number),
            spec=TrafficSpec(to, duration, seed, arrivals, talk, wrap_up, patience, tuple(agents)),
        )

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
        if len(parameters) != DISTRIBUTIONS[kind] or not all(_is_number(p) and p >= 0 for p in parameters):
            self.fail(entry.lines[key], f"{where}: {kind} takes {DISTRIBUTIONS[kind]} number(s) of seconds, 0 or more")
            return None
        if kind == "uniform" and parameters[0] > parameters[1]:
            self.fail(entry.lines[key], f"{where}: uniform needs low <= high")
            return None
        return Distribution(kind, tuple(float(p) for p in parameters))

    # ------------------------------------------------------------------ fields

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
            hint = f' (quote it: "{value}")' if _is_number(value) else ""
            self.fail(entry.lines[key], f"{where} must be a non-empty string{hint}")
            return None
        return value

    def seconds(self, entry: Marked, key: str, path: str) -> float | None:
        value = entry.get(key)
        if value is None:
            return None
        if not _is_number(value) or value < 0:
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
