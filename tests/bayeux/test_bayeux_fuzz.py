"""Random hostile Bayeux messages at the simulator over long-polling and websocket: wrong types for every
field, deep nesting, huge arrays, and the clientId of another user's session. Whatever comes, no answer is
a 5xx, nothing is logged with a traceback, the websocket keeps answering, the other user's session is
exactly as it was, and so is the simulated world."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp
import pytest
from conftest import AGENT1, AGENT2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_bayeux import RawClient

import bayeux
from simulator.api.keys import WORLD

WAIT = 10
CALLS = "/v2/me/calls"
# Stand-ins, replaced when the batch is sent: the real clientIds, and values too big for reports to print.
VICTIM, OWN, DEEP, HUGE = "<victim's clientId>", "<own clientId>", "<nested 300 deep>", "<10,000 items>"


def nested(levels: int) -> Any:
    value: Any = 0
    for _ in range(levels):
        value = {"a": [value]}
    return value


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False), st.text(max_size=12)
)
hostile = st.one_of(
    scalars,
    st.just(VICTIM),
    st.just(OWN),
    st.just(DEEP),
    st.just(HUGE),
    st.lists(scalars, max_size=4),
    st.dictionaries(st.text(max_size=6), scalars, max_size=4),
    st.lists(st.lists(st.dictionaries(st.text(max_size=3), scalars, max_size=2), max_size=2), max_size=2),
)
channels = st.one_of(
    st.sampled_from(
        [
            "/meta/handshake",
            "/meta/connect",
            "/meta/subscribe",
            "/meta/unsubscribe",
            "/meta/disconnect",
            "/meta/other",
            "/service/echo",
            CALLS,
            "/**",
            "/a/*",
            "",
        ]
    ),
    hostile,
)
FIELDS = ("clientId", "id", "subscription", "data", "ext", "advice", "connectionType", "supportedConnectionTypes")
messages = st.fixed_dictionaries(
    {"channel": channels},
    optional={name: st.one_of(hostile, st.just(VICTIM)) if name == "clientId" else hostile for name in FIELDS}
    | {"version": hostile},
)
batches = st.lists(st.one_of(messages, hostile), min_size=1, max_size=4)


def fill(value: Any, ids: dict[str, Any]) -> Any:
    """The batch as sent: stand-ins replaced by what they stand for."""
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    return value


@pytest.fixture
async def world(server_factory):
    """A simulator whose connects are held briefly; the victim agent1, subscribed, one message waiting;
    the attacker agent2 with a session of its own and a websocket."""
    # the victim connects once: a long max_interval keeps its session however long the examples take
    server = await server_factory(bayeux.Options(timeout=50, max_interval=3_600_000))
    victim = RawClient(server.notifications_url, auth=AGENT1)
    attacker = RawClient(server.notifications_url, auth=AGENT2)
    assert (await victim.handshake())["successful"]
    assert (await victim.connect())[-1]["successful"]
    assert (await victim.send("/meta/subscribe", subscription=CALLS))["successful"]
    assert server.bayeux.deliver(server.user_id(AGENT1[0]), CALLS, {"n": 1}) == 1
    assert (await attacker.handshake())["successful"]
    socket = await attacker.http.ws_connect(attacker.url)
    state = [server, victim, attacker, socket]  # a list: a test that makes the server close the socket opens another
    yield state
    await state[3].close()
    await victim.close()
    await attacker.close()


def world_state(server) -> dict[str, Any]:
    """The whole simulated state but the clock, which a real clock moves between two looks."""
    return {key: value for key, value in server.app[WORLD].state().items() if key != "clock"}


def victim_state(server, victim: RawClient) -> tuple[Any, ...]:
    session = server.bayeux.sessions.get(victim.client_id)
    assert session is not None, "the victim's session was ended"
    return session.subscriptions.copy(), session.pending, session.pending_bytes, session.held, session.transport


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=batches)
async def test_hostile_batches_never_answer_5xx_nor_disturb_another_session(world, caplog, batch):
    server, victim, attacker, socket = world
    caplog.set_level(logging.WARNING)
    before, world_before = victim_state(server, victim), world_state(server)
    ids = {VICTIM: victim.client_id, OWN: attacker.client_id, DEEP: nested(150), HUGE: ["long-polling"] * 10_000}
    sent = fill(batch, ids)

    status, replies = await asyncio.wait_for(attacker.post(sent, "/connect"), WAIT)
    assert status in (200, 400, 413), (status, replies)
    assert isinstance(replies, list)

    frame = json.dumps(sent)
    if len(frame.encode()) > server.bayeux.options.max_message_size:
        # A frame over the bound is not read: the server closes the socket (1009, message too big).
        await socket.send_str(frame)
        async with asyncio.timeout(WAIT):
            closing = await socket.receive()
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), closing
        assert socket.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG, socket.close_code
        socket = world[3] = await attacker.http.ws_connect(attacker.url)
    else:
        await socket.send_str(frame)
    await socket.send_str(json.dumps([{"channel": "/meta/probe", "id": "probe"}]))
    async with asyncio.timeout(WAIT):  # the socket still answers: its probe reply comes back
        while not any(r.get("id") == "probe" for r in json.loads((await socket.receive()).data)):
            pass

    assert victim_state(server, victim) == before
    assert world_state(server) == world_before
    tracebacks = [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]
    assert not tracebacks, tracebacks[0].getMessage()
