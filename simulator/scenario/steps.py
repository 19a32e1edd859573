"""The steps of a scenario file, each checked for its shape, the agents it names, its operation and the
variables it uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.media import INTERACTION_OPERATIONS
from ..core.voice import CALL_OPERATIONS
from . import values
from .fields import FieldReader, Marked, MarkedList, is_number
from .model import (
    TOPICS,
    VISITOR_ACTIONS,
    WORLD_ACTIONS,
    Email,
    Expect,
    ExpectStatistic,
    Operation,
    Reply,
    Request,
    Step,
    Traffic,
    TrafficSpec,
    Visitor,
    Wait,
    World,
)

KINDS = ("operation", "request", "customer", "wait", "expect", "traffic", "visitor", "email")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


class StepReader(FieldReader):
    """Reads the `steps` list, one step kind per method."""

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
        needs: dict[str, tuple[str, ...]] = {"call": ("from", "to"), "dtmf": ("call", "digits")}
        action = self._action(entry, path, "customer", tuple(WORLD_ACTIONS), "call", needs)
        if action is None:
            return None
        user_data = entry.get("userData")
        if user_data is not None and not isinstance(user_data, dict):
            self.fail(entry.lines["userData"], f"{path}.userData must be a mapping")
        common = self._common_saved(entry, path, number, action == "call", "call")
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
        needs: dict[str, tuple[str, ...]] = {"chat": ("nickname",), "message": ("chat", "text")}
        action = self._action(entry, path, "visitor", tuple(VISITOR_ACTIONS), "chat", needs)
        if action is None:
            return None
        common = self._common_saved(entry, path, number, action == "chat", "chat")
        return Visitor(
            **common,
            action=action,
            chat=entry.get("chat"),
            queue=entry.get("queue"),
            nickname=entry.get("nickname"),
            subject=entry.get("subject"),
            text=entry.get("text"),
        )

    def _action(
        self,
        entry: Marked,
        path: str,
        role: str,
        actions: tuple[str, ...],
        thing: str,
        needs: dict[str, tuple[str, ...]],
    ) -> str | None:
        """The action of a customer or visitor step, checked alike: one of `actions`, with the keys it needs
        (`needs`, else the id of the `thing` it acts on); the action that makes a new `thing` names none."""
        action = self.text(entry, role, path, required=True)
        if action is None:
            return None
        if action not in actions:
            self.fail(entry.lines[role], f"{path}.{role} must be one of {', '.join(actions)}")
            return None
        for key in needs.get(action, (thing,)):
            if entry.get(key) is None:
                self.fail(entry.line, f"{path}: {role} {action} needs {key}")
        if action == thing and thing in entry:
            self.fail(entry.lines[thing], f"{path}.{thing}: a new {thing} has no id yet; save it with save:")
        return action

    def _common_saved(self, entry: Marked, path: str, number: int, creates: bool, thing: str) -> dict[str, Any]:
        """The step's common fields; a step that makes a new `thing` is saved as `thing` (what ${call.id}
        or ${chat.id} refers to) unless it says where."""
        common = self._common(entry, path, number)
        if creates and common["save"] is None:
            common["save"] = thing
        return common

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
        elif not is_number(value) and not (isinstance(value, str) and values.REFERENCE.fullmatch(value)):
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
