"""Running against a simulator that is already running (`--url`): its clock decides how time passes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

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
