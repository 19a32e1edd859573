"""Supervisor monitoring over real HTTP, watched by CometD desktops: a supervisor listens in on an agent's
call, coaches, barges in and cancels; the device and call documents carry the reference's monitoring
attributes, the capabilities appear only for whom they are allowed, and the feature switched off makes
the operations disappear."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from conftest import LiveServer, start_server
from desktop import Desktop, check_call_message, open_desktop, same_call
from rest_client import ADMIN, AGENT1, AGENT2, SUPERVISOR, Reply, Rest

from simulator.center_file import load_default
from simulator.core.contact_center import ContactCenter
from simulator.core.voice import VirtualClock

pytestmark = pytest.mark.interop

CUSTOMER = "+15550100"
MONITORING = ("ListenIn", "Coach", "Bargain", "CancelSupervisorMonitoring")


@dataclass
class Floor:
    server: LiveServer
    admin: Rest
    agent: Desktop
    supervisor: Desktop
    agent_device: str

    async def monitor(self, operation: str, **params: str) -> Reply:
        body = {"operationName": operation, **params}
        return await self.supervisor.post(f"/devices/{self.agent_device}", body)

    async def device(self, desktop: Desktop) -> dict:
        return (await desktop.get(f"/devices/{self.agent_device}"))["device"]

    async def customer_calls(self) -> str:
        placed = await self.admin.request("POST", f"{self.server.url}/sim/calls", json={"from": CUSTOMER, "to": "5001"})
        assert placed.code == 0, placed.body
        [ringing] = await self.agent.calls()
        call_id = ringing["call"]["id"]
        assert (await self.agent.post(f"/me/calls/{call_id}", {"operationName": "Answer"})).code == 0
        return call_id


async def serve(center: ContactCenter) -> AsyncIterator[Floor]:
    runner, server = await start_server(clock=VirtualClock(), center=center)
    desktops: list[Desktop] = []
    try:
        async with aiohttp.ClientSession() as http:
            for user in (AGENT1, SUPERVISOR):
                desktops.append(await open_desktop(server.url, server.bayeux, http, user, server.user_id(user)))
            agent_device = await desktops[0].device_id()
            yield Floor(server, Rest(http, server.url, ADMIN), desktops[0], desktops[1], agent_device)
    finally:
        for desktop in desktops:
            await desktop.close()
        await runner.cleanup()


@pytest.fixture
async def floor() -> AsyncIterator[Floor]:
    async for floor in serve(load_default()):
        yield floor


async def test_listen_in_coach_barge_in_and_cancel(floor: Floor) -> None:
    call_id = await floor.customer_calls()
    await floor.agent.sync()
    assert [name for name in (await floor.device(floor.supervisor))["capabilities"] if name in MONITORING] == [
        "ListenIn",
        "Coach",
        "Bargain",
    ]
    assert not set(MONITORING) & set((await floor.device(floor.agent))["capabilities"])

    assert (await floor.monitor("ListenIn", supervisorMonitoringMode="AllCalls")).code == 0
    [joined] = await floor.supervisor.calls()
    call = check_call_message(joined, "StatusChange")
    assert (call["state"], call["participants"]) == ("Established", [CUSTOMER, "5001"])
    assert call["capabilities"] == ["Hangup"]
    assert call["monitoring"] == {
        "supervisorMonitoringState": "ListenIn",
        "supervisorMonitoringMode": "AllCalls",
        "supervisorMonitoringScope": "Agent",
        "monitoredDeviceUri": f"{floor.server.url}/api/v2/devices/{floor.agent_device}",
    }
    assert call["monitoredUserMuted"] is False and call["supervisorListeningIn"] is False
    assert same_call((await floor.supervisor.get(f"/me/calls/{call['id']}"))["call"], call)
    agent_messages = await floor.agent.sync()
    device_message = next(m["data"] for m in agent_messages if m["channel"] == "/v2/me/devices")
    assert device_message["devices"][0]["supervisorMonitoringState"] == "ListenIn"
    agent_call = next(m["data"]["call"] for m in agent_messages if m["channel"] == "/v2/me/calls")
    assert agent_call["participants"] == [CUSTOMER]  # the supervisor listens unseen
    assert agent_call["supervisorListeningIn"] is True
    assert agent_call["monitoring"]["supervisorPhoneNumber"] == "5009"
    device = await floor.device(floor.supervisor)
    assert (device["supervisorMonitoringMode"], device["supervisorMonitoringScope"]) == ("AllCalls", "Agent")
    assert [name for name in device["capabilities"] if name in MONITORING] == [
        "Coach",
        "Bargain",
        "CancelSupervisorMonitoring",
    ]

    assert (await floor.monitor("Coach")).code == 0
    agent_call = next(m["data"]["call"] for m in await floor.agent.sync() if m["channel"] == "/v2/me/calls")
    assert agent_call["participants"] == [CUSTOMER, "5009"]  # the agent hears the coach
    assert (await floor.agent.post(f"/me/calls/{call_id}", {"operationName": "MuteCall"})).code == 0
    supervisor_call = (await floor.supervisor.calls())[-1]["call"]
    assert supervisor_call["monitoredUserMuted"] is True
    assert supervisor_call["monitoring"]["supervisorMonitoringState"] == "Coach"

    await floor.agent.sync()
    assert (await floor.monitor("Bargain")).code == 0
    [barged, device_message] = await floor.agent.sync()  # the call, and the device's new monitoring state
    agent_call = check_call_message(barged["data"], "StatusChange")
    assert device_message["data"]["devices"][0]["supervisorMonitoringState"] == "Bargain"
    assert agent_call["supervisorListeningIn"] is False
    assert "RemoveParticipantFromConference" in agent_call["capabilities"]
    [barging] = await floor.supervisor.calls()
    assert set(barging["call"]["capabilities"]) == {"Hangup", "MuteCall"}
    back = await floor.monitor("ListenIn")
    assert (back.status, back.code) == (400, 2) and "supervisorMonitoringState Bargain" in back.message

    assert (await floor.monitor("CancelSupervisorMonitoring")).code == 0
    [left] = await floor.supervisor.calls()
    assert (left["call"]["state"], left["call"]["monitoring"]) == ("Released", {})
    assert "supervisorMonitoringState" not in await floor.device(floor.agent)
    assert (await floor.agent.get(f"/me/calls/{call_id}"))["call"]["participants"] == [CUSTOMER]


async def test_one_supervisor_at_a_time_and_agents_may_not(floor: Floor, rest) -> None:  # noqa: ANN001
    assert (await floor.monitor("ListenIn")).code == 0
    other = Rest(floor.admin.http, floor.server.url, ADMIN)
    refused = await other.post(f"/devices/{floor.agent_device}", {"operationName": "ListenIn"})
    assert refused.code == 5  # an admin is not a supervisor
    agent2 = Rest(floor.admin.http, floor.server.url, AGENT2)
    refused = await agent2.post(f"/devices/{floor.agent_device}", {"operationName": "Coach"})
    assert refused.code == 5 and "ROLE_SUPERVISOR" in refused.message
    bad = await floor.monitor("Coach", supervisorMonitoringScope="Everything")
    assert bad.code == 1 and "supervisorMonitoringScope" in bad.message
    own = await floor.supervisor.device_id()
    mine = await floor.supervisor.post(f"/devices/{own}", {"operationName": "ListenIn"})
    assert mine.code == 1 and "own device" in mine.message


async def test_a_supervisors_device_taken_from_them_ends_the_monitoring_and_the_agent_is_told(floor: Floor) -> None:
    assert (await floor.monitor("ListenIn")).code == 0
    assert (await floor.device(floor.agent))["supervisorMonitoringState"] == "ListenIn"
    await floor.agent.sync()
    own = await floor.supervisor.device_id()
    assert (await floor.admin.request("DELETE", f"/users/{floor.supervisor.user_id}/devices/{own}")).code == 0
    told = [device for message in await floor.agent.sync() if message["channel"] == "/v2/me/devices"
            for device in message["data"]["devices"] if device["id"] == floor.agent_device]  # fmt: skip
    assert told and "supervisorMonitoringState" not in told[-1], told
    assert "supervisorMonitoringState" not in await floor.device(floor.agent)
    assert (await floor.admin.request("POST", f"/users/{floor.server.user_id(AGENT2)}/devices", {"id": own})).code == 0
    await floor.customer_calls()
    calls = await Rest(floor.admin.http, floor.server.url, AGENT2).ok("GET", "/me/calls?fields=*")
    assert calls.get("calls", calls.get("uris")) == [], "the device's next holder does not listen in"


async def test_without_the_feature_monitoring_does_not_exist() -> None:
    center = load_default()
    center.set_features(feature for feature in center.feature_ids if feature != "api-supervisor-monitoring")
    async for floor in serve(center):
        refused = await floor.monitor("ListenIn")
        assert refused.code == 2 and "not an operation" in refused.message
        device = await floor.device(floor.supervisor)
        assert not set(MONITORING) & set(device["capabilities"])
