"""A simulator for a team's own tests: started in this process on a virtual clock, with agents that act
over real HTTP and listen over a real Bayeux client, and the world (customers) driven through /sim.

    async with simulation() as sim:
        agent1 = await sim.agent("agent1@example.com", ready=True)
        call = await sim.call("+15551230000", agent1.phone_number)
        await agent1.expect({"call.id": call, "call.state": "Ringing"})
        await agent1.operation("Answer", call=call)

It is the scenario runner's machinery without YAML: the same agents, the same waits on the clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from ..scenario import target
from ..scenario.agent import AgentClient
from ..scenario.model import DEFAULT_ADMIN, DEFAULT_PASSWORD, DEFAULT_TIMEOUT, AgentSpec
from ..scenario.runner import await_notification


class SimulatorError(AssertionError):
    """The simulator refused a request the test expected to succeed."""


class Agent:
    """A logged-in agent: REST with its credentials, and the notifications its Bayeux client received."""

    def __init__(self, client: AgentClient, simulator: target.Simulator) -> None:
        self.client = client
        self._simulator = simulator

    @property
    def user_id(self) -> str:
        return str(self.client.variables["userId"])

    @property
    def device_id(self) -> str:
        return str(self.client.variables["deviceId"])

    @property
    def phone_number(self) -> str:
        return str(self.client.variables["phoneNumber"])

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """(HTTP status, JSON body) of any REST request, e.g. `request("GET", "/api/v2/me/calls")`."""
        return await self.client.request(method, path, body)

    async def operation(
        self, name: str, *, call: str | None = None, path: str | None = None, check: bool = True, **params: Any
    ) -> Any:
        """POST `{"operationName": name, **params}` on `path`, or the call's path, or /me (Dial: the device's
        calls). With `check`, a statusCode other than 0 raises SimulatorError; the body is returned."""
        if path is None:
            if call is not None:
                path = f"/api/v2/me/calls/{call}"
            elif name == "Dial":
                path = f"/api/v2/devices/{self.device_id}/calls"
            elif name in ("ForwardCallsOn", "ForwardCallsOff"):
                path = f"/api/v2/devices/{self.device_id}"
            else:
                path = "/api/v2/me"
        status, body = await self.client.request("POST", path, {"operationName": name, **params})
        if check and (not isinstance(body, dict) or body.get("statusCode") != 0):
            raise SimulatorError(f"{name} on {path}: HTTP {status} {body}")
        return body

    async def calls(self) -> list[dict[str, Any]]:
        """The agent's calls as GET /me/calls?fields=* shows them."""
        _, body = await self.client.request("GET", "/api/v2/me/calls?fields=*")
        return list(body.get("calls", []))

    async def expect(
        self, match: dict[str, Any], topic: str = "/v2/me/calls", within: float = DEFAULT_TIMEOUT
    ) -> dict[str, Any]:
        """The next notification on `topic` matching `match` (field paths such as "call.state"), waiting
        up to `within` simulated seconds; raises AssertionError naming what arrived instead."""
        found = await await_notification(self.client, self._simulator, topic, match, within)
        if found is None:
            unread = self.client.inbox[topic][self.client.cursor[topic] :]
            raise AssertionError(f"no {topic} notification matched {match} within {within:g} s; unread: {unread}")
        return found  # type: ignore[no-any-return]

    def notifications(self, topic: str = "/v2/me/calls") -> list[dict[str, Any]]:
        """Every notification received on `topic` so far, read or not."""
        return list(self.client.inbox[topic])

    async def settle(self) -> None:
        """Return once every notification caused so far has arrived."""
        await self.client.settle()


class Simulation:
    """The running simulator: its URL, its clock, the world's actions, and agents to log in."""

    def __init__(self, simulator: target.Simulator, stack: AsyncExitStack) -> None:
        self.simulator = simulator
        self.url = simulator.url
        self._stack = stack

    async def agent(
        self, user: str, password: str = DEFAULT_PASSWORD, *, session: bool = True, ready: bool = False
    ) -> Agent:
        """Log a user in: REST client, Bayeux client on every /v2/me topic, then (by default) a voice session."""
        client = AgentClient(AgentSpec(user.split("@")[0], user, password, session, ready, 0), self.url)
        self._stack.push_async_callback(client.close)
        await client.start()
        return Agent(client, self.simulator)

    async def advance(self, seconds: float) -> None:
        """Let simulated time pass (every timer due on the way fires)."""
        await self.simulator.advance(seconds)

    def now(self) -> float:
        return self.simulator.now()

    async def call(self, caller: str, to: str, user_data: dict[str, Any] | None = None) -> str:
        """A customer calls an agent's or a queue's number; returns the call id."""
        body: dict[str, Any] = {"from": caller, "to": to}
        if user_data is not None:
            body["userData"] = user_data
        return str((await self.world("POST", "/sim/calls", body))["id"])

    async def customer(self, call_id: str, operation: str, party: str | None = None, **params: Any) -> None:
        """An external party acts on a call: "Hangup", "Answer" or "SendDtmf" (with digits)."""
        body = {"operationName": operation, **params}
        if party is not None:
            body["party"] = party
        await self.world("POST", f"/sim/calls/{call_id}", body)

    async def world(self, method: str, path: str, body: Any = None) -> Any:
        """A request with the admin's credentials (the control API /sim); raises if it is refused."""
        status, answer = await self.simulator.control(method, path, body)
        if not isinstance(answer, dict) or answer.get("statusCode") != 0:
            raise SimulatorError(f"{method} {path}: HTTP {status} {answer}")
        return answer


@asynccontextmanager
async def simulation(
    contact_center: str | None = None, admin: tuple[str, str] = DEFAULT_ADMIN
) -> AsyncIterator[Simulation]:
    """A fresh simulator on a virtual clock for the block (`contact_center`: a file; default built-in)."""
    async with AsyncExitStack() as stack:
        simulator = await stack.enter_async_context(target.in_process(contact_center, admin))
        yield Simulation(simulator, stack)


__all__ = ["Agent", "Simulation", "SimulatorError", "simulation"]
