"""`/notifications/services`: a simulated service going down or up (POST /sim/services) is told to every
client subscribed to the topic as the reference's ServiceStateChangeMessage, and `/services` agrees."""

from __future__ import annotations

import asyncio

import aiohttp
from conftest import LiveServer
from desktop import WAIT, open_desktop
from rest_client import ADMIN, AGENT1, AGENT2, Rest

SERVICES = "/notifications/services"


async def test_a_service_going_down_and_up_is_told_to_subscribers(live_server: LiveServer):
    async with aiohttp.ClientSession() as http:
        watcher = await open_desktop(live_server.url, live_server.bayeux, http, AGENT1, live_server.user_id(AGENT1))
        other = await open_desktop(live_server.url, live_server.bayeux, http, AGENT2, live_server.user_id(AGENT2))
        try:
            await asyncio.wait_for(watcher.client.subscribe(SERVICES), WAIT)
            admin = Rest(http, live_server.url, ADMIN)
            sim = f"{live_server.url}/sim/services"
            [voice] = (await admin.ok("GET", "/services", fields="*", type="Voice"))["services"]

            down = await admin.request("POST", sim, json={"service": voice["name"], "state": "Inactive"})
            assert down.code == 0 and down.body["service"] == {**voice, "state": "Inactive"}
            [told] = await watcher.sync()
            assert told == {
                "channel": SERVICES,
                "data": {"messageType": "ServiceStateChangeMessage", "service": {**voice, "state": "Inactive"}},
            }
            assert await other.sync() == []  # not subscribed to the topic
            assert (await admin.ok("GET", f"/services/{voice['id']}"))["service"]["state"] == "Inactive"

            again = await admin.request("POST", sim, json={"service": voice["id"], "state": "Inactive"})
            assert again.code == 0 and await watcher.sync() == []  # no change, no message

            for body, status, code, named in (
                ({"service": voice["id"], "state": "Down"}, 400, 2, "state"),
                ({"state": "Active"}, 400, 1, "service"),
                ({"service": "nope", "state": "Active"}, 404, 6, "service 'nope'"),
            ):
                refused = await admin.request("POST", sim, json=body)
                assert (refused.status, refused.code) == (status, code) and named in refused.message
            agent = Rest(http, live_server.url, AGENT1)
            refused = await agent.request("POST", sim, json={"service": voice["id"], "state": "Active"})
            assert refused.status == 403
            assert await watcher.sync() == []

            await admin.request("POST", sim, json={"service": voice["id"], "state": "Active"})
            [up] = await watcher.sync()
            assert up["data"]["service"]["state"] == "Active"
        finally:
            await watcher.close()
            await other.close()
