"""Protection against foreign pages that use a logged-in browser's cookie, breaking no legitimate client.

- A PUT, POST or DELETE whose body is not JSON (nor a multipart upload) is refused: a `text/plain` POST,
  which any page may send without asking, would otherwise be parsed as JSON and acted on.
- A cookie-authenticated PUT, POST or DELETE from a page of another origin is refused unless that origin
  is allowed (the CORS option); requests with no `Origin` (non-browser clients) and with Basic
  credentials are not concerned.
- Every answer says `X-Content-Type-Options: nosniff`, so no answer is read as a script or a page.

The session cookie itself is `SameSite=Lax` (see `auth`), so most browsers do not even send it with a
cross-site POST; only a login from an allowed origin on another site gets a cross-site cookie.
"""

from __future__ import annotations

from aiohttp import hdrs, web

from bayeux.http_transport import browser_cookie

from ..core.refusals import FORBIDDEN, INVALID
from ..core.site import SiteOptions
from ..layers import Layer
from .auth import SESSION_COOKIE
from .cors import same_origin
from .csrf import STATE_CHANGES
from .paths import under
from .responses import header_text, json_response

BODY_TYPES = ("application/json", "multipart/form-data")


def crosssite_layer(site: SiteOptions, prefixes: tuple[str, ...], json_exempt: tuple[str, ...]) -> Layer:
    """The layer for every path under `prefixes`; the paths under `json_exempt` (the CometD endpoint,
    whose transport reads its own bodies) skip the Content-Type rule only."""
    ours = under(prefixes)

    async def middleware(request: web.Request, handler) -> web.StreamResponse:
        refusal = _refusal(request, site, not request.path.startswith(json_exempt))
        if refusal is not None:
            refusal.headers["X-Content-Type-Options"] = "nosniff"
            return refusal
        try:
            response = await handler(request)
        except web.HTTPException as problem:
            problem.headers["X-Content-Type-Options"] = "nosniff"
            raise
        if not response.prepared:
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return Layer(middleware, lambda _request, path: ours(path))


def _refusal(request: web.Request, site: SiteOptions, json_only: bool) -> web.Response | None:
    if request.method not in STATE_CHANGES:
        return None
    if json_only and request.body_exists and not _is_json_or_upload(request):
        return json_response(
            415,
            {
                "statusCode": INVALID,
                "statusMessage": f"Content-Type {request.content_type} is not accepted: send the body as "
                "application/json (multipart/form-data for file uploads)",
            },
        )
    headers = request.headers
    origin = headers.get(hdrs.ORIGIN)
    if origin is None:  # not from a page: no cookie to read
        return None
    # the cookie read as the session is (`auth`), not by parsing every cookie of the request
    by_cookie = hdrs.AUTHORIZATION not in headers and browser_cookie(request, SESSION_COOKIE) is not None
    if by_cookie and not same_origin(request, origin) and not site.allows(origin):
        return json_response(
            403,
            {
                "statusCode": FORBIDDEN,
                "statusMessage": f"Origin {header_text(origin)} may not change anything with this session's cookie: "
                "it is not an allowed origin",
            },
        )
    return None


def _is_json_or_upload(request: web.Request) -> bool:
    if request.headers.get(hdrs.CONTENT_TYPE) in BODY_TYPES:  # as clients send it: no parameters to parse
        return True
    kind = request.content_type.lower()
    return kind in BODY_TYPES or (kind.startswith("application/") and kind.endswith("+json"))
