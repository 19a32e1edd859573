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


async def test_a_voice_queue_is_renamed_under_its_waiting_call_and_a_chat_queue_is_not(serve) -> None:
    """Calls wait by their queue's id, chats under its name: PUT of a new name goes through for the voice
    queue and is refused with 2 naming the chat queue while a chat waits in it."""
    server = await serve()
    async with aiohttp.ClientSession() as http:
        admin = Rest(http, server.url, ADMIN)
        queues = {queue["name"]: queue for queue in (await admin.ok("GET", "/queues", fields="*"))["queues"]}
        call = (await admin.ok("POST", f"{server.url}/sim/calls", {"from": CUSTOMER, "to": "8000"}))["id"]
        await admin.ok("PUT", f"/queues/{queues['Sales line']['id']}", {"name": "Sales"})
        assert (await admin.ok("GET", f"/queues/{queues['Sales line']['id']}"))["queue"]["name"] == "Sales"
        assert (await admin.ok("GET", f"{server.url}/sim/calls/{call}"))["call"]["id"] == call, "the call still waits"
        await admin.ok("POST", f"{server.url}/sim/chats", {"queue": "Web chat", "nickname": "Visitor"})
        refused = await admin.put(f"/queues/{queues['Web chat']['id']}", {"name": "Chat line"})
        assert refused.code == 2 and "'Web chat'" in refused.message and "1 interaction" in refused.message, refused
