"""The notification faults, applied around the Bayeux endpoint without touching the Bayeux server.

A connect reply is what carries messages to a client, so the faults act on connect replies as they leave:

- dropped: the reply is not written and its connection is cut, as a network drop does; the client sees the
  connection fail and connects again. Its messages were taken from the session: a client with the
  acknowledge extension gets them again (it acknowledges only what reached it), one without loses them.
  `dropEvery` marks every session at each period of simulated time, and cuts every open websocket;
  `dropRate` loses each long-polling connect reply with that probability.
- late: a due connect reply waits `seconds` (real time) before it is written, with probability `rate`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web

from ..layers import Layer
from .state import Faults

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def layer(faults: Faults, path: str) -> Layer:
    """The layer for the requests to the CometD endpoint at `path`."""

    async def inject(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            # known from its opening on, so that faults planned later can still cut it
            return await _websocket(faults, request, handler)
        bayeux = faults.plan.bayeux
        if bayeux.drop_every is None and not bayeux.drop_rate and not bayeux.late:
            return await handler(request)
        response = await handler(request)
        client_id = _connected(response)
        if client_id is None:
            return response
        if client_id in faults.to_drop or (
            bayeux.drop_rate and faults.draw("bayeux.dropRate").random() < bayeux.drop_rate
        ):
            faults.to_drop.discard(client_id)
            faults.count("dropped")
            if request.transport is not None:
                request.transport.close()
            return response  # written to nobody
        late = bayeux.late
        if late is not None and faults.draw("bayeux.lateConnects").random() < late.rate:
            faults.count("late")
            await asyncio.sleep(late.seconds.draw(faults.draw("bayeux.lateConnects.seconds")))
        return response

    return Layer(inject, lambda _request, requested: requested.startswith(path))


async def _websocket(faults: Faults, request: web.Request, handler: Handler) -> web.StreamResponse:
    """A websocket is cut by closing its connection at a drop. The Bayeux server may take the connection
    over from aiohttp once the handshake is done (its handler then returns at once), so the connection is
    kept until it closes, not until its handler returns."""
    transport = request.transport
    if transport is not None:
        faults.watch(transport)
    return await handler(request)


def _connected(response: web.StreamResponse) -> str | None:
    """The clientId of the connect reply a long-polling or callback-polling response carries, if any."""
    if not isinstance(response, web.Response) or response.status != 200 or not isinstance(response.body, bytes):
        return None
    body = response.body
    if b"/meta/connect" not in body:
        return None
    if response.content_type == "text/javascript":  # callback-polling: callback([...]);
        body = body[body.find(b"(") + 1 : body.rfind(b")")]
    try:
        replies = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    for reply in replies if isinstance(replies, list) else [replies]:
        if isinstance(reply, dict) and reply.get("channel") == "/meta/connect" and reply.get("successful"):
            client_id = reply.get("clientId")
            return client_id if isinstance(client_id, str) else None
    return None
