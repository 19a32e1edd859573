"""Running scenarios: the virtual clock, what passes and fails, and the `gwsim` command's output, exit codes,
JUnit XML and --repeat. The command tests run the installed `gwsim` in a subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from simulator.scenario import parse, run

RUN_BOUND = 120  # seconds: the bound of each gwsim subprocess

DIAL = """\
name: dial
agents:
  - user: agent1@example.com
    ready: true
steps:
  - agent: agent1
    operation: Dial
    params: {destination: "+15557650000"}
  - expect:
      agent: agent1
      match: {call.state: Dialing}
    save: dialing
"""


def scenario(text: str):  # noqa: ANN201
    return parse(text, "<test>")


async def test_a_long_wait_takes_simulated_time_not_real_time() -> None:
    result = await run(scenario(DIAL + "  - wait: 3600\n"))
    assert result.passed, result.failure
    assert result.steps[-1].simulated == 3600.0
    assert result.steps[-1].real < 60  # an hour of simulated time, far less of real time


async def test_an_expectation_ends_at_the_first_match_on_the_virtual_clock() -> None:
    # the simulated network answers an external number after 2 s
    text = DIAL + "  - expect:\n      agent: agent1\n      match: {call.state: Established}\n      within: 5\n"
    result = await run(scenario(text))
    assert result.passed, result.failure
    assert result.steps[-1].simulated == 2.0


async def test_an_expectation_fails_when_the_event_comes_after_the_bound() -> None:
    text = DIAL + "  - expect:\n      agent: agent1\n      match: {call.state: Established}\n      within: 1.5\n"
    result = await run(scenario(text))
    assert not result.passed
    assert result.steps[-1].simulated == 1.5
    assert result.steps[-1].message == "no /v2/me/calls notification within 1.5 s"  # Dialing was step 2's


async def test_count_zero_fails_when_it_happens_and_passes_when_it_does_not() -> None:
    never = "  - expect:\n      agent: agent1\n      match: {call.state: %s}\n      within: 5\n      count: 0\n"
    happened = await run(scenario(DIAL + never % "Established"))
    assert not happened.passed
    assert "1 matching /v2/me/calls notifications, expected 0" in happened.steps[-1].message
    absent = await run(scenario(DIAL + never % "Held"))
    assert absent.passed, absent.failure
    assert absent.steps[-1].simulated == 5.0  # the whole window was watched


async def test_the_first_failure_stops_the_scenario() -> None:
    text = DIAL + "  - {agent: agent1, operation: Hold, call: '${dialing.call.id}'}\n  - wait: 10\n"
    result = await run(scenario(text))
    assert not result.passed
    assert len(result.steps) == 3  # the wait was not run
    assert "statusCode 2, expected 0" in result.steps[-1].message
    assert result.failure is not None and result.failure.startswith("step 3 (line ")


async def test_a_reference_to_a_missing_field_fails_the_step() -> None:
    result = await run(scenario(DIAL + "  - {agent: agent1, operation: Hangup, call: '${dialing.call.nope}'}\n"))
    assert not result.passed
    assert "dialing.call.nope does not exist" in result.steps[-1].message


async def test_request_steps_check_status_statuscode_and_body() -> None:
    text = DIAL.split("steps:\n")[0] + (
        "steps:\n"
        "  - {agent: agent1, request: GET /api/v2/me, body: {user: {userName: agent1@example.com}}, save: me}\n"
        "  - {agent: agent1, request: 'GET /api/v2/users/${me.user.id}', status: 200}\n"
        "  - {agent: agent1, request: GET /api/v2/users/nobody, status: 404, statusCode: 6}\n"
        "  - {agent: agent1, request: GET /api/v2/me, body: {user: {userName: someone}}}\n"
    )
    result = await run(scenario(text))
    assert [step.passed for step in result.steps] == [True, True, True, False]
    assert "user.userName: expected 'someone', got 'agent1@example.com'" in result.steps[-1].message


async def test_a_run_that_cannot_start_says_why() -> None:
    result = await run(scenario(DIAL), url="http://127.0.0.1:9")  # nothing listens on the discard port
    assert not result.passed
    assert result.error is not None and result.error.startswith("could not start: ")


# ---------------------------------------------------------------------- the gwsim command


def gwsim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = shutil.which("gwsim", path=str(Path(sys.executable).parent)) or shutil.which("gwsim")
    assert command is not None, "gwsim is not installed"
    return subprocess.run([command, *args], cwd=cwd, capture_output=True, text=True, timeout=RUN_BOUND)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_text(DIAL)
    (tmp_path / "failing.yaml").write_text(
        DIAL.replace("name: dial", "name: failing")
        + "  - expect:\n      agent: agent1\n      match: {call.state: Held}\n      within: 3\n"
    )
    (tmp_path / "broken.yaml").write_text("name: broken\nsteps:\n  - wait: soon\n")
    return tmp_path


def test_run_prints_each_step_and_a_summary_and_exits_0(files: Path) -> None:
    done = gwsim("run", "good.yaml", cwd=files)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "good.yaml: dial"
    assert lines[1].startswith("  ok     1 agent1 Dial  [") and lines[1].endswith(" ms, t=0 s]")
    assert lines[2].startswith("  ok     2 agent1 gets /v2/me/calls call.state=Dialing")
    assert lines[3].startswith("  passed (2 steps, ")
    assert lines[-1].startswith("1 scenario runs: 1 passed, 0 failed")


def test_a_failing_run_names_the_step_and_line_and_exits_1(files: Path) -> None:
    done = gwsim("run", "good.yaml", "failing.yaml", cwd=files)
    assert done.returncode == 1
    assert "  FAIL   3 agent1 gets /v2/me/calls call.state=Held within 3 s" in done.stdout
    assert (
        "         line 13: none of 1 /v2/me/calls notifications matched within 3 s;"
        " last: call.state: expected 'Held', got 'Established'"
    ) in done.stdout
    assert done.stdout.splitlines()[-1].startswith("2 scenario runs: 1 passed, 1 failed")


def test_a_broken_file_runs_nothing_and_exits_2(files: Path) -> None:
    done = gwsim("run", "good.yaml", "broken.yaml", cwd=files)
    assert done.returncode == 2
    assert "broken.yaml:3: steps[0].wait must be a number of seconds, 0 or more" in done.stderr
    assert "good.yaml: dial" not in done.stdout


def test_junit_xml_has_a_case_per_run_and_the_failure(files: Path) -> None:
    done = gwsim("run", "good.yaml", "failing.yaml", "--junit", "out.xml", cwd=files)
    assert done.returncode == 1
    root = ET.parse(files / "out.xml").getroot()
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "2", "1")
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) == {"good.yaml", "failing.yaml"}
    assert suites["good.yaml"].find("testcase/failure") is None
    failure = suites["failing.yaml"].find("testcase/failure")
    assert failure is not None and failure.get("message", "").startswith("step 3 (line 13)")
    assert "FAIL 3 (line 13)" in (failure.text or "")


def test_repeat_runs_copies_at_once_with_progress_lines(files: Path) -> None:
    done = gwsim("run", "good.yaml", "--repeat", "3", "--junit", "out.xml", cwd=files)
    assert done.returncode == 0, done.stdout + done.stderr
    progress = [line for line in done.stdout.splitlines() if line.startswith("[")]
    assert sorted(line.split("]")[0] for line in progress) == ["[1/3", "[2/3", "[3/3"]
    assert done.stdout.splitlines()[-1].startswith("3 scenario runs: 3 passed, 0 failed")
    names = sorted(case.get("name") for case in ET.parse(files / "out.xml").getroot().iter("testcase"))
    assert names == ["dial", "dial #2", "dial #3"]


def test_repeat_summary_details_failures(files: Path) -> None:
    done = gwsim("run", "failing.yaml", "--repeat", "2", cwd=files)
    assert done.returncode == 1
    assert "failures:" in done.stdout
    assert "  failing.yaml #2: step 3 (line 13)" in done.stdout


def test_check_exits_0_for_good_files_and_1_with_every_problem(files: Path) -> None:
    good = gwsim("check", "good.yaml", "failing.yaml", cwd=files)
    assert (good.returncode, good.stdout.strip()) == (0, "2 scenario file(s) OK")
    bad = gwsim("check", "good.yaml", "broken.yaml", cwd=files)
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        "broken.yaml:3: steps[0].wait must be a number of seconds, 0 or more",
        "1 problem(s) in 2 file(s)",
    ]


TWO_TRANSPORTS = """\
name: both transports
agents:
  - user: agent1@example.com
    ready: true
    transport: long-polling
  - user: agent2@example.com
    ready: true
steps:
  - agent: agent1
    operation: Dial
    params: {destination: "${agent2.phoneNumber}"}
  - expect: {agent: agent2, match: {call.state: Ringing}}
    save: ringing
  - agent: agent2
    operation: Answer
    call: ${ringing.call.id}
  - expect: {agent: agent1, match: {call.state: Established}}
  - expect: {agent: agent2, match: {call.state: Established}}
"""


async def test_agents_on_either_transport_follow_the_same_call() -> None:
    parsed = scenario(TWO_TRANSPORTS)
    assert [agent.transport for agent in parsed.agents] == ["long-polling", "websocket"]
    result = await run(parsed)
    assert result.passed, result.failure


def test_an_unknown_transport_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: s\nagents:\n  - user: agent1@example.com\n    transport: smoke-signals\nsteps:\n  - wait: 1\n"
    )
    checked = subprocess.run(
        [sys.executable, "-m", "simulator", "check", str(path)], capture_output=True, text=True, timeout=RUN_BOUND
    )
    assert checked.returncode == 1
    assert f"{path}:4: agents[0].transport must be one of websocket, long-polling" in checked.stdout + checked.stderr
