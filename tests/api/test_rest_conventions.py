"""The reference's request parameters and return values, checked on several resources over real HTTP."""

from __future__ import annotations

import pytest
from rest_client import ADMIN, AGENT1, AGENT2, id_of

LIST_PATHS = [
    "/users",
    "/skills",
    "/devices",
    "/queues",
    "/contacts",
    "/features",
    "/services",
    "/system/features",
    "/system/routing-templates",
]
PLURALS = {
    "/users": "users",
    "/skills": "skills",
    "/devices": "devices",
    "/queues": "queues",
    "/contacts": "contacts",
    "/features": "features",
    "/services": "services",
    "/system/features": "features",
    "/system/routing-templates": "routingTemplates",
}


@pytest.mark.parametrize("path", LIST_PATHS)
async def test_lists_answer_uris_by_default_and_objects_with_fields(rest, path):
    admin = rest(ADMIN)
    uris = await admin.ok("GET", path)
    assert set(uris) == {"statusCode", "uris"}
    assert uris["uris"] and all(uri.startswith("http://127.0.0.1:") and "/api/v2/" in uri for uri in uris["uris"])
    objects = await admin.ok("GET", path, fields="*")
    plural = PLURALS[path]
    assert set(objects) == {"statusCode", plural}
    assert [obj["id"] for obj in objects[plural]] == [id_of(uri) for uri in uris["uris"]]
    # Every URI of a list leads to the object, which a singular GET answers under the singular name.
    first = await admin.ok("GET", uris["uris"][0])
    singular = next(key for key in first if key != "statusCode")
    assert first[singular]["id"] == objects[plural][0]["id"]


async def test_fields_selects_fields_in_lists_and_singular_reads(rest):
    admin = rest(ADMIN)
    queues = (await admin.ok("GET", "/queues", fields="id,name"))["queues"]
    assert queues and all(set(queue) == {"id", "name"} for queue in queues)
    queue = (await admin.ok("GET", f"/queues/{queues[0]['id']}", fields="name,channel"))["queue"]
    assert queue == {"name": "Sales line", "channel": "voice"}
    full = (await admin.ok("GET", f"/queues/{queues[0]['id']}"))["queue"]
    assert {"id", "name", "channel", "phoneNumber", "internal", "routingTemplateUri"} <= set(full)


async def test_filters_combine_with_and_ignore_case_and_match_list_elements(rest):
    admin = rest(ADMIN)
    voice = (await admin.ok("GET", "/queues", fields="name,channel", channel="voice"))["queues"]
    assert voice == [{"name": "Sales line", "channel": "voice"}]
    # The reference's own example filters contacts with type=custom for "Custom".
    custom = (await admin.ok("GET", "/contacts", fields="*", type="custom"))["contacts"]
    assert [contact["name"] for contact in custom] == ["Front desk"]
    both = (await admin.ok("GET", "/contacts", fields="name", type="User", lastName="agent"))["contacts"]
    assert sorted(contact["name"] for contact in both) == ["Alice Agent", "Bob Agent", "Carol Agent"]
    none = await admin.ok("GET", "/contacts", type="User", lastName="Nobody")
    assert none["uris"] == []
    supervisors = (await admin.ok("GET", "/users", fields="userName", roles="ROLE_SUPERVISOR"))["users"]
    assert supervisors == [{"userName": "supervisor@example.com"}]
    templates = await admin.ok("GET", "/system/routing-templates", fields="id", channel="voice", version="1.0.0")
    assert [template["id"] for template in templates["routingTemplates"]] == [
        "00_RouteToSpecDestination",
        "07_SegmentCallerRouteToSpecDestination",
    ]


async def test_a_filter_on_an_unknown_field_is_refused_naming_it(rest):
    reply = await rest(ADMIN).get("/queues", colour="blue")
    assert (reply.status, reply.code) == (400, 2)
    assert "colour is not a field of queue" in reply.message


async def test_subresources_all_or_chosen(rest):
    admin = rest(ADMIN)
    agent_id = id_of((await admin.ok("GET", "/users", userName=AGENT1))["uris"][0])
    plain = (await admin.ok("GET", f"/users/{agent_id}"))["user"]
    assert "skills" not in plain and "devices" not in plain
    everything = (await admin.ok("GET", f"/users/{agent_id}", subresources="*"))["user"]
    assert [device["phoneNumber"] for device in everything["devices"]] == ["5001"]
    assert {skill["name"]: skill["level"] for skill in everything["skills"]} == {"Sales": "8", "Support": "3"}
    skills_only = (await admin.ok("GET", f"/users/{agent_id}", subresources="skills"))["user"]
    assert "skills" in skills_only and "devices" not in skills_only
    listed = (await admin.ok("GET", "/users", subresources="*", userName=AGENT1))["users"]
    assert listed[0]["devices"][0]["phoneNumber"] == "5001"
    me = (await rest(AGENT1).ok("GET", "/me", subresources="*"))["user"]
    assert {"skills", "devices", "channels"} <= set(me)
    assert [channel["channel"] for channel in me["channels"]] == ["voice", "chat", "email"]
    bad = await admin.get(f"/users/{agent_id}", subresources="pets")
    assert (bad.status, bad.code) == (400, 2) and "'pets' is not a subresource of user" in bad.message


async def test_resolve_uri_expands_links_all_or_chosen(rest):
    admin = rest(ADMIN)
    queue = (await admin.ok("GET", "/queues", fields="*", channel="voice"))["queues"][0]
    assert "routingTemplate" not in queue
    resolved = (await admin.ok("GET", f"/queues/{queue['id']}", resolveUri="routingTemplateUri"))["queue"]
    assert resolved["routingTemplate"]["id"] == id_of(resolved["routingTemplateUri"])
    assert resolved["routingTemplate"]["channel"] == "voice"
    star = (await admin.ok("GET", f"/queues/{queue['id']}", resolveUri="*"))["queue"]
    assert star["routingTemplate"] == resolved["routingTemplate"]
    devices = (await rest(AGENT1).ok("GET", "/me/devices", resolveUri="*"))["devices"]
    assert devices[0]["user"]["userName"] == AGENT1
    bad = await admin.get(f"/queues/{queue['id']}", resolveUri="deviceUri")
    assert (bad.status, bad.code) == (400, 2) and "'deviceUri' is not a URI field of queue" in bad.message


async def test_create_answers_id_and_uri_and_the_uri_reads_the_object(rest):
    admin = rest(ADMIN)
    created = await admin.ok("POST", "/skills", {"name": "French", "description": "Parle français"})
    assert set(created) == {"statusCode", "id", "uri"}
    assert created["uri"].endswith(f"/api/v2/skills/{created['id']}")
    skill = (await admin.ok("GET", created["uri"]))["skill"]
    assert skill == {"id": created["id"], "name": "French", "description": "Parle français", "level": "0"}


async def test_assign_and_unassign_answer_status_code_alone(rest):
    admin = rest(ADMIN)
    agent_id = id_of((await admin.ok("GET", "/users", userName=AGENT1))["uris"][0])
    billing = (await admin.ok("GET", "/skills", fields="id,name", name="Billing"))["skills"][0]
    assigned = await admin.ok("POST", f"/users/{agent_id}/skills", {"id": billing["id"], "level": 6})
    assert assigned == {"statusCode": 0}
    levels = {s["name"]: s["level"] for s in (await admin.ok("GET", f"/users/{agent_id}/skills", fields="*"))["skills"]}
    assert levels == {"Sales": "8", "Support": "3", "Billing": "6"}
    assert await admin.ok("PUT", f"/users/{agent_id}/skills/{billing['id']}", {"level": 9}) == {"statusCode": 0}
    one = (await admin.ok("GET", f"/users/{agent_id}/skills/{billing['id']}"))["skill"]
    assert one["level"] == "9"
    assert await admin.ok("DELETE", f"/users/{agent_id}/skills/{billing['id']}") == {"statusCode": 0}
    gone = await admin.get(f"/users/{agent_id}/skills/{billing['id']}")
    assert (gone.status, gone.code) == (404, 6)


async def test_bulk_assign_partial_success_answers_7_with_succeeded_and_failed(rest):
    admin = rest(ADMIN)
    agent_id = id_of((await admin.ok("GET", "/users", userName=AGENT2))["uris"][0])
    uris = (await admin.ok("GET", "/skills"))["uris"]
    names = {uri: (await admin.ok("GET", uri))["skill"]["name"] for uri in uris}
    support = next(uri for uri, name in names.items() if name == "Support")
    sales = next(uri for uri, name in names.items() if name == "Sales")  # agent2 already has Sales
    missing = uris[0].rsplit("/", 1)[0] + "/no-such-skill"
    reply = await admin.post(f"/users/{agent_id}/skills", {"uris": [support, sales, missing], "level": 4})
    assert (reply.status, reply.code) == (200, 7)
    assert reply.body["succeeded"] == [{"id": id_of(support), "uri": support}]
    failed = {item["uri"]: item for item in reply.body["failed"]}
    assert failed[sales]["statusCode"] == 3 and "already has skill 'Sales'" in failed[sales]["statusMessage"]
    assert failed[missing]["statusCode"] == 6 and failed[missing]["statusMessage"].startswith("uris[2]")
    levels = {s["name"]: s["level"] for s in (await admin.ok("GET", f"/users/{agent_id}/skills", fields="*"))["skills"]}
    assert levels == {"Sales": "5", "Billing": "7", "Support": "4"}


async def test_bulk_create_partial_success_names_each_failed_item(rest):
    admin = rest(ADMIN)
    reply = await admin.post(
        "/users",
        {
            "users": [
                {"userName": "new1@example.com", "password": "secret", "firstName": "New"},
                {"userName": AGENT1, "password": "secret"},
                {"userName": "new3@example.com"},
            ]
        },
    )
    assert (reply.status, reply.code) == (200, 7)
    assert len(reply.body["succeeded"]) == 1 and reply.body["succeeded"][0]["uri"].endswith(
        reply.body["succeeded"][0]["id"]
    )
    first, second = reply.body["failed"]
    assert first == {
        "userName": AGENT1,
        "statusCode": 3,
        "statusMessage": f"users[1]: Operation forbidden, user with userName '{AGENT1}' already exists",
    }
    assert second["userName"] == "new3@example.com" and second["statusCode"] == 1
    assert second["statusMessage"] == "users[2].password is required"
    names = [u["userName"] for u in (await admin.ok("GET", "/users", fields="userName"))["users"]]
    assert "new1@example.com" in names and "new3@example.com" not in names


async def test_bulk_where_everything_fails_is_an_error_naming_every_item(rest):
    admin = rest(ADMIN)
    before = await admin.ok("GET", "/devices")
    reply = await admin.post("/devices", {"devices": [{"phoneNumber": "5001"}, {"phoneNumber": "x"}]})
    assert reply.status == 403 and reply.code == 3
    assert set(reply.body) == {"statusCode", "statusMessage"}
    assert "devices[0]: Operation forbidden, device with phoneNumber '5001' already exists" in reply.message
    assert "devices[1].phoneNumber must be digits" in reply.message
    assert await admin.ok("GET", "/devices") == before


async def test_bulk_create_all_succeeding_answers_0_with_every_uri(rest):
    admin = rest(ADMIN)
    reply = await admin.ok("POST", "/devices", {"devices": [{"phoneNumber": "6001"}, {"phoneNumber": "6002"}]})
    numbers = [(await admin.ok("GET", item["uri"]))["device"]["phoneNumber"] for item in reply["succeeded"]]
    assert numbers == ["6001", "6002"]


async def test_bulk_delete_with_uris(rest):
    admin = rest(ADMIN)
    made = await admin.ok("POST", "/devices", {"devices": [{"phoneNumber": "6101"}, {"phoneNumber": "6102"}]})
    uris = [item["uri"] for item in made["succeeded"]]
    missing = uris[0].rsplit("/", 1)[0] + "/nope"
    reply = await admin.delete("/devices", {"uris": [*uris, missing]})
    assert reply.code == 7 and [item["uri"] for item in reply.body["succeeded"]] == uris
    assert reply.body["failed"] == [
        {"uri": missing, "statusCode": 6, "statusMessage": "uris[2]: device 'nope' does not exist"}
    ]
    for uri in uris:
        assert (await admin.get(uri)).code == 6


async def test_delete_and_put_answer_status_code_alone(rest):
    admin = rest(ADMIN)
    created = await admin.ok("POST", "/contacts", {"name": "Plumber", "phoneNumber": "+1 650-555-0199"})
    assert await admin.ok("PUT", created["uri"], {"name": "Emergency plumber"}) == {"statusCode": 0}
    assert (await admin.ok("GET", created["uri"]))["contact"]["name"] == "Emergency plumber"
    assert await admin.ok("DELETE", created["uri"]) == {"statusCode": 0}
    reply = await admin.get(created["uri"])
    assert (reply.status, reply.body) == (
        404,
        {"statusCode": 6, "statusMessage": f"contact '{created['id']}' does not exist"},
    )


async def test_errors_carry_status_code_and_message_only_with_a_matching_http_status(rest):
    admin = rest(ADMIN)
    cases = [
        (await admin.get("/users/nobody"), 404, 6),
        (await admin.get("/no/such/resource"), 404, 6),
        (await admin.request("PATCH", "/users"), 405, 3),
        (await admin.post("/skills", {}), 400, 1),
        (await admin.post("/skills", {"name": 7}), 400, 2),
        (await rest(AGENT1).get("/skills"), 403, 5),
        (await rest(None).get("/me"), 401, 3),
    ]
    for reply, status, code in cases:
        assert (reply.status, reply.code) == (status, code), reply.body
        assert set(reply.body) == {"statusCode", "statusMessage"} and reply.message


async def test_successes_never_carry_a_status_message(rest):
    for path in ("/me", "/me/devices", "/me/channels", "/features", "/services", "/contacts"):
        body = await rest(AGENT1).ok("GET", path)
        assert "statusMessage" not in body


async def test_settings_list_and_groups_answer_the_reference_shape(rest):
    admin = rest(ADMIN)
    groups = (await admin.ok("GET", "/settings"))["settings"]
    by_name = {group["name"]: group for group in groups}
    assert {"general-settings", "reporting", "agent-states", "dispositions"} <= set(by_name)
    assert by_name["agent-states"]["uri"].endswith("/api/v2/settings/agent-states")
    reporting = await admin.ok("GET", "/settings/reporting")
    assert reporting["key"] == "name"
    assert {s["name"]: s["value"] for s in reporting["settings"]} == {
        "defaultTargetServiceLevelPercentage": "80",
        "defaultServiceLevelInterval": "60",
    }


async def test_an_unexpected_exception_answers_status_code_4():
    """A bug in a handler still answers in the reference's shape, and the server keeps serving."""
    import aiohttp
    from aiohttp import web
    from rest_client import Rest

    from simulator.app import create_app
    from simulator.center_file import load_default

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("a bug")

    app = create_app(load_default())
    app.router.add_get("/api/v2/broken", broken)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession() as http:
            client = Rest(http, f"http://127.0.0.1:{port}", AGENT1)
            reply = await client.get("/broken")
            assert (reply.status, reply.body) == (
                500,
                {"statusCode": 4, "statusMessage": "internal error of the simulator"},
            )
            assert (await client.get("/me")).code == 0
    finally:
        await runner.cleanup()
