"""DELETE /queues/{id} while a customer waits in the queue is refused with 2 naming the queue, and the
queue stays (GET still reads it, the call still waits); once the customer hangs up the queue goes."""

from __future__ import annotations

import aiohttp
from rest_client import ADMIN, Rest

CUSTOMER = "+15551230000"


async def test_a_queue_with_a_call_waiting_is_not_deleted_until_the_call_is_gone(serve) -> None:
    server = await serve()
    async with aiohttp.ClientSession() as http:
        admin = Rest(http, server.url, ADMIN)
        queues = (await admin.ok("GET", "/queues", fields="*"))["queues"]
        sales = next(queue for queue in queues if queue["name"] == "Sales line")
        call = (await admin.ok("POST", f"{server.url}/sim/calls", {"from": CUSTOMER, "to": "8000"}))["id"]
        refused = await admin.delete(f"/queues/{sales['id']}")
        assert refused.code == 2 and "'Sales line'" in refused.message and "1 call" in refused.message, refused
        assert (await admin.get(f"/queues/{sales['id']}")).code == 0
        assert (await admin.ok("GET", f"{server.url}/sim/calls/{call}"))["call"]["id"] == call, "the call still waits"
        await admin.ok("POST", f"{server.url}/sim/calls/{call}", {"operationName": "Hangup"})
        await admin.ok("DELETE", f"/queues/{sales['id']}")
        assert (await admin.get(f"/queues/{sales['id']}")).code == 6
