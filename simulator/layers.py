"""The application's own middlewares as one aiohttp middleware, each layer run only on the requests it
concerns.

Every layer of aiohttp's middleware chain costs every request a call and a coroutine, even one that only
looks at the request and hands it on: the CORS layer without an `Origin`, the faults without a plan, the
recording while nothing records, the CometD faults off the CometD endpoint. Here each layer comes with
the cheap test of whether a request concerns it, and only the layers that answer yes run, in the order
given (the first outermost), as if each were a middleware of its own: a layer's test is asked when the
request reaches it, after the layers outside it have done what they do first (a latency fault sleeping,
say), so it sees the simulator as that layer's middleware would have (a recording started meanwhile).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware


def every_request(_request: web.Request, _path: str) -> bool:
    return True


@dataclass(frozen=True)
class Layer:
    """A middleware (`run(request, handler)`) and the test of whether a request concerns it, given the
    request and its path (read once for every layer): a request it does not concern goes past it
    untouched, as the middleware itself would hand it on."""

    run: Middleware
    concerns: Callable[[web.Request, str], bool] = every_request


def compose(layers: Sequence[Layer]) -> Middleware:
    """One aiohttp middleware for `layers`, the first outermost."""
    ordered = tuple((layer.run, layer.concerns) for layer in layers)

    def through(start: int, request: web.Request, handler: Handler) -> Handler:
        """What handles `request` from layer `start` inward: the first of them that it concerns, with the
        rest behind it, or `handler` itself when it concerns none."""
        path = request.path
        for index in range(start, len(ordered)):
            run, concerns = ordered[index]
            if concerns(request, path):
                return partial(run, handler=partial(onward, index + 1, handler))
        return handler

    def onward(start: int, handler: Handler, request: web.Request) -> Awaitable[web.StreamResponse]:
        # a plain function handing on the next layer's coroutine: no coroutine of its own per layer
        return through(start, request, handler)(request)

    @web.middleware
    async def composed(request: web.Request, handler: Handler) -> web.StreamResponse:
        return await through(0, request, handler)(request)

    return composed
