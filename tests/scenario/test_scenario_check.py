"""Bad scenario files: every problem names the file, the line at fault and the reason, all in one pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenario import check, read
from simulator.scenario.reader import Problem

GOOD_HEAD = """\
name: a scenario
agents:
  - user: agent1@example.com
    ready: true
steps:
"""


def problems_of(tmp_path: Path, text: str, name: str = "bad.yaml") -> list[Problem]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    found = check(path)
    for problem in found:
        assert problem.source == str(path)
        assert str(problem).startswith(f"{path}:{problem.line}: ")
    return found


def only_problem(tmp_path: Path, text: str) -> tuple[int, str]:
    found = problems_of(tmp_path, text)
    assert len(found) == 1, [str(problem) for problem in found]
    return found[0].line, found[0].reason


@pytest.mark.parametrize(
    ("steps", "line", "reason"),
    [
        ("  - wait: -1\n", 6, "wait must be a number of seconds"),
        ("  - wait: 1\n    expect: {agent: agent1}\n", 6, "exactly one of operation, request, customer, wait, expect"),
        ("  - {agent: agent7, operation: Ready}\n", 6, "no agent named 'agent7'"),
        ("  - agent: agent1\n    operation: Hld\n    call: x\n", 7, "'Hld' is not a call operation"),
        ("  - agent: agent1\n    operation: Hold\n", 7, "(a call operation needs call:)"),
        ("  - agent: agent1\n    operation: Answer\n    call: ${nothing.id}\n", 8, "${nothing} is not defined"),
        (
            "  - {agent: agent1, operation: Ready, statusCode: 9}\n",
            6,
            "statusCode must be one of the reference's 0 to 7",
        ),
        ("  - {agent: agent1, request: FETCH /api/v2/me}\n", 6, "request must be a method and a path"),
        ("  - {customer: call, to: '5001'}\n", 6, "customer call needs from"),
        ("  - {customer: leave, call: x}\n", 6, "customer must be one of call, hangup, dtmf, answer"),
        ("  - customer: dtmf\n    call: x\n", 6, "customer dtmf needs digits"),
        ("  - expect: {agent: agent1, topic: /v2/me/things}\n", 6, "topic must be one of /v2/me/calls"),
        ("  - expect: {agent: agent1, count: -1}\n", 6, "count must be a whole number, 0 for 'never'"),
        ("  - expect: {agent: agent1, match: [call.state]}\n", 6, "match must map field paths"),
        ("  - {agent: agent1, operation: Ready, paramz: {}}\n", 6, "steps[0].paramz is not a known field"),
        ("  - {agent: agent1, operation: Ready, params: {operationName: NotReady}}\n", 6, "give the operation as"),
        ("  - {customer: call, from: '+1555', to: '5001', save: 'my call'}\n", 6, "is not a usable variable name"),
    ],
)
def test_a_bad_step_is_reported_at_its_line(tmp_path: Path, steps: str, line: int, reason: str) -> None:
    found_line, found_reason = only_problem(tmp_path, GOOD_HEAD + steps)
    assert (found_line, reason in found_reason) == (line, True), found_reason


def test_a_variable_is_usable_only_after_the_step_that_saves_it(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "  - {agent: agent1, operation: Answer, call: '${later.id}'}\n"
        "  - {customer: call, from: '+15551230000', to: '5001', save: later}\n"
        "  - {agent: agent1, operation: Answer, call: '${later.id}'}\n"
    )
    line, reason = only_problem(tmp_path, text)
    assert line == 6 and "${later} is not defined" in reason


def test_agents_variables_and_the_default_call_name_are_defined(tmp_path: Path) -> None:
    text = (
        "variables: {customer: '+15551230000'}\n"
        + GOOD_HEAD
        + (
            "  - {customer: call, from: '${customer}', to: '${agent1.phoneNumber}'}\n"
            "  - {agent: agent1, operation: Answer, call: '${call.id}'}\n"
        )
    )
    assert problems_of(tmp_path, text) == []


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = "name: several\nunknown: 1\nagents: [agent1@example.com]\nsteps:\n"
    text += "  - wait: x\n  - {agent: bob, operation: Ready}\n"
    found = problems_of(tmp_path, text)
    assert [(problem.line, problem.reason.split(" ")[0]) for problem in found] == [
        (2, "unknown"),
        (5, "steps[0].wait"),
        (6, "steps[1].agent:"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("name: x\nsteps:\n  - wait: 1\n   - wait: 2\n", 4, "not valid YAML"),
        ("", 1, "the file is empty"),
        ("- wait: 1\n", 1, "a scenario must be a mapping"),
        ("steps:\n  - wait: 1\n", 1, "name is missing"),
        ("name: x\n", 1, "steps is missing"),
        ("name: x\nsteps: []\n", 2, "steps must be a non-empty list"),
        ("name: x\ntimeout: soon\nsteps:\n  - wait: 1\n", 2, "timeout must be a number of seconds"),
        ("name: x\nagents:\n  - user: nobody@example.com\nsteps:\n  - wait: 1\n", 3, "has no user 'nobody@"),
        ("name: x\nagents:\n  - {user: agent1@example.com, session: false, ready: true}\nsteps:\n  - wait: 1\n", 3,
         "an agent needs a session to be Ready"),
        ("name: x\nagents: [agent1@example.com, agent1@example.com]\nsteps:\n  - wait: 1\n", 2,
         "an agent named 'agent1' is already declared"),
        ("name: x\ncontactCenter: missing.yaml\nsteps:\n  - wait: 1\n", 2, "contactCenter: "),
        ("name: 5\nsteps:\n  - wait: 1\n", 1, 'name must be a non-empty string (quote it: "5")'),
    ],
)  # fmt: skip
def test_a_bad_file_is_reported_at_its_line(tmp_path: Path, text: str, line: int, reason: str) -> None:
    found_line, found_reason = only_problem(tmp_path, text)
    assert found_line == line and reason in found_reason, found_reason


def test_a_broken_contact_center_is_named_with_its_own_line(tmp_path: Path) -> None:
    (tmp_path / "center.yaml").write_text("name: c\nusers:\n  - userName: a@example.com\n    pasword: x\n")
    line, reason = only_problem(tmp_path, "name: x\ncontactCenter: center.yaml\nsteps:\n  - wait: 1\n")
    assert line == 2
    assert f"{tmp_path / 'center.yaml'}:4:" in reason


def test_a_contact_center_file_brings_its_users_and_agent_states(tmp_path: Path) -> None:
    (tmp_path / "center.yaml").write_text(
        "name: c\nusers:\n  - {userName: zoe@example.com, password: pw, devices: [{phoneNumber: '7001'}]}\n"
        "settings:\n  agentStates:\n    - {operationName: Training, displayName: Training, state: NotReady, "
        "workMode: AuxWork, reason: Training}\n"
    )
    text = (
        "name: x\ncontactCenter: center.yaml\nagents:\n  - {user: zoe@example.com, password: pw}\n"
        "steps:\n  - {agent: zoe, operation: Training}\n"
    )
    path = tmp_path / "ok.yaml"
    path.write_text(text)
    scenario = read(path)
    assert scenario.contact_center == str(tmp_path / "center.yaml")
    assert [agent.name for agent in scenario.agents] == ["zoe"]


def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    found = check(tmp_path / "absent.yaml")
    assert len(found) == 1 and found[0].line == 1 and "cannot read" in found[0].reason


TRAFFIC = """\
  - traffic:
      to: "8000"
      duration: 60
      seed: 1
      arrivals: {exponential: 10}
      talk: {constant: 30}
      wrapUp: {uniform: [5, 10]}
      patience: {normal: [60, 20]}
"""


def test_a_traffic_step_reads_its_distributions(tmp_path: Path) -> None:
    path = tmp_path / "traffic.yaml"
    later = "  - {agent: agent1, request: GET /api/v2/me, body: {x: '${run.offered}'}}\n"
    path.write_text(GOOD_HEAD + TRAFFIC + "    save: run\n" + later)
    spec = read(path).steps[0].spec  # type: ignore[attr-defined]
    assert (spec.duration, spec.seed, spec.arrivals.kind) == (60.0, 1, "exponential")
    assert spec.wrap_up.parameters == (5.0, 10.0)


@pytest.mark.parametrize(
    ("old", "new", "line", "reason"),
    [
        ("{exponential: 10}", "{poisson: 10}", 10, "arrivals must be one of constant: s, uniform"),
        ("{uniform: [5, 10]}", "{uniform: [10, 5]}", 12, "wrapUp: uniform needs low <= high"),
        ("{constant: 30}", "{constant: [1, 2]}", 11, "talk: constant takes 1 number(s) of seconds"),
        ("      seed: 1\n", "", 7, "traffic.seed is missing"),
        ("      duration: 60\n", "      duration: 60\n      agents: [nobody]\n", 9, "no agent named 'nobody'"),
        ('"8000"', "8000", 7, 'to must be a string (quote it: "8000")'),
    ],
)
def test_a_bad_traffic_step_is_reported_at_its_line(tmp_path: Path, old: str, new: str, line: int, reason: str) -> None:
    found_line, found_reason = only_problem(tmp_path, GOOD_HEAD + TRAFFIC.replace(old, new))
    assert found_line == line and reason in found_reason, (found_line, found_reason)
