"""The composed layers behave as middlewares of their own: a layer's test of whether a request concerns it
is asked when the request reaches that layer, so a layer outside that awaits first (a latency fault
sleeping) lets it see what changed meanwhile (a recording started while the request slept)."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from aiohttp.typedefs import Handler

from simulator.layers import Layer, compose

BOUND = 5.0  # seconds the request here may take


async def test_an_inner_layer_is_asked_about_a_request_once_the_outer_layers_hand_it_on() -> None:
    reached, go_on = asyncio.Event(), asyncio.Event()
    recording = {"active": False}
    seen: list[str] = []

    async def slow(request: web.Request, handler: Handler) -> web.StreamResponse:
        reached.set()
        await go_on.wait()
        return await handler(request)

    async def capture(request: web.Request, handler: Handler) -> web.StreamResponse:
        seen.append(request.path)
        return await handler(request)

    async def hello(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    layers = [Layer(slow), Layer(capture, lambda _request, _path: recording["active"])]
    app = web.Application(middlewares=[compose(layers)])
    app.router.add_get("/hello", hello)
    server = TestServer(app)
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            request = asyncio.create_task(http.get(server.make_url("/hello")))
            await asyncio.wait_for(reached.wait(), BOUND)
            recording["active"] = True  # while the outer layer holds the request
            go_on.set()
            async with await asyncio.wait_for(request, BOUND) as response:
                assert response.status == 200 and await response.json() == {"ok": True}
            recording["active"] = False
            async with http.get(server.make_url("/hello")) as response:
                assert response.status == 200
    finally:
        await server.close()
    assert seen == ["/hello"], "captured once: the first request, which reached it while recording"
