"""The `statistics` section of the contact-center file: the reference's statistics.yaml entries, read
when the file loads, served over HTTP, and refused with the entry and property at fault."""

from __future__ import annotations

from importlib import resources

import aiohttp
import pytest
import yaml
from conftest import start_server
from rest_client import ADMIN, SUPERVISOR, Rest

from simulator.center_file import parse
from simulator.core.contact_center import DEFAULT, ContactCenterError
from simulator.core.voice import VirtualClock

BASE = resources.files("simulator").joinpath(DEFAULT).read_text(encoding="utf-8")
SERVICE_FACTOR = {
    "name": "ServiceFactor",
    "objectType": "QUEUE",
    "notificationMode": "PERIODICAL",
    "notificationFrequency": 5,
    "statisticDefinitionEx": {
        "category": "ServiceFactor1", "subject": "DNAction", "intervalType": "GrowingWindow",
        "dynamicTimeProfile": "0:00+1:00", "timeRangeLeft": 0, "timeRangeRight": 120, "timeRangeLeft2": 0,
        "timeRangeRight2": 10,
    },
}  # fmt: skip


def center_with(*entries: dict):
    return parse(BASE + yaml.safe_dump({"statistics": list(entries)}), "center.yaml")


def test_the_built_in_list_has_the_reference_queue_and_agent_statistics() -> None:
    center = parse(BASE, "center.yaml")
    names = {(definition.name, definition.object_type) for definition in center.statistics}
    for name in ("Total_Answered", "Total_Abandoned", "Current_In_Queue", "CurrMaxCallWaitingTime", "ServiceLevel",
                 "AverageWaitingTime"):  # fmt: skip
        assert (name, "QUEUE") in names
    for name in ("CurrentReadyAgents", "CurrentNotReadyAgents", "CurrNumberInCall", "LongestIdleTime"):
        assert (name, "SKILL_AG") in names and (name, "AGENT") in names
    assert ("ServiceLevel", "SKILL_Q") in names


async def test_the_section_replaces_the_built_in_list_and_samples_at_its_own_frequency() -> None:
    center = center_with(SERVICE_FACTOR)
    queue = next(queue for queue in center.queues.values() if queue.phoneNumber == "8000")
    runner, server = await start_server(clock=VirtualClock(), center=center)
    try:
        async with aiohttp.ClientSession() as http:
            await Rest(http, server.url, ADMIN).ok("POST", f"{server.url}/sim/clock", {"advance": 3600})
            supervisor = Rest(http, server.url, SUPERVISOR)
            url = f"{server.url}/api/v1/stats/{queue.id}"
            body = await supervisor.ok("GET", f"{url}/ServiceFactor", numValues="10000")
            assert len(body["statistics"][0]["values"]) == 720  # every 5 s of the hour
            latest = await supervisor.ok("GET", url)
            assert [entry["statistic"] for entry in latest["statistics"]] == ["ServiceFactor"]
            reply = await supervisor.get(f"{url}/Total_Answered")
            assert reply.status == 404 and "Total_Answered" in reply.message
    finally:
        await runner.cleanup()


def _ex(**ex) -> dict:
    return {**SERVICE_FACTOR, "statisticDefinitionEx": {"subject": "DNAction", **ex}}


@pytest.mark.parametrize(
    ("entry", "named"),
    [
        ({**SERVICE_FACTOR, "notificationMode": "IMMEDIATE"}, "notificationMode 'IMMEDIATE'"),
        ({**SERVICE_FACTOR, "notificationFrequency": 0}, "notificationFrequency"),
        ({**SERVICE_FACTOR, "objectType": "PLACE"}, "objectType"),
        (
            {k: v for k, v in SERVICE_FACTOR.items() if k != "statisticDefinitionEx"}
            | {"statisticDefinitionName": "TestAgentStat"},
            "statisticDefinitionEx is missing",
        ),  # fmt: skip
        (_ex(category="AverageNumberPerRelativeHour", mainMask="CallInbound"), "statisticDefinitionEx.category"),
        (_ex(category="TotalNumber", mainMask="CallTransferred"), "statisticDefinitionEx.mainMask"),
        (_ex(category="TotalNumber", mainMask="CallAnswered", intervalType="SlidingWindow"), "intervalType"),
        (
            {**_ex(category="TotalNumber", mainMask="CallAnswered"), "objectType": "AGENT"},
            "statisticDefinitionEx.subject",
        ),  # fmt: skip
        (_ex(category="TotalNumberInTimeRangePercentage", mainMask="CallAnswered"), "timeRangeRight"),
        (_ex(category="TotalNumber", mainMask="CallAnswered", dynamicFilter="x"), "dynamicFilter"),
        ({**SERVICE_FACTOR, "colour": "red"}, "colour"),
    ],
)
def test_a_definition_the_simulator_cannot_compute_is_refused_naming_it_and_the_property(entry, named) -> None:
    with pytest.raises(ContactCenterError) as problem:
        center_with({**SERVICE_FACTOR, "name": "Fine"}, entry)
    message = str(problem.value)
    assert "statistics[1] (ServiceFactor)" in message and named in message, message
    assert message.startswith("center.yaml:")


def test_a_name_is_defined_once_per_object() -> None:
    with pytest.raises(ContactCenterError, match=r"statistics\[1\].*'ServiceFactor' is defined twice"):
        center_with(SERVICE_FACTOR, SERVICE_FACTOR)


def test_the_schema_describes_the_section() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import json

    schema = json.loads(resources.files("simulator").joinpath("contact_center.schema.json").read_text())
    document = {**yaml.safe_load(BASE), "statistics": [SERVICE_FACTOR]}
    jsonschema.validate(document, schema)
    with pytest.raises(jsonschema.ValidationError, match="IMMEDIATE"):
        jsonschema.validate({**document, "statistics": [{**SERVICE_FACTOR, "notificationMode": "IMMEDIATE"}]}, schema)
