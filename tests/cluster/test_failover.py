"""A desktop whose process is killed (SIGKILL) mid-call resumes its CometD session on another process and,
with the acknowledge extension, misses no notification and receives none twice."""

from __future__ import annotations

import asyncio
import os
import random
import signal
from collections import Counter

import aiohttp
from cluster_rig import Cluster, Poller, basic

ADMIN = basic("admin@example.com")
KILLS = int(os.environ.get("GWSIM_CLUSTER_KILLS", "30"))  # the loop's bound; 200 for a long run


async def post(http: aiohttp.ClientSession, url: str, path: str, body: dict[str, object]) -> dict[str, object]:
    async with http.post(url + path, json=body, headers=ADMIN) as reply:
        answer = await reply.json()
        assert reply.status == 200, answer
        return dict(answer)


async def test_killed_mid_call_the_desktop_resumes_elsewhere_with_nothing_lost_and_nothing_twice(
    cluster: Cluster, http: aiohttp.ClientSession
) -> None:
    cluster.extra = ("--log-level", "info")
    world = await cluster.start()  # the first process takes the World's lease; the desktop never polls it
    polled, spare = await cluster.start(), await cluster.start()
    desktop = Poller(http, polled.url, "agent1@example.com")
    await desktop.open("/v2/me/calls")
    chance = random.Random(16)
    calls: list[str] = []
    try:
        for _ in range(KILLS):
            call = await post(http, world.url, "/sim/calls", {"from": "+15550100", "to": "5001"})
            calls.append(str(call["id"]))
            if chance.random() < 0.5:  # sometimes the desktop has it already, sometimes it is in flight
                await desktop.wait_for(lambda m, c=call["id"]: m["data"]["call"]["id"] == c)
            await cluster.kill(polled, signal.SIGKILL)
            desktop.move_to(spare.url)
            # the caller hangs up while the desktop moves, through the process it moves to
            await post(http, spare.url, f"/sim/calls/{call['id']}", {"operationName": "Hangup"})
            restarted = asyncio.create_task(cluster.start())
            await desktop.wait_for(
                lambda m, c=call["id"]: m["data"]["call"]["id"] == c and m["data"]["call"]["state"] == "Released"
            )
            polled, spare = spare, await restarted
        seen = Counter((m["data"]["call"]["id"], m["data"]["call"]["state"]) for m in desktop.received)
        twice = {key: count for key, count in seen.items() if count > 1}
        assert not twice, twice
        for call_id in calls:
            assert seen[(call_id, "Ringing")] == 1 and seen[(call_id, "Released")] == 1, (call_id, seen)
        assert desktop.batches == sorted(desktop.batches) and len(set(desktop.batches)) == len(desktop.batches)
        assert not desktop.failures, desktop.failures
        resumed = [line for process in cluster.processes for line in process.output if "resumed here" in line]
        assert len(resumed) == KILLS, resumed  # each time on the process it moved to, never by a new handshake
        print(*resumed, sep="")
    finally:
        await desktop.close()


async def test_a_desktop_without_a_session_anywhere_is_told_to_handshake(
    cluster: Cluster, http: aiohttp.ClientSession
) -> None:
    await cluster.start()
    front = await cluster.start()
    async with http.post(
        front.url + "/api/v2/notifications",
        json=[{"channel": "/meta/connect", "clientId": "0" * 32, "connectionType": "long-polling", "id": "1"}],
        headers=basic("agent1@example.com"),
    ) as reply:
        [answer] = await reply.json()
    assert answer["successful"] is False and answer["advice"]["reconnect"] == "handshake", answer
