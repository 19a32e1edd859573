"""Bad input: each refusal names the field and the problem, and leaves the contact center as it was."""

from __future__ import annotations

import pytest
from rest_client import ADMIN, AGENT1, id_of


async def snapshot(rest) -> dict:
    """Everything an admin can read, to compare before and after a refused request."""
    admin = rest(ADMIN)
    state = {}
    for path in ("/users", "/skills", "/devices", "/queues", "/contacts"):
        state[path] = (
            await admin.ok("GET", path, fields="*", subresources="*")
            if path == "/users"
            else (await admin.ok("GET", path, fields="*"))
        )
    for group in ("agent-states", "reporting", "general-settings", "dispositions"):
        state[group] = await admin.ok("GET", f"/settings/{group}")
    state["/settings"] = await admin.ok("GET", "/settings")
    return state


async def agent1(rest) -> str:
    return id_of((await rest(ADMIN).ok("GET", "/users", userName=AGENT1))["uris"][0])


async def refused(rest, method: str, path: str, status: int, code: int, *fragments: str, **kwargs) -> str:
    before = await snapshot(rest)
    reply = await rest(ADMIN).request(method, path, **kwargs)
    assert (reply.status, reply.code) == (status, code), reply.body
    assert set(reply.body) == {"statusCode", "statusMessage"}
    for fragment in fragments:
        assert fragment in reply.message, (fragment, reply.message)
    assert await snapshot(rest) == before, "a refused request changed the contact center"
    return reply.message


async def test_malformed_json(rest):
    await refused(
        rest,
        "POST",
        "/users",
        400,
        2,
        "not valid JSON",
        "line 1 column",
        data=b'{"userName": "x@example.com",',
        headers={"Content-Type": "application/json"},
    )


async def test_a_body_that_is_not_an_object(rest):
    await refused(rest, "POST", "/skills", 400, 2, "must be a JSON object, not a list", json=[{"name": "X"}])


async def test_a_missing_body(rest):
    await refused(rest, "POST", "/skills", 400, 1, "request body is missing")


async def test_an_oversized_body(rest):
    huge = {"name": "Big", "description": "x" * 70_000}
    await refused(rest, "POST", "/skills", 413, 2, "limit is 65536", json=huge)


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ({"userName": "x@example.com", "password": "p", "firstName": 5}, ["firstName must be a string, not a number"]),
        ({"userName": "x@example.com", "password": "p", "roles": "ROLE_AGENT"}, ["roles must be a list"]),
        (
            {"userName": "x@example.com", "password": "p", "roles": ["ROLE_KING"]},
            ["roles[0] 'ROLE_KING' is not one of ROLE_AGENT, ROLE_SUPERVISOR, ROLE_ADMIN"],
        ),
        ({"userName": "not-an-address", "password": "p"}, ["userName must be an e-mail address"]),
        (
            {"userName": "x@example.com", "password": "p", "changePasswordOnFirstLogin": "maybe"},
            ["changePasswordOnFirstLogin must be true or false"],
        ),
        (
            {"userName": "x@example.com", "password": "p", "favouriteColour": "red"},
            ["favouriteColour is not a field of user"],
        ),
        ({"userName": "x@example.com", "password": "p", "id": "mine"}, ["id is read-only"]),
        ({"userName": "x@example.com", "password": ""}, ["password must not be empty"]),
    ],
)
async def test_wrong_values_name_the_field(rest, body, fragments):
    await refused(rest, "POST", "/users", 400, 2, *fragments, json=body)


async def test_missing_required_fields_are_all_named(rest):
    message = await refused(rest, "POST", "/queues", 400, 1, "channel is required", json={"description": "nameless"})
    assert "name is required" in message
    await refused(
        rest,
        "POST",
        "/queues",
        400,
        1,
        "phoneNumber is required unless internal is true",
        json={"name": "Numberless", "channel": "voice"},
    )
    await refused(rest, "POST", "/users", 400, 1, "userName is required", "password is required", json={})


async def test_every_problem_of_a_body_is_reported_at_once(rest):
    message = await refused(
        rest, "POST", "/queues", 400, 2, json={"name": 3, "channel": "fax", "internal": "yes", "skills": ["Sales", 4]}
    )
    for fragment in (
        "name must be a string",
        "channel must be one of voice, chat, email",
        "internal must be true or false",
        "skills[1] must be a string",
    ):
        assert fragment in message


async def test_unknown_ids(rest):
    user = await agent1(rest)
    await refused(rest, "GET", "/users/nope", 404, 6, "user 'nope' does not exist")
    await refused(rest, "PUT", "/skills/nope", 404, 6, "skill 'nope' does not exist", json={"name": "X"})
    await refused(rest, "DELETE", "/queues/nope", 404, 6, "queue 'nope' does not exist")
    await refused(
        rest,
        "POST",
        f"/users/{user}/skills",
        404,
        6,
        "skill 'nope' does not exist",
        json={"uri": "http://h/api/v2/skills/nope", "level": 1},
    )
    await refused(rest, "POST", f"/users/{user}/devices", 404, 6, "device 'nope' does not exist", json={"id": "nope"})
    await refused(rest, "GET", "/settings/nope", 404, 6, "settings group 'nope' does not exist")


async def test_a_uri_of_the_wrong_kind(rest):
    user = await agent1(rest)
    device = (await rest(ADMIN).ok("GET", "/devices"))["uris"][0]
    await refused(
        rest, "POST", f"/users/{user}/skills", 400, 2, "uri", "is not the URI of a skill", json={"uri": device}
    )


async def test_an_out_of_range_level_assigns_nothing(rest):
    user = await agent1(rest)
    skills = (await rest(ADMIN).ok("GET", "/skills"))["uris"]
    await refused(
        rest,
        "POST",
        f"/users/{user}/skills",
        400,
        2,
        "level must be an integer between 0 and 100",
        json={"uris": skills, "level": 101},
    )
    sales = await rest(ADMIN).ok("GET", "/me/skills")
    assert sales["uris"] == []  # the admin holds no skills; nothing leaked onto them either
    await refused(
        rest,
        "PUT",
        f"/users/{user}/skills/{id_of(skills[0])}",
        400,
        2,
        "level must be an integer",
        json={"level": "high"},
    )


async def test_an_update_with_one_bad_field_changes_no_field(rest):
    user = await agent1(rest)
    await refused(
        rest,
        "PUT",
        f"/users/{user}",
        400,
        2,
        "roles[0] 'ROLE_KING' is not one of",
        json={"firstName": "Changed", "roles": ["ROLE_KING"]},
    )
    queue = (await rest(ADMIN).ok("GET", "/queues", channel="voice"))["uris"][0]
    await refused(
        rest,
        "PUT",
        queue,
        400,
        2,
        "skills[0] 'Juggling' is not a skill",
        json={"name": "Renamed", "skills": ["Juggling"]},
    )
    await refused(rest, "PUT", f"/users/{user}", 400, 2, "userName is read-only", json={"userName": "me@x.com"})
    await refused(rest, "PUT", f"/users/{user}", 400, 1, "must name at least one of", json={})


async def test_conflicts_with_existing_objects(rest):
    await refused(
        rest, "POST", "/devices", 403, 3, "device with phoneNumber '5001' already exists", json={"phoneNumber": "5001"}
    )
    await refused(
        rest,
        "POST",
        "/queues",
        403,
        3,
        "device with phoneNumber '5002' already exists",
        json={"name": "Clash", "channel": "voice", "phoneNumber": "5002"},
    )
    await refused(
        rest,
        "POST",
        "/queues",
        400,
        2,
        "phoneNumber cannot be given for an internal queue",
        json={"name": "Both", "channel": "chat", "phoneNumber": "7777", "internal": True},
    )
    await refused(rest, "POST", "/skills", 403, 3, "skill with name 'Sales' already exists", json={"name": "Sales"})
    sales = (await rest(ADMIN).ok("GET", "/skills", name="Sales"))["uris"][0]
    await refused(rest, "DELETE", sales, 400, 2, "used by queue 'Sales line'")
    spare = (await rest(ADMIN).ok("GET", "/devices", phoneNumber="5002"))["uris"][0]
    user = await agent1(rest)
    await refused(
        rest, "POST", f"/users/{user}/devices", 400, 2, "assigned to 'agent2@example.com'", json={"uri": spare}
    )


async def test_bad_query_parameters(rest):
    await refused(rest, "GET", "/users", 400, 2, "fields must be * or a comma-separated list", params={"fields": ","})
    await refused(rest, "GET", "/users", 400, 2, "given more than once", params=[("fields", "*"), ("fields", "id")])


async def test_bad_passwords_operations(rest):
    user = await agent1(rest)
    await refused(
        rest,
        "POST",
        f"/users/{user}",
        400,
        2,
        "newPassword must be base64",
        json={"operationName": "ResetPassword", "newPassword": "***"},
    )
    await refused(
        rest, "POST", f"/users/{user}", 400, 1, "newPassword is required", json={"operationName": "ResetPassword"}
    )
    await refused(
        rest,
        "POST",
        f"/users/{user}",
        400,
        2,
        "operationName 'Fly' is not an operation",
        "ChangePassword, ResetPassword",
        json={"operationName": "Fly"},
    )
    await refused(rest, "POST", "/me", 400, 1, "operationName is required", json={"newPassword": "eA=="})
    assert (await rest(AGENT1).get("/me")).code == 0


@pytest.mark.parametrize("digits", ["\u00b2", "\u0663"], ids=["superscript two", "arabic-indic three"])
async def test_digits_of_other_scripts_are_not_whole_numbers(rest, digits):
    """`str.isdigit` accepts them; `int` refuses the first (it was a 500) and reads the second as 3."""
    for path, params, field in (
        ("/contacts", {"limit": digits}, "limit"),
        ("/contacts", {"offset": digits}, "offset"),
        ("/sim/journal", {"limit": digits}, "limit"),
        ("/sim/journal", {"status": digits}, "status"),
    ):
        root = rest(ADMIN).base.removesuffix("/api/v2")
        reply = await rest(ADMIN).get(root + path if path.startswith("/sim") else path, **params)
        assert (reply.status, reply.code) == (400, 2), (path, params, reply.body)
        assert field in reply.message
    for group, name in (("reporting", "defaultServiceLevelInterval"), ("general-settings", "countryDigits")):
        await refused(rest, "PUT", f"/settings/{group}", 400, 2, name, json={"name": name, "value": digits})


async def test_a_uri_that_does_not_parse_is_refused_naming_it(rest):
    """urlsplit raises on an unclosed IPv6 bracket; the request names the item instead of a 500."""
    await refused(rest, "DELETE", "/skills", 400, 2, "uris[0]", json={"uris": ["http://[/api/v2/skills/x"]})
    reply = await rest(AGENT1).request(
        "POST", "/me/interactions", json={"operationName": "PullInteractionFromWorkbin", "uri": "http://[/x"}
    )
    assert (reply.status, reply.code) == (400, 2) and "uri" in reply.message, reply.body


async def test_bad_settings(rest):
    await refused(
        rest,
        "PUT",
        "/settings/reporting",
        400,
        2,
        "defaultServiceLevelInterval must be a whole number",
        json={"name": "defaultServiceLevelInterval", "value": "soon"},
    )
    await refused(
        rest,
        "PUT",
        "/settings/reporting",
        400,
        2,
        "between 1 and 100",
        json={"name": "defaultTargetServiceLevelPercentage", "value": 101},
    )
    await refused(
        rest, "PUT", "/settings/reporting", 400, 2, "name must be one of", json={"name": "colour", "value": "1"}
    )
    await refused(
        rest,
        "PUT",
        "/settings/general-settings",
        400,
        2,
        "countryCode must be two capital letters",
        json={"name": "countryCode", "value": "usa"},
    )
    await refused(
        rest,
        "POST",
        "/settings/reporting",
        405,
        3,
        "settings cannot be added to the reporting group",
        json={"name": "x", "value": "1"},
    )
    await refused(
        rest,
        "PUT",
        "/settings/agent-states",
        403,
        3,
        "'Ready' is built in and read-only",
        json={"operationName": "Ready", "displayName": "Go"},
    )
    await refused(
        rest, "DELETE", "/settings/agent-states", 403, 3, "'NotReady' is built in", json={"operationName": "NotReady"}
    )
    await refused(
        rest,
        "POST",
        "/settings/agent-states",
        400,
        2,
        "workMode 'AuxWork' does not apply to state Ready",
        json={"operationName": "Odd", "displayName": "Odd", "state": "Ready", "workMode": "AuxWork"},
    )
    await refused(
        rest,
        "POST",
        "/settings/agent-states",
        403,
        3,
        "reason 'OutToLunch' already exists",
        json={"operationName": "Lunch2", "displayName": "L", "state": "NotReady", "reason": "OutToLunch"},
    )
    await refused(rest, "POST", "/settings/dispositions", 400, 1, "name is required", json={"displayName": "Keyless"})
    await refused(rest, "DELETE", "/settings", 403, 3, "'agent-states' is built in", json={"name": "agent-states"})
    await refused(
        rest,
        "POST",
        "/settings",
        400,
        2,
        "name must be lower-case letters",
        json={"name": "My Group", "displayName": "Mine"},
    )


async def test_custom_contacts_only_are_writable(rest):
    user_contact = (await rest(ADMIN).ok("GET", "/contacts", type="User", userName=AGENT1))["uris"][0]
    await refused(rest, "PUT", user_contact, 403, 3, "contacts of type User are read-only", json={"name": "Al"})
    await refused(rest, "DELETE", user_contact, 403, 3, "contacts of type User are read-only")
    await refused(
        rest,
        "POST",
        "/contacts",
        400,
        2,
        "type must be one of Custom",
        json={"name": "Q", "phoneNumber": "123", "type": "Queue"},
    )
    await refused(
        rest,
        "POST",
        "/contacts",
        400,
        2,
        "phoneNumber must be a phone number",
        json={"name": "Q", "phoneNumber": "call me"},
    )


async def test_an_oversized_body_without_a_length_is_cut_off_too(rest, live_server):
    import aiohttp
    from rest_client import basic

    async def chunks():
        for _ in range(20):
            yield b" " * 8192
        yield b'{"name": "Streamed"}'

    url = f"{live_server.url}/api/v2/skills"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=chunks(), headers={"Content-Type": "application/json", **basic(ADMIN)}) as response,
    ):
        assert response.status == 413
        body = await response.json()
    assert body["statusCode"] == 2 and "larger than 65536 bytes" in body["statusMessage"]
    assert (await rest(ADMIN).ok("GET", "/skills", name="Streamed"))["uris"] == []
