"""CORS: browser desktops served from another origin (a dev server on another port, a CRM page) call the
REST API, the control API and the CometD endpoint with the user's cookie, as the real server's CORS
filter lets them.

Only the origins the site options allow get the `Access-Control-*` headers; the simulator's own origin
needs none. A preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered here, before any
authentication: browsers never send credentials with it. Answers allow credentials and expose the CSRF
headers, so a page can read the token it must send back.
"""

from __future__ import annotations

import re

from aiohttp import hdrs, web

from ..core.refusals import FORBIDDEN
from ..core.site import SiteOptions
from ..layers import Layer
from .csrf import HEADER_NAME, TOKEN_HEADER
from .paths import under
from .responses import header_text, json_response

METHODS = "GET, POST, PUT, DELETE, OPTIONS"
# What desktops send beside the CORS-safelisted headers, allowed when a preflight does not list its own.
HEADERS = f"Authorization, Content-Type, {TOKEN_HEADER}, X-Requested-With"
EXPOSED = f"{HEADER_NAME}, {TOKEN_HEADER}"
MAX_AGE = "1800"
_HEADER_LIST = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$")


def same_origin(request: web.Request, origin: str) -> bool:
    return origin.rstrip("/").lower() == f"{request.scheme}://{request.host}".lower()


def cors_layer(site: SiteOptions, prefixes: tuple[str, ...]) -> Layer:
    """The layer for the requests with an `Origin` to every path under `prefixes`; others are left alone."""
    ours = under(prefixes)

    async def middleware(request: web.Request, handler) -> web.StreamResponse:
        origin = request.headers[hdrs.ORIGIN]
        if same_origin(request, origin):
            return await handler(request)
        allowed = site.allows(origin)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            return _preflight(request, origin, allowed)
        try:
            response = await handler(request)
        except web.HTTPException as problem:
            if allowed:
                _allow(problem.headers, origin)
            raise
        if allowed and not response.prepared:
            _allow(response.headers, origin)
        return response

    return Layer(middleware, lambda request, path: hdrs.ORIGIN in request.headers and ours(path))


def _preflight(request: web.Request, origin: str, allowed: bool) -> web.Response:
    wanted = request.headers["Access-Control-Request-Method"].strip().upper()
    if not allowed or wanted not in METHODS.split(", "):
        reason = f"origin {origin} is not allowed" if not allowed else f"method {wanted} is not allowed"
        reason = header_text(reason)
        return json_response(403, {"statusCode": FORBIDDEN, "statusMessage": f"CORS preflight refused: {reason}"})
    response = web.Response(status=204)
    _allow(response.headers, origin)
    response.headers["Access-Control-Allow-Methods"] = METHODS
    asked = request.headers.get("Access-Control-Request-Headers", "").strip()
    response.headers["Access-Control-Allow-Headers"] = asked if asked and _HEADER_LIST.match(asked) else HEADERS
    response.headers["Access-Control-Max-Age"] = MAX_AGE
    return response


def _allow(headers, origin: str) -> None:
    headers["Access-Control-Allow-Origin"] = origin
    headers["Access-Control-Allow-Credentials"] = "true"
    headers["Access-Control-Expose-Headers"] = EXPOSED
    headers.add("Vary", "Origin")
