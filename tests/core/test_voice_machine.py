"""Random operation sequences through the public API only: REST as three agents, /sim as the world.

A hypothesis state machine posts call operations, dials, external calls, agent-state changes and clock
advances against a served simulator on a virtual clock, with three aiocometd-ng desktops listening. After
every step it checks, from what the agents were sent and what GETs show:

- every capability a call advertises is accepted, and every other operation is refused (statusCode 2)
  with nothing changed and nobody told anything;
- every leg of a call agrees on who is on it (both ends of a two-party call, every leg of a conference);
- a released call has left /me/calls, and /me/calls shows the documents the notifications carried;
- the agent state /me/devices shows is the one the last /v2/me/devices notification carried.

The server and the desktops live on an event loop in a thread of their own, so the (synchronous) rules
call them through `run`. A failure shrinks to a short list of named steps, such as
`any_operation(who=0, pick=0, name='Hold', number='5002')`, with a note naming the agent, operation and
call of each call operation.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from typing import Any

import aiohttp
import pytest
from conftest import LiveServer, start_server
from desktop import WAIT, Desktop, open_desktop, same_call
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from rest_client import ADMIN, AGENT1, AGENT2, AGENT3, Reply, Rest

from simulator.core.voice import CALL_OPERATIONS, VirtualClock

pytestmark = pytest.mark.interop

NUMBERS = {1: "5001", 2: "5002", 3: "5003"}
USERS = {1: AGENT1, 2: AGENT2, 3: AGENT3}
EXTERNAL = ("+15550200", "+15550300")
CALLER = "+15550100"
AGENTS = st.sampled_from((1, 2, 3))
DESTINATIONS = st.sampled_from((*NUMBERS.values(), *EXTERNAL))
# Operations whose success depends on what their parameters point at (another call, a participant, a
# key, a destination already on the call): offered, they may still be refused for the parameter.
PARAMETER_BOUND = {
    "SingleStepTransfer",
    "SingleStepConference",
    "InitiateTransfer",
    "InitiateConference",
    "CompleteTransfer",
    "CompleteConference",
    "RemoveParticipantFromConference",
    "SwapCalls",
    "MergeWithOtherCall",
    "DeleteUserDataPair",
}
# Operations that only annotate a call; offered_operation leaves them to any_operation so that most of its
# steps move calls along (answer, hold, transfer, conference...).
DETAILS = {
    "AttachUserData",
    "UpdateUserData",
    "DeleteUserData",
    "DeleteUserDataPair",
    "SendDtmf",
    "MuteCall",
    "UnmuteCall",
    "StartCallRecording",
    "StopCallRecording",
    "PauseCallRecording",
    "ResumeCallRecording",
}
AGENT_OPERATIONS = (
    "StartContactCenterSession",
    "EndContactCenterSession",
    "Ready",
    "NotReady",
    "AfterCallWork",
    "OutToLunch",
    "DoNotDisturbOn",
    "DoNotDisturbOff",
)


class Rig:
    """A served simulator with three desktops, on an event loop running in its own thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.runner, self.server = self.run(start_server(clock=VirtualClock()))
        self.http: aiohttp.ClientSession = self.run(self._session())
        self.admin = Rest(self.http, self.server.url, ADMIN)
        self.desktops: dict[int, Desktop] = {
            agent: self.run(open_desktop(self.server.url, self.server.bayeux, self.http, user, self._id(user)))
            for agent, user in USERS.items()
        }

    def _id(self, user: str) -> str:
        server: LiveServer = self.server
        return server.user_id(user)

    @staticmethod
    async def _session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(WAIT * 3)

    def close(self) -> None:
        for desktop in self.desktops.values():
            self.run(desktop.close())
        self.run(self.http.close())
        self.run(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(WAIT)


@pytest.fixture(scope="module")
def rig() -> Iterator[Rig]:
    rig = Rig()
    yield rig
    rig.close()


class Office(RuleBasedStateMachine):
    rig: Rig

    # ------------------------------------------------------------------ plumbing

    def sim(self, method: str, path: str, body: Any = None) -> Reply:
        return self.rig.run(self.rig.admin.request(method, f"{self.rig.server.url}/sim{path}", json=body))

    def post(self, agent: int, path: str, body: dict[str, Any]) -> Reply:
        return self.rig.run(self.rig.desktops[agent].post(path, body))

    def get(self, agent: int, path: str) -> dict[str, Any]:
        return self.rig.run(self.rig.desktops[agent].get(path))

    def calls_of(self, agent: int) -> list[dict[str, Any]]:
        return self.get(agent, "/me/calls?fields=*")["calls"]

    def voice_state(self) -> Any:
        return self.sim("GET", "/state").body["state"]["voice"]

    def collect(self) -> dict[int, list[dict[str, Any]]]:
        """What each agent was sent since the last step; remembered as the last documents they know."""
        sent = {agent: self.rig.run(desktop.sync()) for agent, desktop in self.rig.desktops.items()}
        for agent, messages in sent.items():
            for message in messages:
                data = message["data"]
                if message["channel"] == "/v2/me/calls" and "call" in data:
                    self.told_calls[agent][data["call"]["id"]] = data["call"]
                elif message["channel"] == "/v2/me/devices":
                    self.told_device[agent] = data["devices"][0]
        return sent

    def unchanged(self, before: Any, what: str) -> None:
        assert self.voice_state() == before, f"{what} was refused but changed the state"
        sent = self.collect()
        assert all(not messages for messages in sent.values()), f"{what} was refused but notified {sent}"

    # ------------------------------------------------------------------ setup

    @initialize()
    def reset(self) -> None:
        assert self.sim("POST", "/reset").code == 0
        self.told_calls: dict[int, dict[str, dict[str, Any]]] = {agent: {} for agent in NUMBERS}
        self.told_device: dict[int, dict[str, Any] | None] = {agent: None for agent in NUMBERS}
        self.initial_device = {agent: self.get(agent, "/me/devices?fields=*")["devices"][0] for agent in NUMBERS}
        self.collect()
        self.told_calls = {agent: {} for agent in NUMBERS}

    # ------------------------------------------------------------------ rules

    @rule(agent=AGENTS, destination=DESTINATIONS)
    def dial(self, agent: int, destination: str) -> None:
        device = self.get(agent, "/me/devices")["uris"][0].rsplit("/", 1)[1]
        before = self.voice_state()
        reply = self.post(agent, f"/devices/{device}/calls", {"operationName": "Dial", "destination": destination})
        if reply.code != 0:
            assert reply.code in (1, 2), reply.body
            self.unchanged(before, f"Dial {destination}")
        self.collect()

    def busy_agents(self) -> list[int]:
        """The agents with a call going on, as their notifications say."""
        return [agent for agent, calls in self.told_calls.items() if any(
            call["state"] != "Released" for call in calls.values())]  # fmt: skip

    @precondition(lambda self: self.busy_agents())
    @rule(who=st.integers(0, 2), pick=st.integers(0, 3), choice=st.integers(0, 30), number=DESTINATIONS)
    def offered_operation(self, who: int, pick: int, choice: int, number: str) -> None:
        """One of the call-flow operations a call advertises, by an agent who has calls: most steps should
        move calls along."""
        busy = self.busy_agents()
        agent = busy[who % len(busy)]
        calls = self.calls_of(agent)
        call = calls[pick % len(calls)]
        offered = [name for name in call["capabilities"] if name not in DETAILS]
        if offered:
            self._operate(agent, call, calls, offered[choice % len(offered)], number)

    @precondition(lambda self: self.busy_agents())
    @rule(who=st.integers(0, 2), pick=st.integers(0, 3), name=st.sampled_from(CALL_OPERATIONS), number=DESTINATIONS)
    def any_operation(self, who: int, pick: int, name: str, number: str) -> None:
        busy = self.busy_agents()
        agent = busy[who % len(busy)]
        calls = self.calls_of(agent)
        self._operate(agent, calls[pick % len(calls)], calls, name, number)

    def _operate(self, agent: int, call: dict[str, Any], calls: list[dict[str, Any]], name: str, number: str) -> None:
        others = [other for other in calls if other["id"] != call["id"]]
        params = self._params(name, call, others, number)
        note(f"agent {agent}: {name} {params} on call {call['id']} ({call['state']})")
        before = self.voice_state()
        reply = self.post(agent, f"/me/calls/{call['id']}", {"operationName": name, **params})
        if name in call["capabilities"]:
            if name not in PARAMETER_BOUND:
                assert reply.code == 0, f"{name} was offered on {call['state']} but refused: {reply.body}"
        else:
            assert reply.code == 2, f"{name} was not offered on {call['state']} but answered {reply.body}"
        if reply.code != 0:
            self.unchanged(before, f"{name} on {call['state']}")
        self.collect()

    @staticmethod
    def _params(name: str, call: dict[str, Any], others: list[dict[str, Any]], target: str) -> dict[str, Any]:
        if name in ("SingleStepTransfer", "SingleStepConference", "InitiateTransfer", "InitiateConference"):
            return {"destination": target}
        if name in ("CompleteTransfer", "CompleteConference"):
            return {"consultCallUri": others[0]["uri"]} if others else {"consultCallUri": call["uri"]}
        if name in ("SwapCalls", "MergeWithOtherCall"):
            return {"otherCallUri": others[0]["uri"] if others else call["uri"]}
        if name == "RemoveParticipantFromConference":
            return {"participant": call["participants"][0] if call["participants"] else target}
        if name == "SendDtmf":
            return {"digits": "1"}
        if name in ("AttachUserData", "UpdateUserData"):
            return {"userData": {"k": "v"}}
        if name == "DeleteUserDataPair":
            return {"key": "k"}
        return {}

    @rule(agent=AGENTS)
    def customer_calls(self, agent: int) -> None:
        reply = self.sim("POST", "/calls", {"from": CALLER, "to": NUMBERS[agent]})
        assert reply.code == 0, reply.body
        self.collect()

    @rule(pick=st.integers(0, 3), name=st.sampled_from(("Answer", "Hangup", "SendDtmf")))
    def customer_acts(self, pick: int, name: str) -> None:
        def external(party: dict[str, Any]) -> bool:
            return party["role"] == "external"

        calls = [call for call in self.sim("GET", "/calls").body["calls"] if any(map(external, call["parties"]))]
        if not calls:
            return
        call = calls[pick % len(calls)]
        party = next(party for party in call["parties"] if external(party))
        before = self.voice_state()
        body = {"operationName": name, "party": party["number"], "digits": "9"}
        reply = self.sim("POST", f"/calls/{call['id']}", body)
        if reply.code != 0:
            assert reply.code == 2, reply.body
            self.unchanged(before, f"the customer's {name}")
        self.collect()

    @rule(agent=AGENTS, name=st.sampled_from(AGENT_OPERATIONS))
    def agent_state(self, agent: int, name: str) -> None:
        before = self.voice_state()
        body: dict[str, Any] = {"operationName": name}
        if name == "StartContactCenterSession":
            body["channels"] = ["voice"]
        reply = self.post(agent, "/me", body)
        if reply.code != 0:
            assert reply.code == 2, reply.body
            self.unchanged(before, name)
        self.collect()

    @rule(agent=AGENTS, name=st.sampled_from(("ForwardCallsOn", "ForwardCallsOff", "DoNotDisturbOn")), to=DESTINATIONS)
    def device_operation(self, agent: int, name: str, to: str) -> None:
        device = self.get(agent, "/me/devices")["uris"][0].rsplit("/", 1)[1]
        before = self.voice_state()
        reply = self.post(agent, f"/devices/{device}", {"operationName": name, "destination": to})
        if reply.code != 0:
            assert reply.code in (1, 2), reply.body
            self.unchanged(before, f"{name} {to}")
        self.collect()

    @rule(seconds=st.sampled_from((0.5, 2.0, 31.0)))
    def time_passes(self, seconds: float) -> None:
        assert self.sim("POST", "/clock", {"advance": seconds}).code == 0
        self.collect()

    # ------------------------------------------------------------------ invariants

    @invariant()
    def calls_are_what_the_agents_were_told(self) -> None:
        legs: dict[str, dict[int, dict[str, Any]]] = {}
        for agent in NUMBERS:
            listed = {call["id"]: call for call in self.calls_of(agent)}
            for call_id, told in self.told_calls[agent].items():
                if told["state"] == "Released":
                    assert call_id not in listed, f"agent {agent}: released call {call_id} is still listed"
                else:
                    assert call_id in listed, f"agent {agent}: call {call_id} ({told['state']}) is not listed"
                    assert same_call(listed[call_id], told), f"agent {agent}: GET differs from the last message"
            assert set(listed) <= set(self.told_calls[agent]), f"agent {agent} lists a call nobody told them of"
            for call_id, call in listed.items():
                legs.setdefault(call_id, {})[agent] = call
        for call_id, by_agent in legs.items():
            parties = {frozenset({NUMBERS[agent], *call["participants"]}) for agent, call in by_agent.items()}
            assert len(parties) == 1, f"the legs of call {call_id} disagree on who is on it: {by_agent}"
            uuids = {call["callUuid"] for call in by_agent.values()}
            assert len(uuids) == 1

    @invariant()
    def devices_are_what_the_agents_were_told(self) -> None:
        for agent in NUMBERS:
            shown = self.get(agent, "/me/devices?fields=*")["devices"][0]
            told = self.told_device[agent] or self.initial_device[agent]
            for key in ("userState", "deviceState", "doNotDisturb", "capabilities", "forwardTo"):
                assert shown.get(key) == told.get(key), f"agent {agent}: {key} {shown.get(key)} != {told.get(key)}"
            channel = self.get(agent, "/me/channels/voice")["channel"]
            assert channel["userState"] == shown["userState"]


def test_random_operations_keep_every_view_consistent(rig: Rig) -> None:
    Office.rig = rig
    test = Office.TestCase
    test.settings = settings(
        max_examples=40,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    test().runTest()
