"""An agent desktop for tests: aiocometd-ng subscribed to every `/v2/me/...` topic, plus REST as that agent.

`Desktop.sync()` is the bounded wait of these tests: the test server delivers a marker to the agent on
/v2/me, and since the simulator delivers an operation's notifications before it answers the request,
every message the agent was sent before the marker has arrived once the marker has. So a test can say
"these, and nothing else" without sleeping.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiocometd_ng import AuthExtension, Client, ConnectionType
from aiocometd_ng.typing import Headers, Payload
from reference_shapes import CALL_KEYS, PARTICIPANT_INFO_KEYS, REAL_SERVER_CALL_KEYS, REAL_SERVER_MESSAGE_KEYS
from rest_client import PASSWORD, Reply, Rest

import bayeux

WAIT = 10.0  # seconds: the bound of every wait on an expected message
TOPICS = ("/v2/me/calls", "/v2/me/devices", "/v2/me/channels", "/v2/me", "/v2/users")
_markers = itertools.count(1)

DEVICE_VOICE_KEYS = {"id", "deviceState", "userState", "phoneNumber", "e164Number", "doNotDisturb", "capabilities"}


class BasicCredentials(AuthExtension):
    """HTTP Basic credentials on every CometD request, as the real service authenticates them."""

    def __init__(self, user: str, password: str) -> None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.header = f"Basic {token}"

    async def outgoing(self, payload: Payload, headers: Headers) -> None:
        headers["Authorization"] = self.header

    async def incoming(self, payload: Payload, headers: Headers | None = None) -> None:
        return None


@dataclass
class Desktop:
    """One agent: a CometD client on every topic, REST as the agent, and what the agent was sent."""

    user: str
    user_id: str
    rest: Rest
    server: bayeux.BayeuxServer
    client: Client
    received: list[dict[str, Any]] = field(default_factory=list)
    _seen: int = 0
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _pump: asyncio.Task[None] | None = None

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            while True:
                message = await self.client.receive()
                self.received.append({"channel": message["channel"], "data": message["data"]})
                self._arrived.set()

    async def sync(self) -> list[dict[str, Any]]:
        """Every message sent to the agent since the last sync, in order (markers left out)."""
        marker = {"marker": next(_markers)}
        assert self.server.deliver(self.user_id, "/v2/me", marker) >= 1  # a re-handshake may leave a dying session
        async with asyncio.timeout(WAIT):
            while not any(message["data"] == marker for message in self.received[self._seen :]):
                self._arrived.clear()
                await self._arrived.wait()
        end = next(i for i in range(self._seen, len(self.received)) if self.received[i]["data"] == marker)
        fresh = [message for message in self.received[self._seen : end] if "marker" not in message["data"]]
        self._seen = end + 1
        return fresh

    async def wait_for(self, wanted: Any) -> dict[str, Any]:
        """The first message from now on whose data satisfies `wanted`, within the bound: for what a
        real-time timer sends, which no request of the test causes."""
        start = len(self.received)
        async with asyncio.timeout(WAIT):
            while True:
                for message in self.received[start:]:
                    if wanted(message["data"]):
                        return message
                start = len(self.received)
                self._arrived.clear()
                await self._arrived.wait()

    async def calls(self) -> list[dict[str, Any]]:
        """The CallStateChangeMessages since the last sync; any other message fails the test."""
        fresh = await self.sync()
        assert all(message["channel"] == "/v2/me/calls" for message in fresh), fresh
        return [message["data"] for message in fresh]

    async def post(self, path: str, body: dict[str, Any]) -> Reply:
        return await self.rest.post(path, body)

    async def get(self, path: str) -> dict[str, Any]:
        reply = await self.rest.get(path)
        assert reply.status == 200, reply.body
        return reply.body

    async def device_id(self) -> str:
        return (await self.get("/me/devices"))["uris"][0].rsplit("/", 1)[1]

    async def my_calls(self) -> list[dict[str, Any]]:
        return (await self.get("/me/calls?fields=*"))["calls"]

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.close(), WAIT)
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(BaseException):
                await self._pump


async def open_desktop(url: str, server: bayeux.BayeuxServer, http: aiohttp.ClientSession, user: str,
                       user_id: str) -> Desktop:  # fmt: skip
    client = Client(
        f"{url}/api/v2/notifications",
        [ConnectionType.WEBSOCKET],
        connection_timeout=0,
        auth=BasicCredentials(user, PASSWORD),
    )
    await asyncio.wait_for(client.open(), WAIT)
    for topic in TOPICS:
        await asyncio.wait_for(client.subscribe(topic), WAIT)
    desktop = Desktop(user, user_id, Rest(http, url, user), server, client)
    desktop._pump = asyncio.create_task(desktop._read())
    await desktop.sync()
    return desktop


def check_call_message(data: dict[str, Any], notification_type: str) -> dict[str, Any]:
    """A CallStateChangeMessage shaped as the reference's examples; returns its `call`."""
    expected = {"messageType", "call", "phoneNumber", "notificationType", *REAL_SERVER_MESSAGE_KEYS}
    if notification_type == "DtmfSent":
        expected.add("digits")
    assert set(data) == expected, data
    assert data["messageType"] == "CallStateChangeMessage"
    assert data["notificationType"] == notification_type
    call = data["call"]
    assert set(call) == CALL_KEYS | REAL_SERVER_CALL_KEYS, call
    assert call["uri"].endswith(f"/api/v2/me/calls/{call['id']}")
    assert "/api/v2/devices/" in call["deviceUri"]
    assert isinstance(call["duration"], str) and call["duration"].isdigit()
    assert call["mute"] in ("On", "Off") and call["recordingState"] in ("Stopped", "Recording", "Paused")
    assert len(call["participantsInfo"]) == len(call["participants"])
    for number, info in zip(call["participants"], call["participantsInfo"], strict=True):
        assert set(info) == PARTICIPANT_INFO_KEYS and info["formattedPhoneNumber"] == number
    assert isinstance(call["userData"], dict)
    assert isinstance(data["phoneNumber"], str) and data["phoneNumber"]
    return call


def same_call(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal but for `duration`, which moves with the clock."""
    return {k: v for k, v in a.items() if k != "duration"} == {k: v for k, v in b.items() if k != "duration"}
