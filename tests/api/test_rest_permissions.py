"""Who may read and change what: agents, supervisors and admins, and requests without valid credentials."""

from __future__ import annotations

import base64

from rest_client import ADMIN, AGENT1, AGENT2, SUPERVISOR, id_of


async def user_id(rest, user_name: str) -> str:
    return id_of((await rest(ADMIN).ok("GET", "/users", userName=user_name))["uris"][0])


async def device_of(rest, user_name: str) -> str:
    return (await rest(user_name).ok("GET", "/me/devices"))["uris"][0]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def test_an_agent_cannot_read_another_agents_devices(rest):
    agent = rest(AGENT1)
    other = await user_id(rest, AGENT2)
    other_device = await device_of(rest, AGENT2)
    reply = await agent.get(f"/users/{other}/devices")
    assert (reply.status, reply.code) == (403, 5)
    assert AGENT1 in reply.message and AGENT2 in reply.message
    reply = await agent.get(other_device)
    assert (reply.status, reply.code) == (403, 5) and "may not read device" in reply.message
    reply = await agent.get(f"/users/{other}", subresources="devices")
    assert (reply.status, reply.code) == (403, 5)
    reply = await agent.get(f"/me/devices/{id_of(other_device)}")
    assert (reply.status, reply.code) == (404, 6)
    # The list of all devices holds only the agent's own.
    assert (await agent.ok("GET", "/devices"))["uris"] == [await device_of(rest, AGENT1)]
    own = await agent.ok("GET", f"/users/{await user_id(rest, AGENT1)}/devices", fields="phoneNumber")
    assert own["devices"] == [{"phoneNumber": "5001"}]


async def test_an_agent_cannot_create_change_or_delete_users(rest):
    agent = rest(AGENT1)
    me = await user_id(rest, AGENT1)
    other = await user_id(rest, AGENT2)
    before = await rest(ADMIN).ok("GET", "/users", fields="*")
    attempts = [
        await agent.post("/users", {"userName": "intruder@example.com", "password": "x"}),
        await agent.put(f"/users/{me}", {"roles": ["ROLE_ADMIN"]}),
        await agent.post(f"/users/{me}", {"roles": ["ROLE_ADMIN"]}),
        await agent.delete(f"/users/{other}"),
        await agent.post(f"/users/{other}", {"operationName": "ResetPassword", "newPassword": b64("mine")}),
        await agent.post(f"/users/{me}/skills", {"uris": []}),
    ]
    for reply in attempts:
        assert (reply.status, reply.code) == (403, 5), reply.body
        assert reply.message.startswith(AGENT1)
    assert await rest(ADMIN).ok("GET", "/users", fields="*") == before


async def test_an_agent_reads_the_directory_but_not_the_provisioning(rest):
    agent = rest(AGENT1)
    for path in (
        "/me",
        "/me/skills",
        "/me/channels",
        "/users",
        "/contacts",
        "/features",
        "/services",
        "/settings/agent-states",
        "/settings/dispositions",
    ):
        await agent.ok("GET", path)
    for path in ("/skills", "/queues", "/settings", "/system/features", "/system/routing-templates"):
        reply = await agent.get(path)
        assert (reply.status, reply.code) == (403, 5), path
        assert "requires" in reply.message
    skill = (await agent.ok("GET", "/me/skills"))["uris"][0]
    assert (await agent.get(skill)).code == 0  # their own skill, through /users/{self}/skills/{id}
    reply = await agent.get(f"/skills/{id_of(skill)}")
    assert (reply.status, reply.code) == (403, 5)


async def test_a_supervisor_reads_everyone_but_changes_only_passwords(rest):
    supervisor = rest(SUPERVISOR)
    agent = await user_id(rest, AGENT2)
    devices = await supervisor.ok("GET", f"/users/{agent}/devices", fields="phoneNumber")
    assert devices["devices"] == [{"phoneNumber": "5002"}]
    assert len((await supervisor.ok("GET", "/devices"))["uris"]) == len(
        (await rest(ADMIN).ok("GET", "/devices"))["uris"]
    )
    await supervisor.ok("GET", "/queues")
    await supervisor.ok("GET", "/skills")
    for reply in (
        await supervisor.post("/skills", {"name": "Chess"}),
        await supervisor.post("/users", {"userName": "new@example.com", "password": "x"}),
        await supervisor.post(
            "/settings/agent-states", {"operationName": "Nap", "displayName": "Nap", "state": "NotReady"}
        ),
        await supervisor.post(f"/users/{agent}", {"operationName": "ResetPassword", "newPassword": b64("x")}),
        await supervisor.get("/settings"),
    ):
        assert (reply.status, reply.code) == (403, 5), reply.body
    changed = await supervisor.post(
        f"/users/{agent}",
        {"operationName": "ChangePassword", "oldPassword": b64("password"), "newPassword": b64("n3w")},
    )
    assert changed.body == {"statusCode": 0}
    assert (await rest(AGENT2, "n3w").get("/me")).code == 0


async def test_an_admin_provisions_users_who_can_then_log_in(rest):
    admin = rest(ADMIN)
    created = await admin.ok(
        "POST", "/users", {"userName": "dan@example.com", "password": "pw", "firstName": "Dan", "roles": ["ROLE_AGENT"]}
    )
    device = await admin.ok("POST", f"/users/{created['id']}/devices", {"phoneNumber": "5050"})
    me = (await rest("dan@example.com", "pw").ok("GET", "/me", subresources="devices"))["user"]
    assert me["firstName"] == "Dan" and [d["id"] for d in me["devices"]] == [device["id"]]
    await admin.ok("POST", f"/users/{created['id']}", {"operationName": "ResetPassword", "newPassword": b64("pw2")})
    assert (await rest("dan@example.com", "pw").get("/me")).status == 401
    assert (await rest("dan@example.com", "pw2").get("/me")).code == 0
    await admin.ok("DELETE", created["uri"])
    assert (await rest("dan@example.com", "pw2").get("/me")).status == 401
    # The device stays, unassigned.
    assert "userUri" not in (await admin.ok("GET", device["uri"]))["device"]


async def test_an_admin_cannot_delete_themself(rest):
    admin = rest(ADMIN)
    me = await user_id(rest, ADMIN)
    reply = await admin.delete(f"/users/{me}")
    assert (reply.status, reply.code) == (403, 3) and "cannot delete themself" in reply.message
    assert (await admin.get("/me")).code == 0


async def test_requests_without_valid_credentials_get_401(rest):
    for reply in (
        await rest(None).get("/users"),
        await rest(AGENT1, "wrong").get("/me"),
        await rest("ghost@example.com").get("/me"),
        await rest(None).post("/users", {"userName": "x@example.com", "password": "x"}),
        await rest(None).get("/openapi.json"),
    ):
        assert (reply.status, reply.code) == (401, 3)
        assert reply.headers["WWW-Authenticate"].startswith("Basic")
    garbled = await rest(None).request("GET", "/me", headers={"Authorization": "Basic !!!"})
    assert garbled.status == 401 and "credentials are not valid" in garbled.message
    assert "Authentication required" in (await rest(None).get("/me")).message


async def test_the_session_cookie_of_an_authenticated_request_authenticates_later_ones(live_server):
    import aiohttp
    from rest_client import Rest

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        first = await Rest(http, live_server.url, AGENT1).get("/me")
        assert first.code == 0
        anonymous = Rest(http, live_server.url, None)
        devices = await anonymous.ok("GET", "/me/devices", fields="phoneNumber")
        assert devices["devices"] == [{"phoneNumber": "5001"}]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        forged = await Rest(http, live_server.url, None).request("GET", "/me", headers={"Cookie": "JSESSIONID=forged"})
        assert forged.status == 401


async def test_a_user_changes_their_own_password_knowing_the_old_one(rest):
    agent = rest(AGENT1)
    wrong = await agent.post(
        "/me", {"operationName": "ChangePassword", "oldPassword": b64("guess"), "newPassword": b64("new")}
    )
    assert (wrong.status, wrong.code) == (400, 2) and "oldPassword does not match" in wrong.message
    assert (await rest(AGENT1).get("/me")).code == 0
    reply = await agent.request(
        "POST",
        "/me",
        json={"operationName": "ChangePassword", "oldPassword": b64("password"), "newPassword": b64("s3cret")},
        params={"firstLogin": "true"},
    )
    assert reply.body == {"statusCode": 0}
    assert (await rest(AGENT1).get("/me")).status == 401
    assert (await rest(AGENT1, "s3cret").get("/me")).code == 0
    # An agent may not change someone else's password.
    other = await user_id(rest, AGENT2)
    denied = await rest(AGENT1, "s3cret").post(
        f"/users/{other}", {"operationName": "ChangePassword", "oldPassword": b64("password"), "newPassword": b64("x")}
    )
    assert (denied.status, denied.code) == (403, 5) and "ChangePassword" in denied.message
    assert (await rest(AGENT2).get("/me")).code == 0


async def test_a_bulk_delete_of_users_spares_the_admin_themself(rest):
    admin = rest(ADMIN)
    made = await admin.ok(
        "POST",
        "/users",
        {"users": [{"userName": "t1@example.com", "password": "p"}, {"userName": "t2@example.com", "password": "p"}]},
    )
    me = f"{made['succeeded'][0]['uri'].rsplit('/', 1)[0]}/{await user_id(rest, ADMIN)}"
    uris = [item["uri"] for item in made["succeeded"]]
    reply = await admin.delete("/users", {"uris": [*uris, me]})
    assert (reply.status, reply.code) == (200, 7)
    assert [item["uri"] for item in reply.body["succeeded"]] == uris
    assert (
        reply.body["failed"][0]["statusCode"] == 3
        and "cannot delete themself" in reply.body["failed"][0]["statusMessage"]
    )
    assert (await rest("t1@example.com", "p").get("/me")).status == 401
    assert (await admin.get("/me")).code == 0


async def test_an_admin_updates_a_user_with_put_or_post(rest):
    admin = rest(ADMIN)
    agent = await user_id(rest, AGENT1)
    await admin.ok("PUT", f"/users/{agent}", {"lastName": "Smith", "roles": ["ROLE_AGENT", "ROLE_SUPERVISOR"]})
    await admin.ok("POST", f"/users/{agent}", {"firstName": "Alicia"})
    user = (await rest(AGENT1).ok("GET", "/me"))["user"]
    assert (user["firstName"], user["lastName"], user["roles"]) == (
        "Alicia",
        "Smith",
        ["ROLE_AGENT", "ROLE_SUPERVISOR"],
    )
    # Now a supervisor, the agent reads other agents' devices.
    other = await user_id(rest, AGENT2)
    assert (await rest(AGENT1).ok("GET", f"/users/{other}/devices"))["uris"]
