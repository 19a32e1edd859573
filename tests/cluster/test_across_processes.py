"""Several `gwsim serve` processes over one real Redis form one simulator: what is posted to any process
reaches the World, and its notifications reach each desktop through whichever process it polls."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
from cluster_rig import WAIT, Cluster, Poller, basic

ROOT = Path(__file__).parents[2]
ADMIN = basic("admin@example.com")
NUMBERS = {"agent1@example.com": "5001", "agent2@example.com": "5002"}


async def place_call(http: aiohttp.ClientSession, url: str, to: str) -> dict[str, Any]:
    async with http.post(url + "/sim/calls", json={"from": "+15550100", "to": to}, headers=ADMIN) as reply:
        body = await reply.json()
        assert reply.status == 200, body
        return dict(body)


def ringing(message: dict[str, Any]) -> bool:
    return message["channel"] == "/v2/me/calls" and message["data"]["call"]["state"] == "Ringing"


async def test_a_desktop_polling_one_process_hears_what_is_posted_to_another(
    cluster: Cluster, http: aiohttp.ClientSession
) -> None:
    a = await cluster.start()
    b = await cluster.start()
    desktop = Poller(http, a.url, "agent1@example.com")
    await desktop.open("/v2/me/calls")
    try:
        placed = await place_call(http, b.url, "5001")
        [message] = await desktop.wait_for(ringing)
        assert message["data"]["call"]["id"] == placed["id"]
        # the same World answers through either process
        for process in (a, b):
            async with http.get(process.url + f"/sim/calls/{placed['id']}", headers=ADMIN) as reply:
                assert reply.status == 200
                assert (await reply.json())["call"]["id"] == placed["id"]
    finally:
        await desktop.close()


async def test_each_user_hears_only_their_own_calls_whichever_process_they_poll(
    cluster: Cluster, http: aiohttp.ClientSession
) -> None:
    a = await cluster.start()
    b = await cluster.start()
    first = Poller(http, a.url, "agent1@example.com")
    second = Poller(http, b.url, "agent2@example.com")
    await first.open("/v2/me/calls")
    await second.open("/v2/me/calls")
    try:
        to_second = await place_call(http, a.url, "5002")
        [heard] = await second.wait_for(ringing)
        assert heard["data"]["call"]["id"] == to_second["id"]
        # the stream is ordered: once agent1 hears a later call of theirs, anything about the earlier one has come
        to_first = await place_call(http, b.url, "5001")
        await first.wait_for(ringing)
        assert {m["data"]["call"]["id"] for m in first.received} == {to_first["id"]}
        assert to_first["id"] not in {m["data"]["call"]["id"] for m in second.received}
    finally:
        await first.close()
        await second.close()


async def test_when_the_worlds_process_is_killed_another_takes_over_and_says_the_world_was_lost(
    cluster: Cluster, http: aiohttp.ClientSession
) -> None:
    a = await cluster.start()
    b = await cluster.start()
    world = await cluster.world(http, b)
    assert world.split(":")[1] == str(a.pid)
    placed = await place_call(http, b.url, "5001")
    await cluster.kill(a, signal.SIGKILL)
    async with asyncio.timeout(WAIT):  # the lease expires (3 s) and b takes it
        while True:
            async with http.get(b.url + "/health") as reply:
                state = (await reply.json())["cluster"]
            if state["isWorld"]:
                break
            await asyncio.sleep(0.2)
    assert state["worldLost"] is not None and "lost" in state["worldLost"]["message"]
    assert any("was lost" in line for line in b.output), b.output
    async with http.get(b.url + f"/sim/calls/{placed['id']}", headers=ADMIN) as reply:
        assert reply.status == 404  # plainly gone with the World that held it
    desktop = Poller(http, b.url, "agent1@example.com")
    await desktop.open("/v2/me/calls")
    try:
        again = await place_call(http, b.url, "5001")
        [message] = await desktop.wait_for(ringing)
        assert message["data"]["call"]["id"] == again["id"]
    finally:
        await desktop.close()


async def test_a_process_that_is_not_the_world_forwards_refusals_as_the_world_made_them(
    cluster: Cluster, http: aiohttp.ClientSession
) -> None:
    await cluster.start()
    b = await cluster.start()
    async with http.post(b.url + "/sim/calls", json={"from": "+15550100"}, headers=ADMIN) as reply:
        body = await reply.json()
        assert reply.status == 400 and body["statusCode"] == 1 and "to" in body["statusMessage"], body
    async with http.get(b.url + "/api/v2/me", headers=basic("agent1@example.com", "wrong")) as reply:
        assert reply.status == 401


async def test_library_scenarios_pass_against_three_processes(cluster: Cluster) -> None:
    processes = [await cluster.start("--clock", "virtual") for _ in range(3)]
    names = ("inbound_answer_hangup", "hold_retrieve", "agent_states", "queue_routing", "two_step_transfer")
    for index, name in enumerate(names):  # each through another process
        url = processes[index % 3].url
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "simulator", "run", "--url", url, "--library", name],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
        assert result.returncode == 0, (name, result.stdout, result.stderr)
