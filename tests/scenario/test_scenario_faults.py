"""A scenario's `faults:` section: checked as /sim/faults checks a plan, put in force for the steps, and
the library's desktop that loses its connection mid-call and, acknowledging, misses nothing."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from simulator.scenario import library
from simulator.scenario.agent import basic_auth
from simulator.scenario.reader import ScenarioError, read
from simulator.scenario.runner import acknowledging, run


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


async def test_against_a_running_server_the_faults_are_lifted_at_the_end(tmp_path: Path, live_server) -> None:
    path = tmp_path / "failing.yaml"
    path.write_text(
        "name: Failing calls\nagents: [agent1@example.com]\n"
        "faults: {errors: [{route: /api/v2/me/calls, rate: 1}]}\n"
        "steps:\n  - {request: GET /api/v2/me/calls, agent: agent1, status: 500, statusCode: 4}\n"
    )
    result = await run(read(path), live_server.url)
    assert result.passed, result.failure
    async with aiohttp.ClientSession() as http:
        headers = basic_auth("admin@example.com", "password")
        async with http.get(live_server.url + "/sim/faults", headers=headers) as response:
            assert (await response.json())["faults"] == {
                "seed": 0,
                "injected": {"latency": 0, "errors": 0, "rateLimited": 0, "dropped": 0, "late": 0},
            }


@pytest.mark.parametrize(
    ("extra", "url", "acknowledged"),
    [
        ("steps:\n  - wait: 1\n", None, False),
        ("steps:\n  - wait: 1\n", "http://127.0.0.1:8080", True),
        ("faults:\n  errors: [{route: /api/v2/me, rate: 0.5}]\nsteps:\n  - wait: 1\n", None, True),
        ("steps:\n  - request: POST /sim/faults\n    agent: admin\n    json: {}\n", None, True),
        ("variables: {where: faults}\nsteps:\n  - request: GET /sim/${where}\n    agent: admin\n", None, True),
        ("steps:\n  - request: GET /sim/state\n    agent: admin\n", None, False),
    ],
)
def test_agents_acknowledge_whenever_a_notification_could_be_lost(
    tmp_path: Path, extra: str, url: str | None, acknowledged: bool
) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(
        "name: Acknowledging\nagents: [agent1@example.com, {user: admin@example.com, session: false}]\n" + extra
    )
    assert acknowledging(read(path), url) is acknowledged
