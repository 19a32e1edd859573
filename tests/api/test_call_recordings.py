"""Call recording over real HTTP, watched by a CometD desktop: the recording user data of the reference's
examples (GSIP_RECORD ON / PAUSED / OFF, GSIP_REC_FN), StopCallRecording on a device, and /recordings
listing what was recorded, with its query parameters."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from conftest import start_server
from desktop import Desktop, check_call_message, open_desktop
from rest_client import ADMIN, AGENT1, AGENT2, SUPERVISOR, Rest

from simulator.center_file import load_default
from simulator.core.voice import VirtualClock

pytestmark = pytest.mark.interop

CUSTOMER = "+15550100"
# <callUuid>_<dnis>_<ani>_<device>_<date>_<time>_<host>__<contact center>, as in the reference's examples
FILE_NAME = re.compile(
    r"^[0-9A-V]{32}_5001_\+15550100_5001_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_[\w.-]+__%3Ccont_center_id%3E$"
)


@pytest.fixture
async def office() -> AsyncIterator[tuple[Desktop, Rest, Rest, Rest]]:
    runner, server = await start_server(clock=VirtualClock(), center=load_default())
    try:
        async with aiohttp.ClientSession() as http:
            desktop = await open_desktop(server.url, server.bayeux, http, AGENT1, server.user_id(AGENT1))
            try:
                yield (
                    desktop,
                    Rest(http, server.url, ADMIN),
                    Rest(http, server.url, SUPERVISOR),
                    Rest(http, server.url, AGENT2),
                )
            finally:
                await desktop.close()
    finally:
        await runner.cleanup()


async def _recording_change(desktop: Desktop, call_id: str, operation: str) -> dict:
    assert (await desktop.post(f"/me/calls/{call_id}", {"operationName": operation})).code == 0
    [message] = await desktop.calls()
    return check_call_message(message, "CallRecordingStateChange")


async def test_recording_user_data_and_stop_on_the_device(office) -> None:  # noqa: ANN001
    desktop, admin, supervisor, agent2 = office
    placed = await admin.request(
        "POST", admin.base.replace("/api/v2", "/sim/calls"), json={"from": CUSTOMER, "to": "5001"}
    )
    assert placed.code == 0
    [ringing] = await desktop.calls()
    call_id = ringing["call"]["id"]
    assert (await desktop.post(f"/me/calls/{call_id}", {"operationName": "Answer"})).code == 0
    await desktop.sync()

    call = await _recording_change(desktop, call_id, "StartCallRecording")
    assert call["recordingState"] == "Recording" and call["userData"]["GSIP_RECORD"] == "ON"
    name = call["userData"]["GSIP_REC_FN"]
    assert FILE_NAME.match(name) and name.startswith(call["callUuid"]), name
    assert {"PauseCallRecording", "StopCallRecording"} <= set(call["capabilities"])
    call = await _recording_change(desktop, call_id, "PauseCallRecording")
    assert (call["recordingState"], call["userData"]["GSIP_RECORD"]) == ("Paused", "PAUSED")
    call = await _recording_change(desktop, call_id, "ResumeCallRecording")
    assert (call["recordingState"], call["userData"]["GSIP_RECORD"]) == ("Recording", "ON")

    recordings = (await supervisor.ok("GET", "/recordings"))["recordings"]
    assert [(r["recordingState"], "endTime" in r) for r in recordings] == [("Recording", False)]

    device = await desktop.device_id()
    assert (await desktop.post(f"/devices/{device}", {"operationName": "StopCallRecording"})).code == 0
    [stopped] = await desktop.calls()
    call = check_call_message(stopped, "CallRecordingStateChange")
    assert (call["recordingState"], call["userData"]["GSIP_RECORD"]) == ("Stopped", "OFF")
    assert call["userData"]["GSIP_REC_FN"] == name  # kept once stopped, as in the Stop example
    assert "StartCallRecording" in call["capabilities"]
    again = await desktop.post(f"/devices/{device}", {"operationName": "StopCallRecording"})
    assert (again.status, again.code) == (400, 2) and "no call is being recorded" in again.message

    [recording] = (await supervisor.ok("GET", "/recordings"))["recordings"]
    assert recording["fileName"] == name and recording["callUuid"] == call["callUuid"]
    assert (recording["callerPhoneNumber"], recording["dialedPhoneNumber"]) == (CUSTOMER, "5001")
    assert (recording["userName"], recording["phoneNumber"], recording["recordingState"]) == (AGENT1, "5001", "Stopped")
    assert recording["endTime"] >= recording["startTime"] > 0

    start = recording["startTime"]
    for params, count in (
        ({"callerPhoneNumber": CUSTOMER}, 1),
        ({"callerPhoneNumber": "+15550101"}, 0),
        ({"dialedPhoneNumber": "5001"}, 1),
        ({"userName": AGENT1.upper()}, 1),
        ({"userName": AGENT2}, 0),
        ({"startTime": str(start), "endTime": str(start)}, 1),
        ({"startTime": str(start + 1)}, 0),
        ({"endTime": str(start - 1)}, 0),
        ({"offset": "1"}, 0),
        ({"limit": "1"}, 1),
    ):
        answer = await supervisor.ok("GET", "/recordings", **params)
        assert (len(answer["recordings"]), answer["totalCount"] >= count) == (count, True), params
    assert (await supervisor.ok("GET", "/recordings", offset="1"))["totalCount"] == 1
    assert (await agent2.ok("GET", "/recordings"))["recordings"] == []  # agents see their own only
    assert len((await desktop.rest.ok("GET", "/recordings"))["recordings"]) == 1

    for params, field in (
        ({"startTime": "yesterday"}, "startTime"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"startTime": str(start + 5), "endTime": str(start)}, "startTime"),
        ({"sort": "asc"}, "sort"),
    ):
        refused = await supervisor.get("/recordings", **params)
        assert (refused.status, refused.code) == (400, 2) and field in refused.message, (params, refused.body)


async def test_a_recording_ends_with_its_call(office) -> None:  # noqa: ANN001
    desktop, admin, supervisor, _agent2 = office
    sim = admin.base.replace("/api/v2", "/sim/calls")
    await admin.request("POST", sim, json={"from": CUSTOMER, "to": "5001"})
    [ringing] = await desktop.calls()
    call_id = ringing["call"]["id"]
    assert (await desktop.post(f"/me/calls/{call_id}", {"operationName": "Answer"})).code == 0
    await desktop.sync()
    await _recording_change(desktop, call_id, "StartCallRecording")
    assert (await desktop.post(f"/me/calls/{call_id}", {"operationName": "Hangup"})).code == 0
    [recording] = (await supervisor.ok("GET", "/recordings"))["recordings"]
    assert recording["recordingState"] == "Stopped" and "endTime" in recording
