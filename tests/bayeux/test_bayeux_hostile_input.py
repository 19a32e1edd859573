"""Malformed fields, deep nesting, oversized bodies and unsafe callback names: each is refused with the
documented answer, names what is wrong, and neither answers 500 nor kills a websocket."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import pytest
from bayeux_harness import WAIT, subscribed

import bayeux


def nested(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


MALFORMED_HANDSHAKES = {
    "connection type object": {"supportedConnectionTypes": [{}]},
    "connection type list": {"supportedConnectionTypes": [[]]},
    "connection types not a list": {"supportedConnectionTypes": "long-polling"},
    "id nested 300 deep": {"id": nested(300)},
    "id an object": {"id": {"a": 1}},
    "id true": {"id": True},
    "version a number": {"version": 1},
    "ext a list": {"ext": [1]},
    "ext nested 300 deep": {"ext": {"a": nested(300)}},
    "advice a string": {"advice": "retry"},
}


@pytest.mark.parametrize("fields", MALFORMED_HANDSHAKES.values(), ids=MALFORMED_HANDSHAKES)
async def test_malformed_handshake_over_long_polling_is_a_400_naming_the_field(bare, fields):
    harness, client = await bare()
    raw = client()
    message = {"channel": "/meta/handshake", "version": "1.0", "id": "1", **fields}
    status, [reply] = await raw.post([message])
    assert status == 200
    assert reply["successful"] is False
    code, detail, name = reply["error"].split(":")
    assert (code, name) == ("400", "message_invalid")
    assert next(iter(fields)) in detail, "the error names the field"
    assert harness.server.sessions == {}, "nothing was created"


async def test_malformed_handshakes_do_not_kill_a_websocket(bare):
    harness, client = await bare()
    raw = client()
    async with raw.http.ws_connect(raw.url) as socket:
        for fields in MALFORMED_HANDSHAKES.values():
            await socket.send_str(json.dumps([{"channel": "/meta/handshake", "version": "1.0", **fields}]))
            [reply] = json.loads((await asyncio.wait_for(socket.receive(), WAIT)).data)
            assert reply["error"].endswith(":message_invalid"), reply
        await socket.send_str(json.dumps([{"channel": "/meta/handshake", "version": "1.0", "id": "ok"}]))
        [reply] = json.loads((await asyncio.wait_for(socket.receive(), WAIT)).data)
    assert reply["successful"] is True and reply["id"] == "ok", "the socket still answers"


async def test_deeply_nested_data_is_refused_before_anyone_receives_it(bare):
    """What the encoder cannot write must not reach a queue: every subscriber's connect would fail."""
    harness, client = await bare(bayeux.SecurityPolicy(publish_channels=("/chat/**",)))
    listener, sender = client(), client()
    await subscribed(listener, "/chat/room")
    await sender.handshake()
    reply = await sender.send("/chat/room", data={"deep": nested(300)})
    assert reply["successful"] is False and "data is nested deeper" in reply["error"]
    assert harness.server.sessions[listener.client_id].pending == 0
    assert (await sender.send("/chat/room", data={"deep": nested(20)}))["successful"] is True
    replies = await asyncio.wait_for(listener.connect(), WAIT)
    assert replies[0]["data"] == {"deep": nested(20)}


async def test_clients_publish_only_on_service_channels_by_default(bare):
    harness, client = await bare()
    listener, sender = client(), client()
    await subscribed(listener, "/**")
    await sender.handshake()
    for name in ("/chat/room", "/v2/me/calls", "/anything"):
        reply = await sender.send(name, data={"relay": True})
        assert reply["successful"] is False and reply["error"] == "403::publish_denied", name
    assert (await sender.send("/service/anything", data={}))["successful"] is True
    assert harness.server.sessions[listener.client_id].pending == 0, "nothing reached another session"


async def test_subscriptions_per_session_are_bounded(bare):
    harness, client = await bare(max_subscriptions=10)
    raw = client()
    await raw.handshake()
    names = [f"/room/{n}" for n in range(11)]
    reply = await raw.send("/meta/subscribe", subscription=names)
    assert reply["successful"] is False and reply["error"] == "403:more than 10 subscriptions:subscribe_denied"
    assert harness.server.sessions[raw.client_id].subscriptions == set()
    assert (await raw.send("/meta/subscribe", subscription=names[:10]))["successful"] is True


@pytest.mark.parametrize("callback", ["a%0A", "a%0D%0A", "cb%0A//", "a%00"])
async def test_callback_name_check_is_anchored(bare, callback):
    harness, client = await bare()
    raw = client()
    batch = quote(json.dumps([{"channel": "/meta/handshake", "version": "1.0"}]))
    async with raw.http.get(f"{raw.url}/handshake?jsonp={callback}&message={batch}") as response:
        assert response.status == 400
        assert "jsonp callback" in (await response.json())[0]["error"]
    assert harness.server.sessions == {}


def handshake_of(size: int) -> bytes:
    """A handshake whose body is exactly `size` bytes, padded in its ext."""
    head = b'[{"channel":"/meta/handshake","version":"1.0","ext":{"pad":"'
    tail = b'"}}]'
    return head + b"x" * (size - len(head) - len(tail)) + tail


async def post(raw, body: bytes, chunked: bool) -> tuple[int, Any]:
    async def chunks():
        for start in range(0, len(body), 100_000):
            yield body[start : start + 100_000]

    data: Any = chunks() if chunked else body
    async with raw.http.post(raw.url, data=data, headers={"Content-Type": "application/json"}) as response:
        return response.status, await response.json(content_type=None)


@pytest.mark.parametrize("chunked", [False, True], ids=["with length", "chunked"])
async def test_long_polling_accepts_bodies_up_to_one_mebibyte_and_413_past_it(bare, chunked):
    harness, client = await bare()
    raw = client()
    status, [reply] = await post(raw, handshake_of(1 << 20), chunked)
    assert status == 200 and reply["successful"] is True, reply
    status, [reply] = await post(raw, handshake_of((1 << 20) + 1), chunked)
    assert status == 413
    assert reply["error"].endswith(":message_too_large")
    assert len(harness.server.sessions) == 1


async def test_a_websocket_frame_over_the_limit_closes_with_message_too_big(bare):
    """The one input a websocket does not survive: reading on would mean holding any size in memory."""
    harness, client = await bare(max_message_size=64 * 1024)
    raw = client()
    async with raw.http.ws_connect(raw.url) as socket:
        await socket.send_str(json.dumps([{"channel": "/meta/handshake", "ext": {"pad": "x" * 65 * 1024}}]))
        closing = await asyncio.wait_for(socket.receive(), WAIT)
    assert socket.close_code == 1009, (closing, socket.close_code)
    assert harness.server.sessions == {}
