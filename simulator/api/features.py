"""Which contact-center feature each part of the API belongs to, in one table.

The reference: "When a feature is disabled, the API behaves as if this set of functionality does not
exist." So without its feature a route answers 404 with statusCode 6 (`gate`), and an operation is not
an operation of its resource (statusCode 2, as an unknown operationName; `operation_enabled`). Documents
offer no capability of a missing feature: the voice core is started without call recording, and
supervisor capabilities are added only with the feature (see `monitoring`).

Every feature the simulator lists (`core.catalog.SYSTEM_FEATURES`) has a part of the API here; a test
switches each off in turn.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from aiohttp import web

from ..core.refusals import NOT_FOUND
from .keys import CENTER
from .resources import Route
from .responses import Failure

VOICE = "api-voice"
RECORDING = "api-voice-recording"
MONITORING = "api-supervisor-monitoring"
CHAT = "api-multimedia-chat"
EMAIL = "api-multimedia-email"
PROVISIONING = "api-provisioning"
REPORTING = "api-reporting"
MEDIA = (CHAT, EMAIL)  # interactions and workbins exist while either medium does

WRITES = ("POST", "PUT", "DELETE")

# (the start of a route's full path, the methods it covers (all when empty), the features any one of
# which makes the route exist). The first row that matches decides.
ROUTE_FEATURES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("/api/v2/me/calls", (), (VOICE,)),
    ("/api/v2/devices/{device_id}/calls", (), (VOICE,)),
    ("/api/v2/me/devices/{device_id}/calls", (), (VOICE,)),
    ("/api/v2/devices/{device_id}/settings/tserver", (), (VOICE,)),
    ("/api/v2/phone-numbers", (), (VOICE,)),
    ("/api/v2/voice-environments", (), (VOICE,)),
    ("/api/v2/queues/{queue_id}/settings/call-recording", (), (RECORDING,)),
    ("/api/v2/recordings", (), (RECORDING,)),
    ("/api/v2/interactions", (), MEDIA),
    ("/api/v2/me/interactions", (), MEDIA),
    ("/api/v2/me/workbins", (), MEDIA),
    ("/api/v1/stats", (), (REPORTING,)),
    # provisioning: changing users, skills, devices, queues, contacts and settings (reading them stays,
    # as desktops read them; operations on them, such as a device's Do Not Disturb, are not provisioning)
    ("/api/v2/users", WRITES, (PROVISIONING,)),
    ("/api/v2/skills", WRITES, (PROVISIONING,)),
    ("/api/v2/devices", WRITES, (PROVISIONING,)),
    ("/api/v2/queues", WRITES, (PROVISIONING,)),
    ("/api/v2/contacts", WRITES, (PROVISIONING,)),
    ("/api/v2/settings", WRITES, (PROVISIONING,)),
)

# Operations that belong to a feature wherever they are posted.
OPERATION_FEATURES: dict[str, str] = {
    "StartCallRecording": RECORDING,
    "StopCallRecording": RECORDING,
    "PauseCallRecording": RECORDING,
    "ResumeCallRecording": RECORDING,
    "ListenIn": MONITORING,
    "Coach": MONITORING,
    "Bargain": MONITORING,
    "CancelSupervisorMonitoring": MONITORING,
    "ForwardCallsOn": VOICE,
    "ForwardCallsOff": VOICE,
}


def features_of(route: Route) -> tuple[str, ...]:
    """The features of a route: its own, else the table's. The provisioning rows leave operations routes
    alone: their operations belong to features of their own (`OPERATION_FEATURES`)."""
    if route.features:
        return route.features
    for start, methods, features in ROUTE_FEATURES:
        if methods and route.operations:
            continue
        if route.full_path.startswith(start) and (not methods or route.method in methods):
            return features
    return ()


def operation_enabled(name: str, enabled: Iterable[str]) -> bool:
    feature = OPERATION_FEATURES.get(name)
    return feature is None or feature in enabled


def gate(route: Route) -> Route:
    """The route with its features, answering 404 while none of them is enabled."""
    features = features_of(route)
    if not features:
        return route
    inner = route.handler

    async def handler(request: web.Request) -> web.StreamResponse:
        enabled = request.app[CENTER].feature_ids  # asked once, not for each feature of the route
        for feature in features:
            if feature in enabled:
                return await inner(request)
        needed = " or ".join(features)
        raise Failure(NOT_FOUND, f"{route.full_path} is not available: feature {needed} is not enabled")

    handler.__name__ = getattr(inner, "__name__", "handler")
    return dataclasses.replace(route, handler=handler, features=features)
