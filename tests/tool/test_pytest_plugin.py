"""The `gwsim` pytest plugin's fixtures, used as a team would use them (the plugin is loaded through the
package's entry point), and its contact-center override."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.testing import Agent, Simulation

CENTER = """\
name: Two agents
users:
  - {userName: ann@example.com, password: secret, devices: [{phoneNumber: "7001"}]}
  - {userName: bob@example.com, password: secret, devices: [{phoneNumber: "7002"}]}
"""


async def test_fixtures_give_a_simulator_on_a_virtual_clock_and_logged_in_agents(
    gwsim: Simulation, gwsim_agent
) -> None:
    agent: Agent = await gwsim_agent("agent1@example.com", ready=True)
    assert agent.phone_number == "5001"
    call_id = await gwsim.call("+15551230000", agent.phone_number, {"orderId": "A-1"})
    ringing = await agent.expect({"call.id": call_id, "call.state": "Ringing"})
    assert ringing["call"]["userData"] == {"orderId": "A-1"}
    await agent.operation("Answer", call=call_id)
    await gwsim.advance(90)
    assert gwsim.now() == 90.0
    assert [call["duration"] for call in await agent.calls()] == ["90"]
    await gwsim.customer(call_id, "Hangup")
    await agent.expect({"call.id": call_id, "call.state": "Released"})


async def test_expect_names_what_arrived_when_nothing_matches(gwsim: Simulation, gwsim_agent) -> None:
    agent = await gwsim_agent("agent1@example.com", ready=True)
    await gwsim.call("+15551230000", agent.phone_number)
    with pytest.raises(AssertionError, match="no /v2/me/calls notification matched .* within 3 s; unread: .*Ringing"):
        await agent.expect({"call.state": "Held"}, within=3)
    assert gwsim.now() == 3.0


class TestOwnContactCenter:
    @pytest.fixture
    def gwsim_contact_center(self, tmp_path: Path) -> str:
        path = tmp_path / "center.yaml"
        path.write_text(CENTER)
        return str(path)

    async def test_the_override_loads_that_file(self, gwsim: Simulation, gwsim_agent) -> None:
        ann = await gwsim_agent("ann@example.com", "secret")
        bob = await gwsim_agent("bob@example.com", "secret", ready=True)
        body = await ann.operation("Dial", destination=bob.phone_number)
        await bob.expect({"call.id": body["id"], "call.state": "Ringing", "call.ani": "7001"})


def test_loading_the_plugin_imports_nothing_of_the_simulator() -> None:
    """Every pytest run of a user who installed the package loads the plugin: it must stay cheap."""
    import subprocess
    import sys

    code = (
        "import sys, simulator.pytest_plugin; "
        "print(sorted(m for m in sys.modules if m.startswith(('simulator.', 'aiohttp', 'yaml', 'orjson'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert loaded.stdout.strip() == "['simulator.pytest_plugin']"


def test_without_pytest_asyncio_a_fixture_says_what_to_install(tmp_path) -> None:
    import os
    import subprocess
    import sys

    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "pytest_asyncio.py").write_text("raise ModuleNotFoundError(\"No module named 'pytest_asyncio'\")\n")
    (tmp_path / "test_user.py").write_text("def test_uses_the_simulator(gwsim):\n    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:asyncio", "-p", "no:cacheprovider", "-q", "test_user.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(hide)},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "the gwsim fixtures are coroutines and need pytest-asyncio: pip install pytest-asyncio" in result.stdout
    assert "fixture 'gwsim' not found" not in result.stdout
