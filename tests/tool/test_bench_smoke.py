"""The benchmark's whole path at a tiny load against our server, so that it cannot rot unnoticed.

It asserts that messages went through and that the report has its rows; it never asserts a time or a
rate, which would make it depend on the machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("psutil")

from bench.__main__ import ROOT, parse, run  # noqa: E402 - after the skip for a missing bench extra
from bench.simulator_load import SESSION_COOKIE, Agent, simulator  # noqa: E402

pytestmark = pytest.mark.timeout(60)

TINY = [
    *("--servers", "ours", "--clients", "20", "--rooms", "2", "--rooms-per-client", "1"),
    *("--rate", "20", "--duration", "1", "--knee-start", "20", "--knee-max", "20", "--step-seconds", "1"),
    *("--memory-sessions", "20", "--no-save", "--no-load"),
]


async def test_the_benchmark_delivers_and_reports_every_row() -> None:
    results = await run(parse(TINY))

    assert [(r.server, r.transport) for r in results.fanouts] == [
        ("bayeux (ours)", "websocket"),
        ("bayeux (ours)", "long-polling"),
    ]
    for result in results.fanouts:
        assert result.published == 20
        assert result.expected == 200  # 20 messages, each to the 10 clients of its room
        assert result.delivered == result.expected, result
        assert result.histogram.total == result.delivered
    assert set(results.tried) == {("bayeux (ours)", "websocket"), ("bayeux (ours)", "long-polling")}
    assert all(steps[0].delivered > 0 for steps in results.tried.values())
    assert [m.connected for m in results.memory] == [20, 20]
    for heading in ("## Fan-out at 20 msg/s", "## Ours / theirs", "## Knee", "## Memory per idle session"):
        assert heading in results.text
    assert results.text.count("| bayeux (ours) | websocket |") == 3
    assert results.text.count("| bayeux (ours) | long-polling |") == 3


async def test_the_simulator_under_load_runs_cycles_and_matches_every_notification() -> None:
    args = parse(["--load-only", "--load-agents", "5", "--load-seconds", "2", "--bare-seconds", "1", "--no-save"])
    results = await run(args)

    simulator, bare = results.loads
    assert (simulator.server, bare.server) == ("simulator (gwsim serve)", "bare aiohttp")
    assert simulator.connected == bare.connected == 5, simulator.problems
    assert simulator.cycles > 0 and simulator.errors == simulator.timeouts == 0, simulator.problems
    assert simulator.operations == 5 * simulator.cycles  # posted, Answer, Hold, Retrieve, Hangup
    assert simulator.notified.total == simulator.rest.total == simulator.operations
    assert bare.cycles > 0 and bare.notified.total == 0
    assert "## Simulator under load (5 agents" in results.text
    assert "| simulator (gwsim serve) | 5/5 |" in results.text
    assert "| bare aiohttp | 5/5 |" in results.text
    assert "| simulator (gwsim serve) / bare aiohttp |" in results.text
    assert "## Fan-out" not in results.text


def test_the_multimedia_bench_reports_a_row_per_size() -> None:
    script = Path(__file__).resolve().parents[2] / "bench" / "media_operations.py"
    command = [sys.executable, str(script), "--agents", "5,12", "--live", "2", "--cycles", "2"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=50).stdout
    rows = [line.split("|")[1:-1] for line in output.splitlines() if line.startswith("| ") and "---" not in line]
    assert [row[0].strip() for row in rows[1:]] == ["5", "12"]
    assert all(float(cell) > 0 for row in rows[1:] for cell in row[1:])


async def test_the_load_driver_keeps_each_users_session_cookie() -> None:
    """As a browser desktop: Basic credentials until an answer sets the session cookie, then the cookie,
    which the simulator takes as that session (it sets none again); the admin's session is apart."""
    async with simulator(1, ROOT) as server:
        agent = Agent(0, "127.0.0.1", int(server.url.rsplit(":", 1)[1]))
        try:
            login = {"operationName": "StartContactCenterSession", "channels": ["voice"]}
            await agent.post("/api/v2/me", login, agent.headers)
            assert agent.connection.cookie(SESSION_COOKIE) is not None  # Basic opened a session
            opened = dict(agent.sessions)

            await agent.post("/api/v2/me", {"operationName": "Ready"}, agent.headers)
            assert agent.connection.cookie(SESSION_COOKIE) is None  # the cookie was the session
            assert agent.sessions == opened

            await agent.post("/sim/calls", {"from": agent.customer, "to": agent.number}, agent.admin)
            assert set(agent.sessions) == {agent.headers["Authorization"], agent.admin["Authorization"]}
        finally:
            await agent.close()
