"""Running against a simulator that is already running (`--url`): its clock decides how time passes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from rest_client import ADMIN, basic

from simulator.app import create_app
from simulator.center_file import load_default
from simulator.core.voice import VirtualClock
from simulator.scenario import parse, run

# The simulated network answers an external number after 2 s.
DIAL = """\
name: dial and wait for the answer
agents:
  - user: agent1@example.com
    ready: true
steps:
  - {agent: agent1, operation: Dial, params: {destination: "+15557650000"}}
  - expect:
      agent: agent1
      match: {call.state: Established}
      within: 10
  - wait: 1
"""


async def serve(clock: VirtualClock | None) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(create_app(load_default(), clock=clock), handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def virtual_server() -> AsyncIterator[tuple[VirtualClock, str]]:
    clock = VirtualClock()
    runner, url = await serve(clock)
    yield clock, url
    await runner.cleanup()


@pytest.fixture
async def real_server() -> AsyncIterator[str]:
    runner, url = await serve(None)
    yield url
    await runner.cleanup()


async def test_a_running_simulator_on_a_virtual_clock_is_advanced(virtual_server: tuple[VirtualClock, str]) -> None:
    clock, url = virtual_server
    result = await run(parse(DIAL, "<test>"), url=url)
    assert result.passed, result.failure
    assert clock.now() == 3.0  # 2 s until the answer, then the wait
    assert [step.simulated for step in result.steps] == [0.0, 2.0, 3.0]


async def test_a_running_simulator_on_real_time_is_waited_for(real_server: str) -> None:
    started = time.monotonic()
    result = await run(parse(DIAL, "<test>"), url=real_server)
    elapsed = time.monotonic() - started
    assert result.passed, result.failure
    assert 2.0 <= result.steps[1].simulated < 10.0  # the answer came after the network's 2 s
    assert elapsed >= 3.0  # 2 s for the answer and the 1 s wait, really waited


async def test_long_runs_print_progress(real_server: str, monkeypatch, capsys) -> None:  # noqa: ANN001
    from simulator.scenario import command

    monkeypatch.setattr(command, "PROGRESS_EVERY", 0.2)
    waiting = parse("name: a second\nsteps:\n  - wait: 1\n", "<test>")
    results = await command._run_all([waiting], real_server, 1)
    assert results[0].passed, results[0].failure
    progress = [line for line in capsys.readouterr().out.splitlines() if line.startswith("... ")]
    assert progress and progress[0].startswith("... 0/1 scenario runs finished after ")


async def test_an_agent_the_running_server_does_not_have_is_named_with_the_file_it_needs(
    virtual_server: tuple[VirtualClock, str], tmp_path
) -> None:
    """With --url the scenario's own contact-center file is not loaded: the report says which agent is
    missing and which file the server would need, not the CometD refusal that follows."""
    (tmp_path / "center.yaml").write_text(
        "name: Elsewhere\nusers:\n  - {userName: agent01@example.com, password: password, roles: [ROLE_AGENT]}\n"
    )
    text = DIAL.replace("agent1@example.com", "agent01@example.com").replace("agent: agent1", "agent: agent01")
    scenario = parse("contactCenter: center.yaml\n" + text, "<test>", tmp_path)
    _, url = virtual_server
    result = await run(scenario, url=url)
    assert not result.passed
    assert result.error is not None
    assert "agent01@example.com cannot log in" in result.error and "401" in result.error, result.error
    assert "center.yaml" in result.error and "gwsim serve --contact-center" in result.error, result.error


async def test_each_run_against_a_running_server_starts_on_the_world_as_loaded(
    virtual_server: tuple[VirtualClock, str],
) -> None:
    """The dial scenario leaves its call going on; the next run still finds agent1 free, as loaded."""
    _, url = virtual_server
    first = await run(parse(DIAL, "<test>"), url=url)
    assert first.passed, first.failure
    async with aiohttp.ClientSession() as http, http.get(f"{url}/sim/calls", headers=basic(ADMIN)) as response:
        assert (await response.json())["calls"], "the first run's call is still going on"
    second = await run(parse(DIAL, "<test>"), url=url)
    assert second.passed, second.failure
    async with aiohttp.ClientSession() as http, http.get(f"{url}/sim/calls", headers=basic(ADMIN)) as response:
        assert len((await response.json())["calls"]) == 1, "only the second run's call"
