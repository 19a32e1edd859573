"""`/phone-numbers` and `/voice-environments` over real HTTP, and the links devices and queues carry to
them, against the Devices API's and Queues API's examples."""

from __future__ import annotations

from rest_client import ADMIN, AGENT1, AGENT2

# GET /devices?fields=* of the reference, less what only a cloud deployment has (vendor Genesys...).
DEVICE_EXAMPLE_KEYS = {"id", "deviceState", "phoneNumberUri", "telephonyNetwork", "model", "vendor", "phoneNumber",
                       "country", "e164Number", "voiceEnvironmentUri", "localNumber", "type"}  # fmt: skip


def id_of(uri: str) -> str:
    return uri.rstrip("/").rpartition("/")[2]


async def test_devices_link_their_number_and_voice_environment(rest):
    agent = rest(AGENT1)
    [device] = (await agent.ok("GET", "/me/devices", fields="*"))["devices"]
    assert DEVICE_EXAMPLE_KEYS - {"model"} <= set(device)
    assert "/api/v2/phone-numbers/" in device["phoneNumberUri"]
    assert "/api/v2/voice-environments/" in device["voiceEnvironmentUri"]
    assert (device["localNumber"], device["type"]) == ("5001", "SIPPhone")
    assert "location" not in device  # an internal number: the simulator knows no place for it

    number = (await agent.ok("GET", device["phoneNumberUri"]))["phoneNumber"]
    assert number == {
        "id": id_of(device["phoneNumberUri"]),
        "phoneNumber": "5001",
        "e164Number": "5001",
        "localNumber": "5001",
        "country": {"name": "", "code": "", "callingCode": ""},
        "type": "SIPPhone",
    }
    resolved = (await agent.ok("GET", f"/devices/{device['id']}", resolveUri="phoneNumberUri"))["device"]
    assert resolved["phoneNumber"] == number  # the Resolving URIs example: the object under phoneNumber
    environment = (await agent.ok("GET", device["voiceEnvironmentUri"]))["voiceEnvironment"]
    assert environment == {"id": id_of(device["voiceEnvironmentUri"]), "name": "SIP_Switch",
                           "switchName": "SIP_Switch", "tserverName": "SIPS1", "state": "Active"}  # fmt: skip
    everything = (await agent.ok("GET", f"/devices/{device['id']}", resolveUri="*"))["device"]
    assert everything["voiceEnvironment"] == environment and everything["phoneNumber"] == number


async def test_a_public_number_has_its_country_location_and_local_form(rest):
    admin = rest(ADMIN)
    created = await admin.ok("POST", "/devices", {"phoneNumber": "+16505550199", "telephonyNetwork": "Public"})
    device = (await admin.ok("GET", f"/devices/{created['id']}"))["device"]
    assert (device["localNumber"], device["location"], device["type"]) == ("6505550199", "United States", "PSTNPhone")
    assert device["country"] == {"name": "United States", "code": "US", "callingCode": "1"}
    number = (await admin.ok("GET", device["phoneNumberUri"]))["phoneNumber"]
    assert (number["phoneNumber"], number["localNumber"], number["location"]) == (
        "+16505550199", "6505550199", "United States"
    )  # fmt: skip
    await admin.ok("DELETE", f"/devices/{created['id']}")
    gone = await admin.get(device["phoneNumberUri"])
    assert (gone.status, gone.code) == (404, 6) and "phone number" in gone.message


async def test_queues_resolve_their_number_into_phone_number_details(rest):
    admin = rest(ADMIN)
    [queue] = (await admin.ok("GET", "/queues", fields="*", channel="voice"))["queues"]
    assert "/api/v2/phone-numbers/" in queue["phoneNumberUri"]
    for resolve in ("phoneNumberUri", "true", "*"):
        resolved = (await admin.ok("GET", f"/queues/{queue['id']}", resolveUri=resolve))["queue"]
        assert resolved["phoneNumber"] == "8000"  # the Queues API example keeps the number a string
        details = resolved["phoneNumberDetails"]
        assert (details["phoneNumber"], details["type"]) == ("8000", "RoutingPoint")
        assert details["id"] == id_of(queue["phoneNumberUri"])


async def test_phone_numbers_list_every_number_to_staff_and_own_ones_to_agents(rest):
    admin, agent = rest(ADMIN), rest(AGENT1)
    numbers = (await admin.ok("GET", "/phone-numbers", fields="*"))["phoneNumbers"]
    assert {"5001", "5002", "8000"} <= {number["phoneNumber"] for number in numbers}
    assert len({number["id"] for number in numbers}) == len(numbers)
    assert [n["phoneNumber"] for n in (await agent.ok("GET", "/phone-numbers", fields="*"))["phoneNumbers"]] == ["5001"]
    assert (await agent.ok("GET", "/phone-numbers", type="PSTNPhone"))["uris"] == []
    theirs = next(number for number in numbers if number["phoneNumber"] == "5002")
    refused = await agent.get(f"/phone-numbers/{theirs['id']}")
    assert (refused.status, refused.code) == (403, 5)
    missing = await agent.get("/phone-numbers/nope")
    assert (missing.status, missing.code) == (404, 6) and "'nope'" in missing.message
    assert len((await rest(AGENT2).ok("GET", "/voice-environments"))["uris"]) == 1
    missing = await agent.get("/voice-environments/nope")
    assert (missing.status, missing.code) == (404, 6) and "voice environment 'nope'" in missing.message


async def test_a_device_s_location_comes_from_the_contact_center_file():
    import aiohttp
    from conftest import start_server
    from rest_client import Rest

    from simulator.center_file import parse

    center = parse(
        "users:\n  - {userName: a@example.com, password: p, roles: [ROLE_ADMIN]}\n"
        "devices:\n  - {phoneNumber: '+16505550101', telephonyNetwork: Public, location: California}\n"
        "  - {phoneNumber: '3001'}\n",
        "center.yaml",
    )
    runner, server = await start_server(center=center)
    try:
        async with aiohttp.ClientSession() as http:
            admin = Rest(http, server.url, "a@example.com", "p")
            devices = {d["phoneNumber"]: d for d in (await admin.ok("GET", "/devices", fields="*"))["devices"]}
            assert devices["+16505550101"]["location"] == "California"  # as the Devices API example
            assert "location" not in devices["3001"]
            number = (await admin.ok("GET", devices["+16505550101"]["phoneNumberUri"]))["phoneNumber"]
            assert number["location"] == "California"
    finally:
        await runner.cleanup()
