"""What every REST request goes through: authentication, then the one place errors become responses.

Every request under `/api/v2` and under `/sim` (the simulator's control API), except the CometD endpoint,
which authenticates its own handshake, needs HTTP Basic credentials or the session cookie of an earlier
authenticated request, and gets that cookie back (with CSRF protection on, a cookie-authenticated change
also needs the session's token, and every authenticated GET answer carries it; see `csrf`). Without
credentials the answer is the release profile's: 401 with `WWW-Authenticate`, or 403 "Access denied".
Whatever a handler raises leaves here in the reference's shape: a `Refusal` (the core's one refusal,
from provisioning, voice or media) as its statusCode, an unknown path as 6, a method the path does not have as 3, an
unexpected exception as 4.
"""

from __future__ import annotations

import logging

from aiohttp import web

from ..core.profiles import PROFILES
from ..core.refusals import FORBIDDEN, INTERNAL, NOT_FOUND, Refusal
from ..layers import Layer
from . import csrf, passwords
from .auth import Authenticator
from .keys import NOTIFIER, VIEWER
from .paths import under
from .responses import access_denied, error, json_response, unauthorized

API = "/api/v2"
CONTROL = "/sim"
STATS = "/api/v1/stats"  # the Statistics API, authenticated as /api/v2 is
log = logging.getLogger(__name__)


def api_layer(authenticator: Authenticator, excluded: tuple[str, ...]) -> Layer:
    """The layer for the REST API under /api/v2 and /sim, leaving the `excluded` path prefixes alone."""
    ours = under((API, CONTROL, STATS))

    def concerns(_request: web.Request, path: str) -> bool:
        return ours(path) and not path.startswith(excluded)

    learnt = False  # whether the notifier knows its base URL: this layer serves one application

    async def middleware(request: web.Request, handler) -> web.StreamResponse:
        path = request.path
        user, session = authenticator.identify(request)
        if user is None:
            if (throttled := authenticator.throttled(request)) is not None:
                message, seconds = throttled
                response = json_response(429, {"statusCode": FORBIDDEN, "statusMessage": message})
                response.headers["Retry-After"] = str(seconds)
                return response
            if PROFILES[authenticator.site.profile].access_denied:
                return access_denied()
            if "Authorization" in request.headers:
                return unauthorized("The credentials are not valid: check the user name and the password")
            return unauthorized()
        if authenticator.site.csrf:
            refused = csrf.refusal(request, session or authenticator.session_of(request))
            if refused is not None:
                return refused
        request[VIEWER] = user
        nonlocal learnt
        if not learnt:  # reading the scheme and host has a cost, and so has asking the notifier each time
            notifier = request.app[NOTIFIER]
            if notifier.base_url is None:
                notifier.learn_base_url(request.scheme, request.host)
            learnt = True
        try:
            if (must_change := passwords.first_login_refusal(user, request.method, path)) is not None:
                raise must_change
            response = await handler(request)
        except Refusal as refusal:
            response = error(refusal)
        except web.HTTPMethodNotAllowed as problem:
            allowed = ", ".join(sorted(problem.allowed_methods))
            response = json_response(
                405,
                {
                    "statusCode": FORBIDDEN,
                    "statusMessage": f"{request.method} is not supported on {path} (supported: {allowed})",
                },
            )
            response.headers["Allow"] = ",".join(sorted(problem.allowed_methods))
        except web.HTTPNotFound:
            response = json_response(404, {"statusCode": NOT_FOUND, "statusMessage": f"no resource at {path}"})
        except web.HTTPException:
            raise
        except Exception:
            log.exception("internal error on %s %s", request.method, path)
            response = json_response(500, {"statusCode": INTERNAL, "statusMessage": "internal error of the simulator"})
        session = authenticator.open_session(request, response, user, session)
        if authenticator.site.csrf and request.method == "GET":
            csrf.announce(response, session)
        return response

    return Layer(middleware, concerns)
