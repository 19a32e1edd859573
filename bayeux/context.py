"""Where a batch of Bayeux messages came from: the transport and the HTTP request that carried it."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

UNRESOLVED = object()  # the owner of a batch's request, before the policy has been asked


@dataclass(slots=True)
class Context:
    """Where a batch came from: the transport and the HTTP request (the websocket's upgrade request)."""

    transport: str
    request: web.Request
    browser_id: str | None = None
    owner: object = field(default=UNRESOLVED, repr=False)  # who the request speaks for, asked once a batch
