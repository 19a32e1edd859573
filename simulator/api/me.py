"""`/api/v2/me`: the authenticated user."""

from __future__ import annotations

from aiohttp import web

from .keys import AUTH
from .responses import ok, unauthorized


async def get_me(request: web.Request) -> web.Response:
    authenticator = request.app[AUTH]
    user = authenticator.user_of(request)
    if user is None:
        return unauthorized()
    response = ok(user=user.document())
    authenticator.open_session(request, response, user)
    return response
