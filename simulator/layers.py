"""The application's own middlewares as one aiohttp middleware, each layer run only on the requests it
concerns.

Every layer of aiohttp's middleware chain costs every request a call and a coroutine, even one that only
looks at the request and hands it on: the CORS layer without an `Origin`, the faults without a plan, the
recording while nothing records, the CometD faults off the CometD endpoint. Here each layer comes with
the cheap test of whether a request concerns it, asked once per request, and only the layers that answer
yes wrap the handler, in the order given (the first outermost), as if each were a middleware of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    inner_first = tuple((layer.run, layer.concerns) for layer in reversed(layers))

    @web.middleware
    async def composed(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        for run, concerns in inner_first:
            if concerns(request, path):
                handler = partial(run, handler=handler)
        return await handler(request)

    return composed
