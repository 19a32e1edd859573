"""CSRF protection, the real server's option (`--csrf`, the contact-center file's `server.csrf`).

When it is on, every answer to an authenticated GET names the header and carries the token of the
request's HTTP session (`X-CSRF-HEADER: X-CSRF-TOKEN`, `X-CSRF-TOKEN: <token>`), and a PUT, POST or
DELETE authenticated by the `JSESSIONID` cookie must send that token in that header, or it is refused
with HTTP 403 "Missing or invalid Csrf token" before anything happens. A request with Basic credentials
needs no token: a foreign page cannot make a browser send credentials it does not know.
"""

from __future__ import annotations

import hmac

from aiohttp import hdrs, web

from ..core.refusals import FORBIDDEN
from .auth import Session
from .responses import json_response

HEADER_NAME = "X-CSRF-HEADER"
TOKEN_HEADER = "X-CSRF-TOKEN"
STATE_CHANGES = ("PUT", "POST", "DELETE")
REFUSAL = "Missing or invalid Csrf token"


def refusal(request: web.Request, session: Session | None) -> web.Response | None:
    """The 403 for a cookie-authenticated state change without its session's token, else None."""
    if request.method not in STATE_CHANGES or hdrs.AUTHORIZATION in request.headers or session is None:
        return None
    sent = request.headers.get(TOKEN_HEADER, "")
    if hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        return None
    return json_response(403, {"statusCode": FORBIDDEN, "statusMessage": REFUSAL})


def announce(response: web.StreamResponse, session: Session) -> None:
    """Tell the client of an authenticated GET which header carries which token."""
    response.headers[HEADER_NAME] = TOKEN_HEADER
    response.headers[TOKEN_HEADER] = session.csrf_token
