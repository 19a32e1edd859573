"""Faults on demand (/sim/faults): each kind injected as asked, seeded so the same run meets the same faults,
and a plan with a mistake refused naming the field, leaving the plan in force as it was."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from bayeux.client import BayeuxClient
from simulator.scenario.agent import basic_auth
from simulator.testing import simulation
from simulator.testing.simulation import Simulation

BOUND = 15.0  # real seconds a notification may take to arrive through drops and late replies
CALLER = "+15551230000"


async def faults(sim: Simulation, plan: dict[str, Any]) -> dict[str, Any]:
    status, body = await sim.simulator.control("POST", "/sim/faults", plan)
    assert (status, body["statusCode"]) == (200, 0), body
    return dict(body["faults"])


async def injected(sim: Simulation) -> dict[str, int]:
    _, body = await sim.simulator.control("GET", "/sim/faults")
    return dict(body["faults"]["injected"])


async def statuses_of_a_run(seed: int) -> list[tuple[int, int]]:
    """Twenty agent-state changes under an error rate of one half: (HTTP status, statusCode) of each."""
    async with simulation() as sim:
        agent = await sim.agent("agent1@example.com")
        await faults(sim, {"seed": seed, "errors": [{"route": "/api/v2/me", "method": "POST", "rate": 0.5}]})
        seen = []
        for index in range(20):
            status, body = await agent.request(
                "POST", "/api/v2/me", {"operationName": "Ready" if index % 2 else "NotReady"}
            )
            seen.append((status, body["statusCode"]))
        assert (await injected(sim))["errors"] == sum(1 for status, _ in seen if status == 500)
        return seen


async def test_errors_at_a_rate_repeat_with_their_seed() -> None:
    first, again, other = await statuses_of_a_run(3), await statuses_of_a_run(3), await statuses_of_a_run(4)
    assert first == again
    assert first != other
    assert (500, 4) in first and (200, 0) in first
    assert 3 <= sum(1 for status, _ in first if status == 500) <= 17


async def test_an_injected_error_answers_statuscode_4_and_changes_nothing() -> None:
    async with simulation() as sim:
        agent = await sim.agent("agent1@example.com")
        await faults(sim, {"errors": [{"route": "/api/v2/me", "method": "POST", "rate": 1}]})
        status, body = await agent.request("POST", "/api/v2/me", {"operationName": "Ready"})
        assert (status, body["statusCode"]) == (500, 4)
        assert body["statusMessage"] == "Internal error (a fault injected on POST /api/v2/me)"
        _, me = await agent.request("GET", "/api/v2/me/devices?fields=*")
        assert me["devices"][0]["userState"]["state"] == "NotReady"  # GET is not a chosen method
        await faults(sim, {"errors": [{"route": "/api/v2/me/*", "rate": 1, "status": 503}]})
        async with (
            aiohttp.ClientSession() as http,
            http.get(sim.url + "/api/v2/me/calls", headers=agent.client.headers) as response,
        ):
            assert response.status == 503 and response.headers["Retry-After"] == "1"
            assert (await response.json())["statusCode"] == 4
        status, _ = await agent.request("POST", "/api/v2/me", {"operationName": "Ready"})  # not under /me/*
        assert status == 200


async def test_latency_delays_the_chosen_routes_only() -> None:
    async with simulation() as sim:
        agent = await sim.agent("agent1@example.com")
        await faults(sim, {"seed": 1, "latency": [{"route": "/api/v2/me/calls", "seconds": {"uniform": [0.2, 0.3]}}]})
        for _ in range(3):
            started = time.perf_counter()
            status, _ = await agent.request("GET", "/api/v2/me/calls")
            assert status == 200 and time.perf_counter() - started >= 0.2
        assert (await injected(sim))["latency"] == 3
        await agent.request("GET", "/api/v2/me")
        assert (await injected(sim))["latency"] == 3


async def test_the_rate_limit_answers_429_in_the_reference_family_shape() -> None:
    async with simulation() as sim:
        agent1 = await sim.agent("agent1@example.com", session=False)
        agent2 = await sim.agent("agent2@example.com", session=False)
        await faults(sim, {"rateLimit": {"requests": 10, "per": 60}})
        for _ in range(10):
            assert (await agent1.request("GET", "/api/v2/me"))[0] == 200
        async with (
            aiohttp.ClientSession() as http,
            http.get(sim.url + "/api/v2/me", headers=agent1.client.headers) as response,
        ):
            body = await response.json()
            assert response.status == 429 and response.headers["Retry-After"] == "60"
        assert body == {
            "statusCode": 3,
            "statusMessage": "Rate limit exceeded: 10 requests per minute for 'agent1@example.com'; try again in 60 s",
        }
        assert (await agent2.request("GET", "/api/v2/me"))[0] == 200  # per user
        await sim.advance(25)
        assert (await agent1.request("GET", "/api/v2/me"))[1]["statusMessage"].endswith("try again in 35 s")
        await sim.advance(35)
        assert (await agent1.request("GET", "/api/v2/me"))[0] == 200  # the window moved on
        assert (await injected(sim))["rateLimited"] == 2


async def listen(sim: Simulation, user: str, *channels: str, ack: bool = True) -> tuple[BayeuxClient, list[Any]]:
    received: list[Any] = []
    client = BayeuxClient(
        sim.url + "/api/v2/notifications",
        headers=basic_auth(user, "password"),
        on_message=lambda message: received.append(message),
        ack=ack,
    )
    await client.start()
    await client.subscribe(*channels)
    return client, received


async def arrived(received: list[Any], wanted: Any) -> None:
    """Wait, within the bound, for a message for which `wanted(message)` holds."""
    deadline = time.monotonic() + BOUND
    while not any(wanted(message) for message in received):
        assert time.monotonic() < deadline, f"not arrived within {BOUND} s: {received}"
        await asyncio.sleep(0.02)


def states(received: list[Any], call_id: str) -> list[str]:
    return [m["data"]["call"]["state"] for m in received if m["data"].get("call", {}).get("id") == call_id]


async def a_call_through_drops(ack: bool) -> tuple[list[str], list[str], int]:
    """A call rings, time passes over a drop, it ends, then a second call rings: the states each client saw
    of the first call and of the second, and the connections dropped."""
    async with simulation() as sim:
        agent = await sim.agent("agent1@example.com", ready=True)
        client, received = await listen(sim, "agent1@example.com", "/v2/me/calls", ack=ack)
        try:
            await faults(sim, {"seed": 2, "bayeux": {"dropEvery": 5}})
            first = await sim.call(CALLER, agent.phone_number)
            await arrived(received, lambda m: m["data"]["call"]["state"] == "Ringing")
            await sim.advance(6)  # a drop is due: the next connect reply is lost with its connection
            await sim.customer(first, "Hangup")
            await agent.settle()
            second = await sim.call("+15559990000", agent.phone_number)
            await arrived(received, lambda m: m["data"]["call"]["id"] == second)
            return states(received, first), states(received, second), (await injected(sim))["dropped"]
        finally:
            await client.close()


async def test_a_dropped_connection_loses_nothing_with_the_ack_extension() -> None:
    first, second, dropped = await a_call_through_drops(ack=True)
    assert first == ["Ringing", "Released"] and second == ["Ringing"]
    assert dropped >= 1


async def test_a_dropped_connection_loses_its_messages_without_the_ack_extension() -> None:
    first, second, dropped = await a_call_through_drops(ack=False)
    assert first == ["Ringing"] and second == ["Ringing"]  # Released went with the dropped reply
    assert dropped >= 1


async def test_connect_replies_dropped_at_a_rate_lose_nothing_with_acks() -> None:
    async with simulation() as sim:
        agent = await sim.agent("agent1@example.com", ready=True)
        client, received = await listen(sim, "agent1@example.com", "/v2/me/calls")
        try:
            await faults(sim, {"seed": 0, "bayeux": {"dropRate": 0.5}})
            calls = []
            for number in range(4):
                calls.append(await sim.call(f"+1555000000{number}", agent.phone_number))
                await sim.customer(calls[-1], "Hangup")
            await arrived(
                received, lambda m: m["data"]["call"]["id"] == calls[-1] and m["data"]["call"]["state"] == "Released"
            )
            for call in calls:
                assert states(received, call) == ["Ringing", "Released"]
            assert (await injected(sim))["dropped"] >= 1
        finally:
            await client.close()


async def test_held_connects_answered_late() -> None:
    async with simulation() as sim:
        agent = await sim.agent("agent1@example.com", ready=True)
        client, received = await listen(sim, "agent1@example.com", "/v2/me/calls")
        try:
            await faults(sim, {"bayeux": {"lateConnects": {"rate": 1, "seconds": 0.4}}})
            await asyncio.sleep(0.5)  # the connect already waiting is answered late too
            started = time.perf_counter()
            await sim.call(CALLER, agent.phone_number)
            await arrived(received, lambda m: m["data"]["call"]["state"] == "Ringing")
            assert time.perf_counter() - started >= 0.4
            assert (await injected(sim))["late"] >= 1
        finally:
            await client.close()


async def test_a_service_going_down_is_told_and_answers_503() -> None:
    async with simulation() as sim:
        agent = await sim.agent("agent1@example.com")
        client, received = await listen(sim, "agent1@example.com", "/notifications/services")
        try:
            _, listing = await agent.request("GET", "/api/v2/services?fields=*")
            voice = next(service for service in listing["services"] if service["type"] == "Voice")
            plan = await faults(sim, {"servicesDown": [voice["name"]]})
            assert plan["servicesDown"] == [voice["name"]]
            await arrived(received, lambda m: m["data"]["service"]["state"] == "Inactive")
            assert received[0]["data"] == {
                "messageType": "ServiceStateChangeMessage",
                "service": {**voice, "state": "Inactive"},
            }
            status, body = await agent.request("GET", "/api/v2/me/calls")
            assert (status, body["statusCode"]) == (503, 4) and voice["name"] in body["statusMessage"]
            _, service = await agent.request("GET", f"/api/v2/services/{voice['id']}")
            assert service["service"]["state"] == "Inactive"
            assert (await agent.request("GET", "/api/v2/me"))[0] == 200  # what Voice does not serve works
            status, _ = await sim.simulator.control("DELETE", "/sim/faults")
            assert status == 200
            await arrived(received, lambda m: m["data"]["service"]["state"] == "Active")
            assert (await agent.request("GET", "/api/v2/me/calls"))[0] == 200
        finally:
            await client.close()


async def test_a_plan_with_a_mistake_is_refused_naming_the_field_and_changes_nothing() -> None:
    async with simulation() as sim:
        good = await faults(sim, {"seed": 5, "rateLimit": {"requests": 3, "per": 10}})
        wrong = {
            "errors[0].rate must be a number between 0 and 1": {"errors": [{"route": "/api/v2/me", "rate": 2}]},
            "errors[0].status must be 500 or 503": {"errors": [{"route": "/api/v2/me", "rate": 1, "status": 404}]},
            "latency[0].route is required": {"latency": [{"seconds": 1}]},
            "latency[0].seconds must be seconds or one of": {"latency": [{"route": "/x", "seconds": {"pareto": 1}}]},
            "rateLimit.requests must be a whole number": {"rateLimit": {"requests": 0}},
            "bayeux.dropEvery must be a number": {"bayeux": {"dropEvery": "often"}},
            "bayeux.lateConnects.seconds is required": {"bayeux": {"lateConnects": {"rate": 1}}},
            "servicesDown[0]: no service 'Nope'": {"servicesDown": ["Nope"]},
            "surprise is not a field of fault plan": {"surprise": 1},
        }
        for message, plan in wrong.items():
            status, body = await sim.simulator.control("POST", "/sim/faults", plan)
            assert status == 400 and body["statusCode"] in (1, 2), body
            assert body["statusMessage"].startswith(message), body
        _, body = await sim.simulator.control("GET", "/sim/faults")
        assert (
            body["faults"]
            == good
            == {
                "seed": 5,
                "rateLimit": {"requests": 3, "per": 10.0, "route": "/api/*"},
                "injected": {"latency": 0, "errors": 0, "rateLimited": 0, "dropped": 0, "late": 0},
            }
        )


async def test_drops_close_open_websockets() -> None:
    async with simulation() as sim:
        await faults(sim, {"bayeux": {"dropEvery": 5}})
        headers = basic_auth("agent1@example.com", "password")
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(sim.url + "/api/v2/notifications", headers=headers) as socket,
        ):
            await socket.send_json(
                [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["websocket"]}]
            )
            handshake = (await socket.receive_json(timeout=BOUND))[0]
            assert handshake["successful"], handshake
            await sim.advance(6)
            message = await socket.receive(timeout=BOUND)
            assert message.type.name in ("CLOSE", "CLOSED", "ERROR"), message
        assert (await injected(sim))["dropped"] == 1
