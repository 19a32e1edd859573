"""Hypothesis strategies for sequences of operations, to property-test a client against the simulator.

An `Action` names who acts (an agent, or the world) and what they do. Calls do not exist when the
sequence is drawn, so an action on a call says which of the actor's calls by position (`call`, taken
modulo the calls the actor has when it runs); an action that finds no call is skipped. That keeps every
drawn sequence playable and lets hypothesis shrink a failure to a short story.

    @given(action_sequences(["agent1", "agent2"], numbers=["5001", "5002", "+15557650000"]))
    def test_...(actions): ...   # play them with `play(action, sim, agents)`
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from ..core.voice import CALL_OPERATIONS
from ..core.voice.call_params import CALL_PARAMETERS, DIGITS, NUMBER, USER_DATA
from .simulation import Agent, Simulation

WORLD = "world"
CUSTOMERS = ("+15551230000", "+15551230001")
AGENT_STATE_OPERATIONS = ("Ready", "NotReady", "AfterCallWork", "DoNotDisturbOn", "DoNotDisturbOff")
WORLD_OPERATIONS = ("call", "Hangup", "SendDtmf", "wait")


@dataclass(frozen=True)
class Action:
    """One thing that happens: `actor` is an agent's name or "world"; `call` picks one of the actor's
    calls (the world: of all calls) by position when the action runs."""

    actor: str
    operation: str
    call: int | None = None
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        on = "" if self.call is None else f" on call #{self.call}"
        return f"{self.actor} {self.operation}{on} {self.params or ''}".strip()


def _digits() -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789*#", min_size=1, max_size=4)


def _user_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(["orderId", "segment", "note"]), st.text(max_size=5), min_size=1, max_size=2)


def agent_actions(agents: Sequence[str], numbers: Sequence[str]) -> st.SearchStrategy[Action]:
    """What an agent does: a call operation (with parameters drawn from `numbers`), Dial, or a state change."""
    agent = st.sampled_from(list(agents))
    number = st.sampled_from(list(numbers))
    call = st.integers(min_value=0, max_value=3)

    def call_operation(name: str) -> st.SearchStrategy[Action]:
        """Parameters drawn from the voice core's table: the required numbers, digits and user data (calls
        named by other parameters are left out: the optional ones are, and the others refused, both useful)."""
        kinds = {NUMBER: number, DIGITS: _digits(), USER_DATA: _user_data()}
        row = {p.name: kinds[p.kind] for p in CALL_PARAMETERS.get(name, ()) if p.required and p.kind in kinds}
        return st.builds(Action, agent, st.just(name), call, st.fixed_dictionaries(row))

    operations = [call_operation(name) for name in CALL_OPERATIONS]
    dial = st.builds(Action, agent, st.just("Dial"), st.none(), st.fixed_dictionaries({"destination": number}))
    states = st.builds(Action, agent, st.sampled_from(AGENT_STATE_OPERATIONS))
    return st.one_of(dial, states, *operations)


def world_actions(numbers: Sequence[str], customers: Sequence[str] = CUSTOMERS) -> st.SearchStrategy[Action]:
    """What the world does: a customer calls one of `numbers`, hangs up, presses keys; or time passes."""
    call = st.integers(min_value=0, max_value=3)
    place = st.builds(
        Action,
        st.just(WORLD),
        st.just("call"),
        st.none(),
        st.fixed_dictionaries({"from": st.sampled_from(list(customers)), "to": st.sampled_from(list(numbers))}),
    )
    hangup = st.builds(Action, st.just(WORLD), st.just("Hangup"), call)
    dtmf = st.builds(Action, st.just(WORLD), st.just("SendDtmf"), call, st.fixed_dictionaries({"digits": _digits()}))
    wait = st.builds(
        Action, st.just(WORLD), st.just("wait"), st.none(), st.fixed_dictionaries({"seconds": st.integers(0, 40)})
    )
    return st.one_of(place, hangup, dtmf, wait)


def action_sequences(
    agents: Sequence[str], numbers: Sequence[str], *, max_size: int = 20
) -> st.SearchStrategy[list[Action]]:
    """Interleavings of agents' and the world's actions. `numbers`: what agents dial and customers call
    (agents' and queues' numbers, external numbers)."""
    internal = [number for number in numbers if not number.startswith("+")] or list(numbers)
    return st.lists(st.one_of(agent_actions(agents, numbers), world_actions(internal)), max_size=max_size)


async def play(action: Action, sim: Simulation, agents: Mapping[str, Agent]) -> tuple[int, Any] | None:
    """Perform one action through the simulator's HTTP API: (HTTP status, body), or None when skipped
    (no call to act on). Refusals are answers like any other: the caller decides what must hold."""
    if action.actor == WORLD:
        return await _play_world(action, sim)
    agent = agents[action.actor]
    if action.call is None:
        body = {"operationName": action.operation, **action.params}
        path = f"/api/v2/devices/{agent.device_id}/calls" if action.operation == "Dial" else "/api/v2/me"
        return await agent.request("POST", path, body)
    calls = await agent.calls()
    if not calls:
        return None
    call = calls[action.call % len(calls)]
    body = {"operationName": action.operation, **action.params}
    return await agent.request("POST", f"/api/v2/me/calls/{call['id']}", body)


async def _play_world(action: Action, sim: Simulation) -> tuple[int, Any] | None:
    if action.operation == "wait":
        await sim.advance(float(action.params["seconds"]))
        return None
    if action.operation == "call":
        return await sim.simulator.control("POST", "/sim/calls", dict(action.params))
    _, listing = await sim.simulator.control("GET", "/sim/calls")
    calls = listing.get("calls", [])
    if not calls:
        return None
    call = calls[(action.call or 0) % len(calls)]
    external = [party["number"] for party in call.get("parties", []) if party.get("role") == "external"]
    body: dict[str, Any] = {"operationName": action.operation, **action.params}
    if external:
        body["party"] = external[0]
    return await sim.simulator.control("POST", f"/sim/calls/{call['id']}", body)
