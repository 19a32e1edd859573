"""A recording as a scenario of the library's format, which `gwsim run` plays on a fresh simulator.

Every input becomes a `request` step with the credentials of the user who sent it, expecting the HTTP
status and statusCode it got; the time between inputs becomes `wait` steps (clock moves are not steps:
the waits carry them); the call and interaction notifications the World's events made become `expect`
steps on the agent they went to, in the stream's order, each looked for at once (`within: 0`: it was
caused before). Everyone who sent an input or was told of an event is an agent of the scenario, starting
as the contact center has them (`session: false`), since the recording starts from the contact center as
loaded and its inputs log them in. Ids are the recorded ones: the simulator makes them from its seed in
the order things happen, so the same inputs give the same ids.

File uploads cannot be a `request` step and are left out (the converter says so).
"""

from __future__ import annotations

from typing import Any

import yaml

from ..center_file import load, load_default
from ..core.contact_center import ContactCenter
from ..core.profiles import PROFILES
from .recorder import Line
from .replay import CLOCK, Recorded

CALLS = "/v2/me/calls"


def convert(recorded: Recorded, name: str = "Recorded run", contact_center: str | None = None) -> tuple[str, list[str]]:
    """The scenario as YAML text, and what could not be converted (one line each)."""
    path = contact_center if contact_center is not None else recorded.header.get("contactCenter")
    center = load(path) if path else load_default()
    by_uuid = PROFILES[center.site.profile].id_is_call_uuid
    agents: dict[str, str] = {}  # userName -> the scenario's name for them
    steps: list[dict[str, Any]] = []
    left_out: list[str] = []
    events = sorted(recorded.events, key=lambda line: line["seq"])
    told = 0  # events turned into steps so far
    now = 0.0  # the scenario's time after the steps so far

    def agent(user_name: str) -> str:
        if user_name not in agents:
            base = user_name.split("@")[0] or "user"
            taken = set(agents.values())
            named, n = base, 1
            while named in taken:
                n += 1
                named = f"{base}{n}"
            agents[user_name] = named
        return agents[user_name]

    def wait_until(when: float) -> None:
        nonlocal now
        if when > now:
            steps.append({"wait": round(when - now, 6)})
            now = when

    def catch_up(to: float, seq: int | None) -> None:
        """Steps for the events up to `seq` (each after the time it happened), then time up to `to`."""
        nonlocal told
        while told < len(events) and (seq is None or events[told]["seq"] <= seq):
            wait_until(float(events[told]["time"]))
            step = _expectation(events[told], center, by_uuid, agent)
            if step is not None:
                steps.append(step)
            told += 1
        wait_until(to)

    for entry in recorded.inputs:
        if entry.get("user") is None:
            continue
        if entry["path"] == CLOCK:  # not a step: the waits before the events it let happen carry it
            catch_up(now, int(entry["seq"]))
            continue
        catch_up(float(entry["time"]), int(entry["seq"]))
        if "upload" in entry:
            left_out.append(f"{entry['method']} {entry['path']} at t={entry['time']:g}: a file upload")
            continue
        steps.append(_request(entry, agent(entry["user"])))
    catch_up(recorded.duration, None)
    scenario = {
        "name": name,
        "description": f"Converted from a recording of {len(recorded.inputs)} inputs and {len(events)} events.",
        **({"contactCenter": str(path)} if path else {}),
        "agents": [
            {"user": user, "password": _password(center, user), "name": named, "session": False}
            for user, named in agents.items()
        ],
        "steps": steps,
    }
    return _dump(scenario), left_out


def _request(entry: Line, agent: str) -> dict[str, Any]:
    target = entry["path"] + (f"?{entry['query']}" if entry.get("query") else "")
    step: dict[str, Any] = {"request": f"{entry['method']} {target}", "agent": agent}
    if "body" in entry:
        step["json"] = entry["body"]
    step["status"] = entry["status"]
    answer = entry.get("answer")
    step["statusCode"] = answer.get("statusCode") if isinstance(answer, dict) else None
    return step


def _expectation(event: Line, center: ContactCenter, by_uuid: bool, agent: Any) -> dict[str, Any] | None:
    user = center.users.get(event.get("user_id") or "")
    if user is None:
        return None
    kind = event["kind"]
    if kind == "CallStateChanged":
        call = event["call"]
        match = {
            "notificationType": event["notification_type"],
            "call.id": call["call_uuid"] if by_uuid else call["id"],
            "call.state": call["state"],
        }
        return {"expect": {"agent": agent(user.userName), "topic": CALLS, "match": match, "within": 0}}
    if kind == "InteractionMessage":
        data = event["data"]
        match = {key: value for key, value in data.items() if key in ("messageType", "notificationType")}
        interaction = data.get("interaction")
        if isinstance(interaction, dict):
            match.update({f"interaction.{key}": interaction[key] for key in ("id", "state") if key in interaction})
        return {"expect": {"agent": agent(user.userName), "topic": event["topic"], "match": match, "within": 0}}
    return None


def _password(center: ContactCenter, user_name: str) -> str:
    user = center.user_named(user_name)
    return user.password if user is not None else "password"


def _dump(scenario: dict[str, Any]) -> str:
    """Block style for the file, one flow mapping per step (as the console writes them)."""
    head = {key: value for key, value in scenario.items() if key not in ("agents", "steps")}
    text = yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=1000)
    text += "agents:\n" + "".join(f"  - {_flow(entry)}\n" for entry in scenario["agents"])
    text += "steps:\n" + "".join(f"  - {_flow(step)}\n" for step in scenario["steps"])
    return text


def _flow(value: dict[str, Any]) -> str:
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True, width=100000).strip()
