"""Free-form input within bounds: too deep, too many or too long is refused at the edge, naming the field,
and nothing stored can make a later read fail. Also inputs that once answered 500."""

from __future__ import annotations

import base64

import pytest
from rest_client import ADMIN, AGENT1, AGENT2, SUPERVISOR

from simulator.api import bounds, throttle

SIM = "/sim"


def nested(depth: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


async def device_of(rest, user: str) -> str:
    return (await rest(user).get("/me/devices")).body["uris"][0].rsplit("/", 1)[1]


async def reads_all_answer(rest, live_server) -> None:
    """Every read that shows stored documents answers, none with 5xx."""
    sim = live_server.url + SIM
    for user, path in (
        (ADMIN, sim + "/state"),
        (ADMIN, sim + "/calls"),
        (AGENT1, "/me/calls?fields=*"),
        (AGENT2, "/me/calls?fields=*"),
        (AGENT1, "/me/interactions?fields=*"),
        (SUPERVISOR, "/interactions?fields=*"),
    ):
        reply = await rest(user).request("GET", path)
        assert reply.status == 200, (path, reply.body)


async def test_a_userdata_nested_260_deep_is_refused_on_dial_and_nothing_is_stored(rest, live_server):
    device = await device_of(rest, AGENT1)
    reply = await rest(AGENT1).post(
        f"/me/devices/{device}/calls",
        {"operationName": "Dial", "destination": {"phoneNumber": "5002"}, "userData": nested(260)},
    )
    assert (reply.status, reply.code) == (400, 2)
    assert reply.message.startswith("userData.a.a") and "nested deeper than 16 levels" in reply.message
    assert (await rest(ADMIN).get(live_server.url + SIM + "/calls")).body["calls"] == []
    await reads_all_answer(rest, live_server)


async def test_userdata_at_the_bound_is_accepted_and_every_read_still_answers(rest, live_server):
    device = await device_of(rest, AGENT1)
    reply = await rest(AGENT1).post(
        f"/me/devices/{device}/calls",
        {"operationName": "Dial", "destination": {"phoneNumber": "5002"}, "userData": nested(bounds.MAX_DEPTH)},
    )
    assert reply.status == 200, reply.body
    await reads_all_answer(rest, live_server)


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/chats", {"nickname": "Vera", "userData": nested(260)}, "userData.a"),
        ("/chats", {"nickname": "Vera", "userData": nested(bounds.MAX_DEPTH + 1)}, "userData.a"),
        ("/emails", {"from": "v@example.org", "userData": {"k": [[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}}, "userData.k"),
        ("/calls", {"from": "+15550001", "to": "5001", "userData": nested(300)}, "userData.a"),
    ],
)
async def test_deep_user_data_on_the_control_api_is_refused(rest, live_server, path, body, field):
    reply = await rest(ADMIN).post(live_server.url + SIM + path, body)
    assert (reply.status, reply.code) == (400, 2), reply.body
    assert reply.message.startswith(field) and "nested deeper" in reply.message
    state = (await rest(ADMIN).get(live_server.url + SIM + "/state")).body
    assert "'leaf'" not in str(state), "nothing of the refused request is stored"
    await reads_all_answer(rest, live_server)


async def test_too_many_members_and_too_long_keys_name_the_field(rest, live_server):
    chats = live_server.url + SIM + "/chats"
    many = {"nickname": "Vera", "userData": {f"k{i}": i for i in range(bounds.MAX_MEMBERS + 1)}}
    reply = await rest(ADMIN).post(chats, many)
    assert (reply.status, reply.code) == (400, 2)
    assert reply.message == f"userData holds {bounds.MAX_MEMBERS + 1} members; the limit is {bounds.MAX_MEMBERS}"
    long_key = {"nickname": "Vera", "userData": {"k" * (bounds.MAX_KEY + 1): 1}}
    reply = await rest(ADMIN).post(chats, long_key)
    assert (reply.status, reply.code) == (400, 2)
    assert reply.message == f"userData has a key longer than {bounds.MAX_KEY} characters"
    items = {"users": [{}] * (bounds.MAX_MEMBERS + 1)}
    reply = await rest(ADMIN).post("/users", items)
    assert (reply.status, reply.code) == (400, 2) and reply.message.startswith("users holds")


async def test_query_strings_and_path_ids_are_bounded(rest):
    params = {f"p{i}": "x" for i in range(bounds.MAX_QUERY_PARAMETERS + 1)}
    reply = await rest(ADMIN).request("GET", "/users", params=params)
    assert (reply.status, reply.code) == (400, 2) and "limit is 32" in reply.message
    reply = await rest(ADMIN).get("/users", userName="x" * (bounds.MAX_QUERY_VALUE + 1))
    assert (reply.status, reply.code) == (400, 2) and reply.message.startswith("query parameter userName")
    reply = await rest(ADMIN).get("/users/" + "u" * (bounds.MAX_PATH_ID + 1))
    assert (reply.status, reply.code) == (400, 2) and reply.message.startswith("user_id is longer")


@pytest.mark.parametrize("collection", ["/users", "/skills", "/devices", "/queues"])
async def test_a_bulk_delete_without_uris_names_it(rest, collection):
    reply = await rest(ADMIN).delete(collection, {})
    assert (reply.status, reply.code) == (400, 1)
    assert reply.message.startswith("uris is required")


@pytest.mark.parametrize("operation", ["ChangePassword", "ResetPassword"])
async def test_a_password_that_is_not_ascii_base64_is_refused(rest, live_server, operation):
    user_id = live_server.user_id(AGENT1)
    body = {"operationName": operation, "newPassword": "pässwörd"}
    if operation == "ChangePassword":
        body["oldPassword"] = base64.b64encode(b"password").decode()
    reply = await rest(ADMIN).post(f"/users/{user_id}", body)
    assert (reply.status, reply.code) == (400, 2)
    assert reply.message == "newPassword must be base64-encoded UTF-8 text"


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("multipart/form-data", b"no boundary at all"),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="attachment"; '
            b'filename="\xc3\xa9\xff"\r\n\r\nabc\r\n--b--\r\n',
        ),
        ("multipart/form-data; boundary=b", b"--b\r\n\xff\xfe: \xff\r\n\r\nabc\r\n--b--\r\n"),
    ],
)
async def test_a_malformed_multipart_upload_is_refused_naming_the_attachment(rest, content_type, body):
    reply = await rest(AGENT1).request(
        "POST", "/me/interactions/0000000000000001/attachments", data=body, headers={"Content-Type": content_type}
    )
    assert (reply.status, reply.code) == (400, 2), reply.body
    assert reply.message.startswith("attachment: the ")


async def test_user_names_compare_case_insensitively(rest):
    reply = await rest(ADMIN).post("/users", {"userName": "AGENT1@Example.com", "password": "x"})
    assert (reply.status, reply.code) == (403, 3) and "already exists" in reply.message
    assert (await rest("Agent1@EXAMPLE.com").get("/me")).body["user"]["userName"] == AGENT1
    created = await rest(ADMIN).post("/users", {"userName": "Mixed.Case@example.com", "password": "secret"})
    assert created.status == 200
    assert (await rest("mixed.case@example.com", "secret").get("/me")).status == 200


async def test_repeated_wrong_passwords_are_refused_with_429_then_heard_again(rest):
    for _ in range(throttle.PER_USER - 1):
        assert (await rest(AGENT2, "wrong").get("/me")).status == 401
    reply = await rest(AGENT2, "wrong").get("/me")
    assert reply.status == 429 and reply.code == 3
    assert "Too many wrong passwords" in reply.message and 0 < int(reply.headers["Retry-After"]) <= 60
    assert (await rest(AGENT2).get("/me")).status == 429, "the right password waits too"
    assert (await rest(AGENT1).get("/me")).status == 200, "other users are not slowed"


def test_the_throttle_forgets_failures_past_the_window_and_a_right_password_clears_them():
    now = [0.0]
    guard = throttle.PasswordThrottle(lambda: now[0])
    for _ in range(throttle.PER_USER):
        guard.failed("a@example.com", "10.0.0.1")
    assert guard.wait("A@example.com", "10.0.0.2") == throttle.WINDOW
    now[0] = throttle.WINDOW / 2
    assert guard.wait("a@example.com", "10.0.0.2") == throttle.WINDOW / 2
    now[0] = throttle.WINDOW + 0.1
    assert guard.wait("a@example.com", "10.0.0.2") == 0
    for index in range(throttle.PER_ADDRESS):
        guard.failed(f"u{index}@example.com", "10.0.0.1")
    assert guard.wait("someone@example.com", "10.0.0.1") > 0, "one address guessing many names is slowed"
    assert guard.wait("someone@example.com", "10.0.0.9") == 0
    guard.failed("b@example.com", "10.0.0.3")
    guard.succeeded("B@example.com")
    assert "user:b@example.com" not in guard._failures
