"""The Statistics API over real HTTP, on a virtual clock moved with POST /sim/clock.

The default contact center: queue 8000 (Sales line) requires Sales, held by agent1 (level 8) and agent2;
every statistic is sampled every 10 simulated seconds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from conftest import LiveServer, start_server
from rest_client import ADMIN, AGENT1, AGENT3, SUPERVISOR, Rest

from simulator.api.keys import CENTER
from simulator.center_file import load_default
from simulator.core.voice import VirtualClock

CUSTOMER = "+15551230000"
STATS = "/api/v1/stats"


@dataclass
class Office:
    server: LiveServer
    admin: Rest
    supervisor: Rest
    agent: Rest
    queue_id: str
    sales_id: str

    async def stats(self, path: str, **params: str) -> dict[str, Any]:
        return await self.supervisor.ok("GET", f"{self.server.url}{STATS}/{path}", **params)

    async def latest(self, object_id: str) -> dict[str, float]:
        body = await self.stats(object_id)
        assert body["objectId"] == object_id
        return {entry["statistic"]: entry["value"] for entry in body["statistics"]}

    async def advance(self, seconds: float) -> None:
        await self.admin.ok("POST", f"{self.server.url}/sim/clock", {"advance": seconds})

    async def call(self) -> str:
        return (await self.admin.ok("POST", f"{self.server.url}/sim/calls", {"from": CUSTOMER, "to": "8000"}))["id"]

    async def hang_up(self, call_id: str) -> None:
        await self.admin.ok("POST", f"{self.server.url}/sim/calls/{call_id}", {"operationName": "Hangup"})

    async def ready(self) -> None:
        await self.agent.ok("POST", "/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
        await self.agent.ok("POST", "/me/channels/voice", {"operationName": "Ready"})


@pytest.fixture
async def office() -> AsyncIterator[Office]:
    center = load_default()
    runner, server = await start_server(clock=VirtualClock(), center=center)
    queue = next(queue for queue in center.queues.values() if queue.name == "Sales line")
    sales = center.skill_named("Sales")
    assert sales is not None
    async with aiohttp.ClientSession() as http:
        yield Office(
            server, Rest(http, server.url, ADMIN), Rest(http, server.url, SUPERVISOR), Rest(http, server.url, AGENT1),
            queue.id, sales.id,
        )  # fmt: skip
    await runner.cleanup()


async def test_queue_statistics_follow_a_call_waiting_answered_and_one_abandoned(office: Office) -> None:
    assert (await office.stats(office.queue_id))["statistics"] == []  # nothing sampled before 10 s
    first = await office.call()
    await office.advance(25)
    latest = await office.latest(office.queue_id)
    assert latest["Current_In_Queue"] == 1 and latest["CurrMaxCallWaitingTime"] == 20
    assert latest["Total_Answered"] == 0 and latest["Total_Abandoned"] == 0
    await office.ready()  # the call rings agent1
    [call] = (await office.agent.ok("GET", "/me/calls", fields="*"))["calls"]
    await office.agent.ok("POST", f"/me/calls/{call['id']}", {"operationName": "Answer"})
    second = await office.call()
    await office.advance(5)
    await office.hang_up(second)  # abandoned after 5 s in the queue
    await office.advance(10)
    latest = await office.latest(office.queue_id)
    assert latest["Total_Answered"] == 1 and latest["Total_Abandoned"] == 1 and latest["Current_In_Queue"] == 0
    assert latest["ServiceLevel"] == 100  # answered after 25 s, within the 60 s threshold
    assert latest["AverageWaitingTime"] == 15  # (25 + 5) / 2
    assert first == call["id"]
    skill = await office.latest(office.sales_id)  # SKILL_Q: the calls of the queues requiring Sales
    assert skill["ServiceLevel"] == 100


async def test_agent_and_skill_statistics_count_ready_and_in_call_agents(office: Office) -> None:
    agent_id = office.server.user_id(AGENT1)
    await office.ready()
    await office.advance(30)
    skill = await office.latest(office.sales_id)
    assert skill["CurrentReadyAgents"] == 1 and skill["CurrNumberInCall"] == 0
    assert skill["LongestIdleTime"] == 30
    agent = await office.latest(agent_id)  # the agent's own sample says what the skill's says of them
    assert agent["CurrentReadyAgents"] == 1 and agent["LongestIdleTime"] == 30 and agent["CurrNumberInCall"] == 0
    assert agent["CurrentNotReadyAgents"] == 0
    await office.call()
    await office.advance(10)
    agent = await office.latest(agent_id)
    assert agent["CurrNumberInCall"] == 1 and agent["CurrentReadyAgents"] == 0 and agent["LongestIdleTime"] == 0
    [call] = (await office.agent.ok("GET", "/me/calls", fields="*"))["calls"]
    await office.agent.ok("POST", f"/me/calls/{call['id']}", {"operationName": "Answer"})
    await office.hang_up(call["id"])
    await office.agent.ok("POST", "/me/channels/voice", {"operationName": "NotReady"})
    await office.advance(10)
    skill = await office.latest(office.sales_id)
    assert skill["CurrentNotReadyAgents"] == 1 and skill["CurrNumberInCall"] == 0 and skill["CurrentReadyAgents"] == 0


async def test_a_virtual_hour_has_its_360_samples_newest_first(office: Office) -> None:
    await office.advance(3600)
    body = await office.stats(f"{office.queue_id}/Current_In_Queue", numValues="1000")
    assert body["objectId"] == office.queue_id
    [entry] = body["statistics"]
    assert entry["statistic"] == "Current_In_Queue"
    times = [value["time"] for value in entry["values"]]
    assert len(times) == 360 and times == sorted(times, reverse=True)
    assert {time - times[-1] for time in times} == {10_000 * step for step in range(360)}
    [one] = (await office.stats(f"{office.queue_id}/Current_In_Queue"))["statistics"][0]["values"]
    assert one["time"] == times[0]
    ranged = await office.stats(f"{office.queue_id}/Current_In_Queue", **{"from": str(times[12]), "to": str(times[10])})
    assert [value["time"] for value in ranged["statistics"][0]["values"]] == times[10:13]
    limited = await office.stats(f"{office.queue_id}/Current_In_Queue", numValues="2", **{"from": str(times[12])})
    assert [value["time"] for value in limited["statistics"][0]["values"]] == times[:2]


async def test_default_service_level_interval_sets_the_threshold(office: Office) -> None:
    await office.admin.ok("PUT", "/settings/reporting", {"name": "defaultServiceLevelInterval", "value": "10"})
    await office.call()
    await office.advance(20)
    await office.ready()
    [call] = (await office.agent.ok("GET", "/me/calls", fields="*"))["calls"]
    await office.agent.ok("POST", f"/me/calls/{call['id']}", {"operationName": "Answer"})
    await office.advance(10)
    latest = await office.latest(office.queue_id)
    assert latest["Total_Answered"] == 1 and latest["ServiceLevel"] == 0  # answered after 20 s > 10 s


@pytest.mark.parametrize(
    ("path", "params", "status", "code", "named"),
    [
        ("nobody", {}, 404, 6, "objectId"),
        ("{queue}/Nonsense", {}, 404, 6, "statisticName"),
        ("{queue}/Total_Answered", {"numValues": "0"}, 400, 2, "numValues"),
        ("{queue}/Total_Answered", {"numValues": "ten"}, 400, 2, "numValues"),
        ("{queue}/Total_Answered", {"numValues": "\u00b2"}, 400, 2, "numValues"),
        ("{queue}/Total_Answered", {"from": "-5"}, 400, 2, "from"),
        ("{queue}/Total_Answered", {"to": "1.5"}, 400, 2, "to"),
        ("{queue}/Total_Answered", {"from": "20", "to": "10"}, 400, 2, "from"),
        ("{agent}/ServiceLevel", {}, 404, 6, "statisticName"),
    ],
)
async def test_bad_requests_name_the_parameter(office: Office, path, params, status, code, named) -> None:
    path = path.format(queue=office.queue_id, agent=office.server.user_id(AGENT1))
    reply = await office.supervisor.request("GET", f"{office.server.url}{STATS}/{path}", params=params)
    assert (reply.status, reply.code) == (status, code)
    assert named in reply.message


async def test_chat_and_email_queues_have_the_queue_statistics(office: Office) -> None:
    center = office.server.app[CENTER]
    chat_queue = next(queue.id for queue in center.queues.values() if queue.channel == "chat")
    mail_queue = next(queue.id for queue in center.queues.values() if queue.channel == "email")
    sim = f"{office.server.url}/sim"
    first = (await office.admin.ok("POST", f"{sim}/chats", {"queue": "Web chat", "nickname": "Vera"}))["id"]
    second = (await office.admin.ok("POST", f"{sim}/chats", {"queue": "Web chat", "nickname": "Ivo"}))["id"]
    mail = {"queue": "Support mailbox", "from": "ann@example.org", "subject": "Help", "text": "It broke"}
    await office.admin.ok("POST", f"{sim}/emails", mail)
    await office.advance(10)
    assert (await office.latest(chat_queue))["Current_In_Queue"] == 2
    assert (await office.latest(mail_queue))["Current_In_Queue"] == 1
    agent = Rest(office.agent.http, office.server.url, AGENT3)  # Support 9: the chat queue's best agent
    await agent.ok("POST", "/me", {"operationName": "StartContactCenterSession", "channels": ["chat"]})
    await agent.ok("POST", "/me/channels/chat", {"operationName": "Ready"})
    [invited] = (await agent.ok("GET", "/me/interactions", fields="*"))["interactions"]
    assert invited["id"] == first
    await office.advance(3)
    await agent.ok("POST", f"/me/interactions/{first}", {"operationName": "Accept"})
    await office.admin.ok("POST", f"{sim}/chats/{second}", {"operationName": "Leave"})  # abandoned, waiting
    await office.advance(10)
    latest = await office.latest(chat_queue)
    assert (latest["Total_Answered"], latest["Total_Abandoned"], latest["Current_In_Queue"]) == (1, 1, 0)
    assert latest["ServiceLevel"] == 100  # accepted 13 s after it arrived


async def test_the_statistics_api_needs_credentials(office: Office) -> None:
    async with aiohttp.ClientSession() as http:
        reply = await Rest(http, office.server.url, None).request(
            "GET", f"{office.server.url}{STATS}/{office.queue_id}"
        )
    assert reply.status == 401


def test_an_app_on_the_real_clock_is_built_before_its_loop_runs() -> None:
    """`gwsim serve` builds the app before `run_app` starts the loop; sampling starts with the app."""
    from simulator.api.keys import STATISTICS
    from simulator.app import create_app

    app = create_app(load_default())
    assert app[STATISTICS].samples == {} and app.on_startup


async def test_a_reset_starts_the_statistics_again(office: Office) -> None:
    await office.call()
    await office.advance(10)
    assert (await office.latest(office.queue_id))["Current_In_Queue"] == 1
    await office.admin.ok("POST", f"{office.server.url}/sim/reset")
    assert (await office.stats(office.queue_id))["statistics"] == []
    await office.advance(10)
    assert (await office.latest(office.queue_id))["Current_In_Queue"] == 0


async def test_an_agent_who_loses_the_role_keeps_the_samples_taken_and_gets_no_new_ones(office: Office) -> None:
    agent_id = office.server.user_id(AGENT1)
    await office.ready()
    await office.advance(20)
    path = f"{agent_id}/CurrentReadyAgents"
    before = (await office.stats(path, numValues="10"))["statistics"][0]["values"]
    assert [value["value"] for value in before] == [1, 1]
    await office.admin.ok("PUT", f"/users/{agent_id}", {"roles": ["ROLE_SUPERVISOR"]})
    await office.advance(20)
    after = (await office.stats(path, numValues="10"))["statistics"][0]["values"]
    assert after == before, "the samples taken while an agent still read, and no new ones are taken"
