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
