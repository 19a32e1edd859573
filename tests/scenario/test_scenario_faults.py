"""A scenario's `faults:` section: checked as /sim/faults checks a plan, put in force for the steps, and
the library's desktop that loses its connection mid-call and, acknowledging, misses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenario import library
from simulator.scenario.reader import ScenarioError, read
from simulator.scenario.runner import run


async def test_the_reconnecting_desktop_misses_nothing_through_the_drops() -> None:
    result = await run(read(library.find("desktop_reconnect")[0]))
    assert result.passed, result.failure
    injected = result.saved["faults"]["faults"]["injected"]
    assert injected["dropped"] >= 3  # one per period of 10 s in which the desktop was sent anything


def test_a_mistake_in_the_faults_section_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: Bad faults\nagents: [agent1@example.com]\nfaults:\n  errors: [{route: /api/v2/me, rate: 3}]\n"
        "steps:\n  - wait: 1\n"
    )
    with pytest.raises(ScenarioError) as error:
        read(path)
    assert [str(problem) for problem in error.value.problems] == [
        f"{path}:4: faults: errors[0].rate must be a number between 0 and 1"
    ]


async def test_the_faults_are_in_force_for_the_steps_only(tmp_path: Path) -> None:
    path = tmp_path / "limited.yaml"
    path.write_text(
        "name: Rate limited\nagents: [agent1@example.com]\n"
        "faults: {rateLimit: {requests: 2, per: 60}}\n"
        "steps:\n"
        "  - {request: GET /api/v2/me, agent: agent1}\n"
        "  - {request: GET /api/v2/me, agent: agent1}\n"
        "  - {request: GET /api/v2/me, agent: agent1, status: 429, statusCode: 3}\n"
        "  - {wait: 60}\n"
        "  - {request: GET /api/v2/me, agent: agent1}\n"
    )
    result = await run(read(path))
    assert result.passed, result.failure
