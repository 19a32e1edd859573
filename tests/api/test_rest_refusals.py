"""A refused request changes nothing: the whole simulated state is the same before and after each of
several hundred refused requests of every kind, sent to every operation the OpenAPI document lists."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson
import pytest
from conftest import LiveServer, start_server
from rest_client import ADMIN, AGENT1, AGENT2, PASSWORD, SUPERVISOR, basic

from simulator.api import bounds
from simulator.api.validation import MAX_BODY
from simulator.core.voice import VirtualClock

WRONG_TYPE = {"string": 12345, "integer": "twelve", "boolean": "maybe", "array": "not a list", "object": ["x"]}


@dataclass(frozen=True)
class Attempt:
    """One request that the server must refuse."""

    kind: str
    user: str
    method: str
    path: str
    body: bytes | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.user} {self.method} {self.path} {(self.body or b'')[:120]!r}"


@pytest.fixture
async def server() -> AsyncIterator[LiveServer]:
    runner, live = await start_server(clock=VirtualClock())  # time stands still: the state moves only if changed
    yield live
    await runner.cleanup()


async def call(http: aiohttp.ClientSession, server: LiveServer, user: str, method: str, path: str, body=None):
    headers = {**basic(user, PASSWORD), "Content-Type": "application/json"}
    async with http.request(method, server.url + path, data=body, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def snapshot(http: aiohttp.ClientSession, server: LiveServer) -> dict[str, Any]:
    """Everything the simulator holds, as its readers see it."""
    reads = [
        (ADMIN, "/sim/state"),
        (ADMIN, "/sim/calls"),
        (ADMIN, "/api/v2/users?fields=*&subresources=*"),
        (ADMIN, "/api/v2/skills?fields=*"),
        (ADMIN, "/api/v2/queues?fields=*"),
        (ADMIN, "/api/v2/devices?fields=*"),
        (ADMIN, "/api/v2/contacts?fields=*"),
        (ADMIN, "/api/v2/settings"),
        (SUPERVISOR, "/api/v2/interactions?fields=*"),
    ]
    for group in ("general-settings", "reporting", "agent-states", "dispositions"):
        reads.append((ADMIN, f"/api/v2/settings/{group}"))
    for agent in (AGENT1, AGENT2):
        for path in ("/me?subresources=*", "/me/channels?fields=*", "/me/calls?fields=*", "/me/interactions?fields=*"):
            reads.append((agent, "/api/v2" + path))
    state = {}
    for user, path in reads:
        status, body = await call(http, server, user, "GET", path)
        assert status == 200, (path, body)
        state[f"{user} {path}"] = body
    return state


def deep(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"k": value}
    return value


def attempts(document: dict[str, Any], ids: dict[str, str], others: dict[str, str]) -> Iterator[Attempt]:
    """Refusals of every kind for every operation: forbidden roles, unknown ids, another user's ids, bodies
    that are not JSON objects, malformed, oversized or too deep, and each field of each body with a value of
    the wrong type."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            method = method.upper()
            if re.search(r"/me/devices/{device_id}|/users/{user_id}/", path):
                theirs = re.sub(r"{(\w+)}", lambda match: others.get(match.group(1), "no-such-id"), path)
                yield Attempt("another user's id", AGENT1, method, theirs, b"{}" if method != "GET" else None)
            roles = set(operation["x-roles"])
            user = ADMIN if "ROLE_ADMIN" in roles else (AGENT1 if "ROLE_AGENT" in roles else SUPERVISOR)
            real = re.sub(r"{(\w+)}", lambda match: ids.get(match.group(1), "no-such-id"), path)
            if "ROLE_AGENT" not in roles and method != "GET":
                yield Attempt("forbidden role", AGENT1, method, real, b"{}")
            if "{" in path:
                unknown = re.sub(r"{(\w+)}", "no-such-id", path)
                yield Attempt("unknown id", user, method, unknown, b"{}" if method != "GET" else None)
            if method == "GET":
                if any(parameter["name"] == "fields" for parameter in operation.get("parameters", [])):
                    yield Attempt("bad query", user, method, real + "?fields=,")
                yield Attempt("too many parameters", user, method, real + "?" + "&".join(f"p{i}=1" for i in range(40)))
                continue
            if "requestBody" not in operation:
                continue
            content = operation["requestBody"]["content"]
            if "application/json" not in content:
                yield Attempt("not multipart", user, method, real, b"{}")
                continue
            yield Attempt("malformed JSON", user, method, real, b'{"a": ')
            yield Attempt("not an object", user, method, real, b"[1, 2]")
            yield Attempt("oversized", user, method, real, b'{"text": "' + b"x" * MAX_BODY + b'"}')
            yield Attempt("too deep", user, method, real, orjson.dumps({"userData": deep(bounds.MAX_DEPTH + 5)}))
            schema = content["application/json"]["schema"]
            for variant in schema.get("oneOf", [schema]):
                fixed = {}
                operation_name = variant.get("properties", {}).get("operationName", {}).get("enum")
                if operation_name:
                    fixed["operationName"] = operation_name[0]
                for name, spec in variant.get("properties", {}).items():
                    wrong = WRONG_TYPE.get(spec.get("type", ""))
                    if name == "operationName" or wrong is None:
                        continue
                    yield Attempt(f"wrong type of {name}", user, method, real, orjson.dumps({**fixed, name: wrong}))


async def test_no_refused_request_changes_any_state(server):
    async with aiohttp.ClientSession() as http:
        # something going on: a call ringing at agent2, agent1 ready
        status, placed = await call(
            http, server, ADMIN, "POST", "/sim/calls", orjson.dumps({"from": "+15550100", "to": "5002"})
        )
        assert status == 200, placed
        _, devices = await call(http, server, AGENT1, "GET", "/api/v2/me/devices")
        _, their_devices = await call(http, server, AGENT2, "GET", "/api/v2/me/devices")
        _, users = await call(http, server, ADMIN, "GET", "/api/v2/users?fields=*&subresources=*")
        agent1, agent2 = (
            next(user for user in users["users"] if user["userName"] == name) for name in (AGENT1, AGENT2)
        )
        _, skills = await call(http, server, ADMIN, "GET", "/api/v2/skills")
        _, queues = await call(http, server, ADMIN, "GET", "/api/v2/queues")
        ids = {
            "user_id": agent1["id"],
            "device_id": devices["uris"][0].rsplit("/", 1)[1],
            "skill_id": skills["uris"][0].rsplit("/", 1)[1],
            "queue_id": queues["uris"][0].rsplit("/", 1)[1],
            "call_id": placed["id"],
            "group": "general-settings",
            "channel_id": "voice",
        }
        _, document = await call(http, server, ADMIN, "GET", "/api/v2/openapi.json")
        others = {"user_id": agent2["id"], "device_id": their_devices["uris"][0].rsplit("/", 1)[1]}
        cases = list(attempts(document, ids, others))
        assert len(cases) > 300
        before = await snapshot(http, server)
        kinds = set()
        for attempt in cases:
            status, body = await call(http, server, attempt.user, attempt.method, attempt.path, attempt.body)
            assert 400 <= status < 500, (str(attempt), status, body)
            assert body["statusCode"] in (1, 2, 3, 5, 6) and body["statusMessage"], (str(attempt), body)
            after = await snapshot(http, server)
            changed = [key for key in before if before[key] != after[key]]
            assert not changed, (str(attempt), body, changed)
            kinds.add(attempt.kind.split(" of ")[0])
        assert {
            "forbidden role",
            "unknown id",
            "another user's id",
            "malformed JSON",
            "oversized",
            "too deep",
            "wrong type",
        } <= kinds
