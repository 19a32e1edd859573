"""Every feature the simulator lists, switched off on its own, makes its part of the API behave as if it
did not exist (a 404 for a route, "not an operation" for an operation), and leaves the rest alone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from rest_client import ADMIN, AGENT1, SUPERVISOR, Reply, Rest, serving

from simulator.api.features import OPERATION_FEATURES, ROUTE_FEATURES
from simulator.api.routes import route_table
from simulator.center_file import load_default
from simulator.core.catalog import SYSTEM_FEATURES

Probe = Callable[[Callable[[str], Rest]], Awaitable[Reply]]


async def _device_of(rest: Rest) -> str:
    return (await rest.ok("GET", "/me/devices"))["uris"][0].rsplit("/", 1)[1]


async def _agent_device(as_user: Callable[[str], Rest]) -> str:
    return await _device_of(as_user(AGENT1))


async def _calls(as_user: Callable[[str], Rest]) -> Reply:
    return await as_user(AGENT1).get("/me/calls")


async def _forward(as_user: Callable[[str], Rest]) -> Reply:
    device = await _agent_device(as_user)
    body = {"operationName": "ForwardCallsOn", "destination": "5002"}
    return await as_user(AGENT1).post(f"/devices/{device}", body)


async def _recording(as_user: Callable[[str], Rest]) -> Reply:
    queue = (await as_user(ADMIN).ok("GET", "/queues", channel="voice"))["uris"][0]
    return await as_user(ADMIN).get(f"{queue}/settings/call-recording")


async def _listen_in(as_user: Callable[[str], Rest]) -> Reply:
    device = await _agent_device(as_user)
    return await as_user(SUPERVISOR).post(f"/devices/{device}", {"operationName": "ListenIn"})


async def _chat_channel(as_user: Callable[[str], Rest]) -> Reply:
    return await as_user(AGENT1).get("/me/channels/chat")


async def _email_channel(as_user: Callable[[str], Rest]) -> Reply:
    return await as_user(AGENT1).get("/me/channels/email")


async def _new_skill(as_user: Callable[[str], Rest]) -> Reply:
    return await as_user(ADMIN).post("/skills", {"name": "Probing"})


async def _statistics(as_user: Callable[[str], Rest]) -> Reply:
    queue = (await as_user(ADMIN).ok("GET", "/queues", channel="voice"))["uris"][0].rsplit("/", 1)[1]
    rest = as_user(SUPERVISOR)
    return await rest.request("GET", rest.base.replace("/api/v2", f"/api/v1/stats/{queue}"))


# feature -> (a request of its part of the API, whether that part is a route (404) or an operation (2))
PROBES: dict[str, tuple[Probe, bool]] = {
    "api-voice": (_calls, True),
    "api-voice-recording": (_recording, True),
    "api-supervisor-monitoring": (_listen_in, False),
    "api-multimedia-chat": (_chat_channel, True),
    "api-multimedia-email": (_email_channel, True),
    "api-provisioning": (_new_skill, True),
    "api-reporting": (_statistics, True),
}


def test_every_listed_feature_has_a_probe_and_a_part_of_the_api() -> None:
    listed = {feature.id for feature in SYSTEM_FEATURES}
    assert set(PROBES) == listed
    tabled = {feature for _start, _methods, features in ROUTE_FEATURES for feature in features}
    assert tabled | set(OPERATION_FEATURES.values()) == listed
    for start, _methods, _features in ROUTE_FEATURES:  # every row is a route's
        assert any(route.full_path.startswith(start) for route in route_table().routes), start


@pytest.mark.parametrize("feature", sorted(PROBES))
async def test_a_feature_switched_off_is_as_if_it_did_not_exist(feature: str) -> None:
    probe, is_route = PROBES[feature]
    center = load_default()
    async with serving(center) as url, aiohttp.ClientSession() as http:

        def as_user(user: str) -> Rest:
            return Rest(http, url, user)

        on = await probe(as_user)
        assert on.status == 200 and on.code == 0, (feature, on.body)
        center.set_features(other for other in center.feature_ids if other != feature)
        off = await probe(as_user)
        if is_route:
            assert (off.status, off.code) == (404, 6), (feature, off.body)
        else:
            assert off.code == 2 and "not an operation" in off.message, (feature, off.body)
        for other, (other_probe, _route) in PROBES.items():
            if other not in (feature, "api-provisioning", "api-voice-recording"):
                # the rest of the API is untouched (probes that change things are not repeated)
                reply = await other_probe(as_user)
                assert reply.status != 404 and "not an operation" not in reply.body.get("statusMessage", "")
