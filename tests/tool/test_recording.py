"""Record and replay: a run recorded through /sim/recording replays identical on a fresh simulator, a
changed contact center is reported at the first event it changes, and the recording converted to a
scenario passes with `gwsim run`."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings

from simulator import cli
from simulator.recording.replay import parse, replay
from simulator.scenario.reader import read
from simulator.scenario.runner import run
from simulator.testing import simulation
from simulator.testing.strategies import action_sequences, play

DEFAULT_CENTER = Path(__file__).resolve().parents[2] / "simulator" / "default_contact_center.yaml"
NUMBERS = ["5001", "5002", "8000", "+15557650000"]


async def _record(actions: Any = (), *, ring: bool = False) -> list[dict[str, Any]]:
    """The lines of a recording of a run: agents logged in and Ready, then `actions` (or one call that
    rings agent1 until it is not answered), then a minute of simulated time."""
    async with simulation() as sim:
        status, body = await sim.simulator.control("POST", "/sim/recording", {"operationName": "Start"})
        assert (status, body["statusCode"]) == (200, 0), body
        agents = {name: await sim.agent(f"{name}@example.com", ready=True) for name in ("agent1", "agent2")}
        if ring:
            await sim.call("+15551230000", agents["agent1"].phone_number)
        for action in actions:
            await play(action, sim, agents)
        await sim.advance(60)
        status, body = await sim.simulator.control("POST", "/sim/recording", {"operationName": "Stop"})
        assert body["statusCode"] == 0 and body["events"] > 0, body
        _, body = await sim.simulator.control("GET", "/sim/recording")
        return list(body["recording"]["lines"])


def _write(lines: list[dict[str, Any]], path: Path) -> Path:
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return path


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action_sequences(["agent1", "agent2"], numbers=NUMBERS, max_size=12))
def test_a_random_run_recorded_replays_identical(actions: Any) -> None:
    lines = asyncio.run(_record(actions))
    recorded = parse(orjson.dumps(line).decode() for line in lines)
    assert [line["seq"] for line in recorded.events] == list(range(1, len(recorded.events) + 1))
    assert any(entry["path"] == "/sim/clock" for entry in recorded.inputs)
    outcome = asyncio.run(replay(recorded))
    assert outcome.difference is None
    assert outcome.events == len(recorded.events)


def test_gwsim_replay_says_identical_and_counts_the_events(tmp_path: Path, capsys: Any) -> None:
    lines = asyncio.run(_record(ring=True))
    events = sum(1 for line in lines if line["type"] == "event")
    assert cli.main(["replay", str(_write(lines, tmp_path / "run.jsonl"))]) == 0
    assert capsys.readouterr().out.strip() == f"identical, {events} events"


def test_a_changed_contact_center_is_reported_at_the_first_event_it_changes(tmp_path: Path, capsys: Any) -> None:
    """The call rings unanswered: after the contact center's no-answer timeout (30 s) it ends. Replayed over
    a contact center whose timeout is 20 s, the first event after the ringing differs, by its time."""
    lines = asyncio.run(_record(ring=True))
    events = [line for line in lines if line["type"] == "event"]
    first_later = next(index for index, line in enumerate(events) if line["time"] > 0)
    assert events[first_later]["time"] == 30.0
    center = tmp_path / "center.yaml"
    center.write_text(DEFAULT_CENTER.read_text() + "\ntelephony:\n  noAnswerTimeout: 20\n")
    recording = _write(lines, tmp_path / "run.jsonl")
    assert cli.main(["replay", str(recording), "--contact-center", str(center)]) == 1
    said = capsys.readouterr().out
    assert said.startswith(f"event {first_later + 1} differs (time 30.0 recorded, 20.0 replayed)"), said
    assert re.search(r"after input \d+: POST /sim/clock at t=", said), said  # the move it happened in


def test_the_recording_as_a_scenario_passes_with_gwsim_run(tmp_path: Path, capsys: Any) -> None:
    async def answered_call() -> list[dict[str, Any]]:
        async with simulation() as sim:
            await sim.simulator.control("POST", "/sim/recording", {"operationName": "Start"})
            agent = await sim.agent("agent1@example.com", ready=True)
            call = await sim.call("+15551230000", agent.phone_number)
            await agent.operation("Answer", call=call)
            await sim.advance(42)
            await agent.operation("Hold", call=call)
            await agent.operation("Bogus", call=call, check=False)  # refused: the scenario expects the refusal
            await agent.operation("Retrieve", call=call)
            await agent.operation("Hangup", call=call)
            await sim.advance(5)
            await sim.simulator.control("POST", "/sim/recording", {"operationName": "Stop"})
            _, body = await sim.simulator.control("GET", "/sim/recording")
            return list(body["recording"]["lines"])

    recording = _write(asyncio.run(answered_call()), tmp_path / "run.jsonl")
    target = tmp_path / "run.yaml"
    assert cli.main(["scenario", str(recording), "-o", str(target), "--name", "Answered call"]) == 0
    text = target.read_text()
    assert "call.state: Held" in text and "wait: 42.0" in text and "statusCode: 2" in text, text
    scenario = read(target)
    assert scenario.name == "Answered call"
    result = asyncio.run(run(scenario))
    assert result.passed, result.failure
    assert cli.main(["run", str(target)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out


def _record_a_new_user() -> list[dict[str, Any]]:
    async def record() -> list[dict[str, Any]]:
        async with simulation() as sim:
            await sim.simulator.control("POST", "/sim/recording", {"operationName": "Start"})
            user = {"userName": "temp@example.com", "password": "pw", "firstName": "T", "lastName": "U"}
            status, body = await sim.simulator.control("POST", "/api/v2/users", user)
            assert (status, body["statusCode"]) == (200, 0), body
            await sim.simulator.control("POST", "/sim/recording", {"operationName": "Stop"})
            _, body = await sim.simulator.control("GET", "/sim/recording")
            return list(body["recording"]["lines"])

    return asyncio.run(record())


def test_a_recording_of_the_first_format_replays_without_its_incomplete_user_ids(tmp_path: Path, capsys: Any) -> None:
    """Format 1 did not name the user a change created; a recording of it still replays identical, while
    the same omission in today's format is a difference."""
    lines = _record_a_new_user()
    assert lines[0]["version"] == 2
    changed = [line for line in lines if line.get("kind") == "CenterChanged"]
    assert changed and all(line["user_ids"] for line in changed), changed
    for line in changed:
        line["user_ids"] = []  # as format 1 wrote them
    assert cli.main(["replay", str(_write(lines, tmp_path / "now.jsonl"))]) == 1
    assert "differs (user_ids)" in capsys.readouterr().out
    lines[0]["version"] = 1
    assert cli.main(["replay", str(_write(lines, tmp_path / "old.jsonl"))]) == 0
    assert capsys.readouterr().out.startswith("identical")


def test_a_recording_format_this_simulator_does_not_read_is_refused(tmp_path: Path, capsys: Any) -> None:
    for version in (3, "2", None):
        header = {"type": "recording", "version": version, "contactCenter": None, "clock": "virtual"}
        path = _write([header], tmp_path / "future.jsonl")
        assert cli.main(["replay", str(path)]) == 2
        said = capsys.readouterr().err
        assert f"future.jsonl:1: version {version!r} is not a recording format" in said and "1 to 2" in said, said


def test_the_recording_api_refuses_what_it_cannot_do() -> None:
    async def check() -> None:
        async with simulation() as sim:
            status, body = await sim.simulator.control("POST", "/sim/recording", {"operationName": "Stop"})
            assert (status, body["statusCode"]) == (400, 2) and "no recording" in body["statusMessage"]
            await sim.simulator.control("POST", "/sim/recording", {"operationName": "Start"})
            status, body = await sim.simulator.control("POST", "/sim/recording", {"operationName": "Start"})
            assert (status, body["statusCode"]) == (400, 2) and "already" in body["statusMessage"]
            status, body = await sim.simulator.control("POST", "/sim/recording", {"operationName": "Pause"})
            assert (status, body["statusCode"]) == (400, 2) and "operationName" in body["statusMessage"]

    asyncio.run(check())


def test_a_file_that_is_not_a_recording_is_refused(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "event"}\n')
    assert cli.main(["replay", str(bad)]) == 2
    assert "bad.jsonl:1: the first line must be the recording header" in capsys.readouterr().err


def test_gwsim_record_writes_every_line_and_ends_the_file_on_sigterm(tmp_path: Path, capsys: Any) -> None:
    import base64
    import os
    import subprocess
    import sys
    import urllib.request

    output = tmp_path / "served.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "record", "--port", "0", "--clock", "virtual", "-o", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert process.stdout is not None
        banner = ""
        for line in process.stdout:
            banner += line
            if "press Ctrl+C" in line:
                break
        found = re.search(r"http://[^:]+:(\d+)/api/v2", banner)
        assert found, banner
        token = base64.b64encode(b"admin@example.com:password").decode()
        for path, body in (("/sim/calls", {"from": "+15551230000", "to": "5001"}), ("/sim/clock", {"advance": 40})):
            request = urllib.request.Request(
                f"http://127.0.0.1:{found.group(1)}{path}",
                data=orjson.dumps(body),
                headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status == 200
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert process.returncode == 0 and f"recorded to {output}" in errors
    lines = [orjson.loads(text) for text in output.read_text().splitlines()]
    assert [line["type"] for line in (lines[0], lines[-1])] == ["recording", "end"]
    assert lines[0] == {"type": "recording", "version": 2, "contactCenter": None, "clock": "virtual"}
    assert [line["path"] for line in lines if line["type"] == "input"] == ["/sim/calls", "/sim/clock"]
    assert lines[-1]["time"] == 40.0 and lines[-1]["inputs"] == 2
    assert cli.main(["replay", str(output)]) == 0
    assert capsys.readouterr().out.startswith("identical, ")


def test_a_request_a_fault_answered_is_no_input(tmp_path: Path) -> None:
    async def faulted() -> list[dict[str, Any]]:
        async with simulation() as sim:
            await sim.simulator.control("POST", "/sim/recording", {"operationName": "Start"})
            agent = await sim.agent("agent1@example.com")
            plan = {"errors": [{"route": "/api/v2/me", "method": "POST", "rate": 1}]}
            await sim.simulator.control("POST", "/sim/faults", plan)
            status, _ = await agent.request("POST", "/api/v2/me", {"operationName": "Ready"})
            assert status == 500
            await sim.simulator.control("DELETE", "/sim/faults")
            await sim.simulator.control("POST", "/sim/recording", {"operationName": "Stop"})
            _, body = await sim.simulator.control("GET", "/sim/recording")
            return list(body["recording"]["lines"])

    lines = asyncio.run(faulted())
    inputs = [(line["path"], line.get("body")) for line in lines if line["type"] == "input"]
    assert inputs == [("/api/v2/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})]
    assert asyncio.run(replay(parse(orjson.dumps(line).decode() for line in lines))).identical
