"""Each resource's own behaviour: settings groups, agent states, queues, contacts, devices, features, channels."""

from __future__ import annotations

from rest_client import ADMIN, AGENT1, AGENT2, SUPERVISOR, id_of

OFFLINE = "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB"


async def test_the_five_built_in_agent_states_and_a_custom_one(rest):
    admin = rest(ADMIN)
    states = await rest(AGENT1).ok("GET", "/settings/agent-states")
    assert states["key"] == "operationName"
    by_name = {state["operationName"]: state for state in states["settings"]}
    assert by_name["Ready"] == {
        "id": "9430250E-0A1B-421F-B372-F29E69366DED",
        "operationName": "Ready",
        "displayName": "Ready",
        "state": "Ready",
    }
    assert by_name["Offline"]["state"] == "Logout" and by_name["AfterCallWork"]["workMode"] == "AfterCallWork"
    assert {"AfterCallWork", "AuxWork", "NotReady", "Offline", "Ready"} <= set(by_name)
    await admin.ok(
        "POST",
        "/settings/agent-states",
        {
            "operationName": "Training",
            "displayName": "In training",
            "state": "NotReady",
            "workMode": "AuxWork",
            "reason": "Training",
        },
    )
    await admin.ok("PUT", "/settings/agent-states", {"operationName": "Training", "displayName": "Training!"})
    states = {s["operationName"]: s for s in (await admin.ok("GET", "/settings/agent-states"))["settings"]}
    assert states["Training"]["displayName"] == "Training!" and states["Training"]["reason"] == "Training"
    assert len(states["Training"]["id"]) == 36
    await admin.ok("DELETE", "/settings/agent-states", {"operationName": "Training"})
    states = {s["operationName"] for s in (await admin.ok("GET", "/settings/agent-states"))["settings"]}
    assert "Training" not in states and "OutToLunch" in states


async def test_a_user_defined_settings_group_with_its_own_key(rest):
    admin = rest(ADMIN)
    created = await admin.ok(
        "POST", "/settings", {"name": "wrap-up-codes", "displayName": "Wrap-up codes", "key": "code"}
    )
    assert created["uri"].endswith("/api/v2/settings/wrap-up-codes") and created["id"] == "wrap-up-codes"
    await admin.ok(
        "POST", "/settings/wrap-up-codes", {"code": "sale", "displayName": "Sale", "options": [{"name": "upsell"}]}
    )
    await admin.ok("POST", "/settings/wrap-up-codes", {"code": "no-sale", "displayName": "No sale"})
    await admin.ok("PUT", "/settings/wrap-up-codes", {"code": "sale", "displayName": "Sale!"})
    group = await rest(SUPERVISOR).ok("GET", "/settings/wrap-up-codes")
    assert group["key"] == "code"
    assert group["settings"] == [
        {"code": "sale", "displayName": "Sale!", "options": [{"name": "upsell"}]},
        {"code": "no-sale", "displayName": "No sale"},
    ]
    duplicate = await admin.post("/settings/wrap-up-codes", {"code": "sale"})
    assert (duplicate.status, duplicate.code) == (403, 3) and "code 'sale' already exists" in duplicate.message
    missing = await admin.put("/settings/wrap-up-codes", {"code": "refund", "displayName": "x"})
    assert (missing.status, missing.code) == (404, 6)
    await admin.ok("DELETE", "/settings/wrap-up-codes", {"code": "no-sale"})
    assert len((await admin.ok("GET", "/settings/wrap-up-codes"))["settings"]) == 1
    await admin.ok("DELETE", "/settings", {"name": "wrap-up-codes"})
    assert (await admin.get("/settings/wrap-up-codes")).code == 6
    assert "wrap-up-codes" not in {g["name"] for g in (await admin.ok("GET", "/settings"))["settings"]}


async def test_reporting_and_general_settings_change_with_put(rest):
    admin = rest(ADMIN)
    await admin.ok("PUT", "/settings/reporting", {"name": "defaultServiceLevelInterval", "value": "115"})
    await admin.ok("PUT", "/settings/reporting", {"name": "defaultTargetServiceLevelPercentage", "value": 99})
    values = {s["name"]: s["value"] for s in (await admin.ok("GET", "/settings/reporting"))["settings"]}
    assert values == {"defaultServiceLevelInterval": "115", "defaultTargetServiceLevelPercentage": "99"}
    await admin.ok("PUT", "/settings/general-settings", {"name": "countryCode", "value": "FR"})
    general = {s["name"]: s["value"] for s in (await rest(AGENT1).ok("GET", "/settings/general-settings"))["settings"]}
    assert general["countryCode"] == "FR"


async def test_internal_queues_get_generated_numbers_and_call_recording_settings(rest):
    admin = rest(ADMIN)
    created = await admin.ok(
        "POST",
        "/queues",
        {
            "name": "Back office",
            "channel": "voice",
            "internal": True,
            "skills": ["Billing"],
            "description": "Second line",
        },
    )
    queue = (await admin.ok("GET", created["uri"], fields="*"))["queue"]
    assert queue["phoneNumber"] == "04002" and queue["internal"] is True
    assert queue["skills"] == ["Billing"] and queue["description"] == "Second line"
    assert queue["routingTemplateUri"].endswith("/system/routing-templates/00_RouteToSpecDestination")
    recording = await admin.ok("GET", f"/queues/{created['id']}/settings/call-recording")
    assert recording == {"statusCode": 0, "key": "callRecording", "settings": {"callRecording": {"percentage": 0}}}
    await admin.ok("PUT", f"/queues/{created['id']}/settings/call-recording", {"percentage": 75})
    with_settings = (await admin.ok("GET", created["uri"], subresources="settings"))["queue"]
    assert with_settings["settings"] == {"callRecording": {"percentage": 75}}
    bad = await admin.put(f"/queues/{created['id']}/settings/call-recording", {"percentage": 120})
    assert (bad.status, bad.code) == (400, 2) and "percentage must be an integer between 0 and 100" in bad.message
    await admin.ok("PUT", created["uri"], {"name": "Back office 2", "skills": ["Billing", "Support"]})
    renamed = (await admin.ok("GET", created["uri"]))["queue"]
    assert renamed["name"] == "Back office 2" and renamed["skills"] == ["Billing", "Support"]
    # The queue is a contact of type Queue, derived and read-only.
    contacts = (await rest(AGENT1).ok("GET", "/contacts", fields="*", type="Queue", name="Back office 2"))["contacts"]
    assert contacts == [
        {
            "id": created["id"],
            "name": "Back office 2",
            "type": "Queue",
            "phoneNumber": "04002",
            "phoneNumbers": [{"phoneNumber": "04002", "description": "Queue", "switchName": "SIP_Switch"}],
            "availability": "Available",
            "uri": created["uri"].replace("/queues/", "/contacts/"),
            "path": f"/contacts/{created['id']}",
        }
    ]
    await admin.ok("DELETE", created["uri"])
    assert (await rest(AGENT1).ok("GET", "/contacts", type="Queue", name="Back office 2"))["uris"] == []


async def test_devices_created_assigned_unassigned_and_their_owner_resolved(rest):
    admin = rest(ADMIN)
    agent = id_of((await admin.ok("GET", "/users", userName=AGENT2))["uris"][0])
    spare = (await admin.ok("GET", "/devices", fields="*", phoneNumber="5010"))["devices"][0]
    assert "userUri" not in spare and spare["userState"]["id"] == OFFLINE
    assert spare["telephonyNetwork"] == "Private" and spare["model"] == "Spare desk phone"
    await admin.ok("POST", f"/users/{agent}/devices", {"uris": [f"http://elsewhere/api/v2/devices/{spare['id']}"]})
    device = (await rest(AGENT2).ok("GET", f"/me/devices/{spare['id']}", resolveUri="userUri"))["device"]
    assert device["user"]["userName"] == AGENT2 and device["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOn"]
    numbers = [d["phoneNumber"] for d in (await rest(AGENT2).ok("GET", "/me/devices", fields="phoneNumber"))["devices"]]
    assert numbers == ["5002", "5010"]
    await admin.ok("DELETE", f"/users/{agent}/devices/{spare['id']}")
    assert len((await rest(AGENT2).ok("GET", "/me/devices"))["uris"]) == 1
    # Create and assign in one request (a hybrid operation), then delete the device.
    made = await admin.ok(
        "POST", f"/users/{agent}/devices", {"phoneNumber": "+14155550123", "telephonyNetwork": "Public"}
    )
    public = (await rest(AGENT2).ok("GET", f"/me/devices/{made['id']}"))["device"]
    assert public["telephonyNetwork"] == "Public"
    assert public["country"] == {"name": "United States", "code": "US", "callingCode": "1"}
    assert device["country"] == {"name": "", "code": "", "callingCode": ""}  # an internal number
    await admin.ok("DELETE", made["uri"])
    assert (await rest(AGENT2).get(f"/me/devices/{made['id']}")).code == 6


async def test_custom_contacts_and_the_user_contacts(rest):
    admin = rest(ADMIN)
    created = await admin.ok(
        "POST", "/contacts", {"name": "Some Contact", "type": "Custom", "phoneNumber": "650-555-0111"}
    )
    contact = (await rest(AGENT1).ok("GET", created["uri"]))["contact"]
    assert contact == {
        "id": created["id"],
        "name": "Some Contact",
        "type": "Custom",
        "phoneNumber": "650-555-0111",
        "phoneNumbers": [{"phoneNumber": "650-555-0111", "description": "Contact", "switchName": "SIP_Switch"}],
        "availability": "Unknown",
        "uri": created["uri"],
        "path": f"/contacts/{created['id']}",
    }
    alice = (await rest(AGENT1).ok("GET", "/contacts", fields="*", userName=AGENT1))["contacts"][0]
    assert alice == {
        "id": alice["id"],
        "name": "Alice Agent",
        "type": "User",
        "phoneNumber": "5001",
        "userName": AGENT1,
        "firstName": "Alice",
        "lastName": "Agent",
        "employeeId": "1001",
        "phoneNumbers": [{"phoneNumber": "5001", "description": "Work", "switchName": "SIP_Switch"}],
        "availability": "Offline",
        "uri": alice["uri"],
        "path": f"/contacts/{alice['id']}",
    }
    bulk = await admin.ok(
        "POST", "/contacts", {"contacts": [{"name": "A", "phoneNumber": "1"}, {"name": "B", "phoneNumber": "2"}]}
    )
    assert len(bulk["succeeded"]) == 2


async def test_deleting_a_skill_removes_it_from_users(rest):
    admin = rest(ADMIN)
    agent = id_of((await admin.ok("GET", "/users", userName=AGENT1))["uris"][0])
    made = await admin.ok("POST", "/skills", {"name": "Origami"})
    await admin.ok("POST", f"/users/{agent}/skills", {"uri": made["uri"], "level": 2})
    assert "Origami" in {s["name"] for s in (await rest(AGENT1).ok("GET", "/me/skills", fields="name"))["skills"]}
    await admin.ok("PUT", made["uri"], {"name": "Paper folding"})
    assert "Paper folding" in {s["name"] for s in (await rest(AGENT1).ok("GET", "/me/skills", fields="*"))["skills"]}
    await admin.ok("DELETE", made["uri"])
    assert "Paper folding" not in {
        s["name"] for s in (await rest(AGENT1).ok("GET", "/me/skills", fields="*"))["skills"]
    }


async def test_features_services_and_routing_templates(rest):
    admin = rest(ADMIN)
    features = (await rest(AGENT1).ok("GET", "/features", fields="*"))["features"]
    system = (await admin.ok("GET", "/system/features", fields="*"))["features"]
    assert features == system and {"api-voice", "api-provisioning"} <= {f["id"] for f in features}
    assert (await rest(AGENT1).ok("GET", "/features/api-voice"))["feature"]["displayName"] == "Voice"
    services = (await rest(AGENT1).ok("GET", "/services", fields="*", type="Voice"))["services"]
    assert services == [{"id": services[0]["id"], "name": "SIPS1", "type": "Voice", "state": "Active"}]
    assert (await rest(AGENT1).ok("GET", f"/services/{services[0]['id']}"))["service"]["name"] == "SIPS1"
    chat = await admin.ok("GET", "/system/routing-templates", fields="id,channel,enabled", channel="chat")
    assert chat["routingTemplates"] == [{"id": "20_RouteChatToSkill", "channel": "chat", "enabled": True}]


async def test_my_channels_and_their_agent_state(rest):
    agent = rest(AGENT1)
    uris = (await agent.ok("GET", "/me/channels"))["uris"]
    assert [uri.rsplit("/", 1)[1] for uri in uris] == ["voice", "chat", "email"]
    voice = (await agent.ok("GET", uris[0]))["channel"]
    assert voice["channel"] == "voice" and voice["userState"]["state"] == "Logout" and voice["dndState"] == "Off"
    assert (await agent.get("/me/channels/sms")).code == 6
    assert (await rest(ADMIN).ok("GET", "/me/channels"))["uris"] == []  # an admin without ROLE_AGENT has none


async def test_a_disabled_feature_behaves_as_if_it_did_not_exist():
    import textwrap

    import aiohttp
    from rest_client import Rest, serving

    from simulator.center_file import parse

    center = parse(
        textwrap.dedent("""\
        features: [api-voice, api-provisioning]
        users:
          - {userName: admin@example.com, password: pw, roles: [ROLE_ADMIN, ROLE_AGENT]}
        queues:
          - {name: Line, channel: voice, phoneNumber: "8000"}
          - {name: Chat, channel: chat, internal: true}
    """),
        "small.yaml",
    )
    async with serving(center) as url, aiohttp.ClientSession() as http:
        admin = Rest(http, url, ADMIN, "pw")
        assert [f["id"] for f in (await admin.ok("GET", "/features", fields="id"))["features"]] == [
            "api-voice",
            "api-provisioning",
        ]
        assert (await admin.get("/features/api-multimedia-chat")).code == 6
        queue = (await admin.ok("GET", "/queues", channel="voice"))["uris"][0]
        reply = await admin.get(f"{queue}/settings/call-recording")
        assert (reply.status, reply.code) == (404, 6) and "feature api-voice-recording is not enabled" in reply.message
        channels = [uri.rsplit("/", 1)[1] for uri in (await admin.ok("GET", "/me/channels"))["uris"]]
        assert channels == ["voice"]


async def test_custom_contacts_change_and_go_in_bulk_on_the_collection(rest):
    admin = rest(ADMIN)
    first = await admin.ok("POST", "/contacts", {"name": "Courier", "phoneNumber": "+16505550111"})
    second = await admin.ok("POST", "/contacts", {"name": "Plumber", "phoneNumber": "+16505550112"})
    await admin.ok("PUT", "/contacts", {"id": first["id"], "name": "Night courier"})
    assert (await admin.ok("GET", f"/contacts/{first['id']}"))["contact"]["name"] == "Night courier"
    users = (await admin.ok("GET", "/contacts", type="User"))["uris"]
    reply = await admin.request(
        "PUT",
        "/contacts",
        {"contacts": [{"id": second["id"], "phoneNumber": "+16505550113"}, {"id": id_of(users[0]), "name": "X"}]},
    )
    assert reply.code == 7 and reply.body["succeeded"] == [{"id": second["id"], "uri": second["uri"]}]
    [failed] = reply.body["failed"]
    assert failed["statusCode"] == 3 and failed["statusMessage"].startswith("contacts[1]: ")
    assert (await admin.ok("GET", f"/contacts/{second['id']}"))["contact"]["phoneNumber"] == "+16505550113"
    for body, code, named in (({"name": "x"}, 1, "id is required"), ({"id": "nope"}, 6, "'nope'"),
                              ({"id": first["id"], "colour": "red"}, 2, "colour")):  # fmt: skip
        refused = await admin.request("PUT", "/contacts", body)
        assert refused.code == code and named in refused.message, refused.body
    refused = await rest(AGENT1).request("PUT", "/contacts", {"id": first["id"], "name": "Mine"})
    assert refused.code == 5

    await admin.ok("DELETE", "/contacts", {"uris": [first["uri"], second["uri"]]})
    assert (await admin.get(f"/contacts/{first['id']}")).code == 6
    assert (await admin.get(f"/contacts/{second['id']}")).code == 6


async def test_a_feature_removed_from_the_contact_center_takes_its_api_away(rest):
    admin, agent = rest(ADMIN), rest(AGENT1)
    [queue] = (await admin.ok("GET", "/queues", fields="*", channel="voice"))["queues"]
    recording = f"/queues/{queue['id']}/settings/call-recording"
    await admin.ok("GET", recording)
    refused = await agent.request("DELETE", "/features/api-voice-recording")
    assert refused.code == 5
    features = (await admin.ok("GET", "/features"))["uris"]
    await admin.ok("DELETE", "/features/api-voice-recording")
    assert len((await admin.ok("GET", "/features"))["uris"]) == len(features) - 1
    assert (await admin.get("/features/api-voice-recording")).code == 6
    assert (await admin.request("DELETE", "/features/api-voice-recording")).code == 6
    gone = await admin.get(recording)
    assert (gone.status, gone.code) == (404, 6) and "api-voice-recording is not enabled" in gone.message


async def test_an_agent_state_defined_at_run_time_is_an_operation_until_it_is_deleted(rest):
    """The operations of the contact center's own agent states follow its definitions as they change,
    whatever was posted before."""
    admin, agent = rest(ADMIN), rest(AGENT1)
    await agent.ok("POST", "/me", {"operationName": "StartContactCenterSession"})
    await agent.ok("POST", "/me", {"operationName": "OutToLunch"})
    unknown = await agent.post("/me", {"operationName": "Training"})
    assert unknown.status == 400 and "'Training'" in unknown.message
    await admin.ok(
        "POST",
        "/settings/agent-states",
        {"operationName": "Training", "displayName": "In training", "state": "NotReady", "reason": "Training"},
    )
    await agent.ok("POST", "/me", {"operationName": "Training"})
    voice = (await agent.ok("GET", "/me/channels/voice"))["channel"]["userState"]
    assert voice["displayName"] == "In training" and voice["reason"] == "Training"
    await agent.ok("POST", "/me", {"operationName": "OutToLunch"})  # a state in use cannot be deleted
    await admin.ok("DELETE", "/settings/agent-states", {"operationName": "Training"})
    gone = await agent.post("/me", {"operationName": "Training"})
    assert gone.status == 400 and "operationName 'Training'" in gone.message and "OutToLunch" in gone.message


async def test_a_session_started_on_no_channel_at_all_is_refused_naming_channels(rest):
    agent = rest(AGENT1)
    for channels, named in (([], "channels must name"), (["sms"], "channels[0] 'sms'")):
        reply = await agent.post("/me", {"operationName": "StartContactCenterSession", "channels": channels})
        assert reply.status == 400 and reply.code == 2 and named in reply.message, reply.body
    voice = (await agent.ok("GET", "/me/channels/voice"))["channel"]["userState"]
    assert voice["state"] == "Logout"  # nothing was started
