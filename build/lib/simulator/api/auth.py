"""Who is calling: HTTP Basic credentials, or the session cookie an earlier authenticated request got.

Clients of the real service authenticate their first REST request with Basic credentials and then rely
on the `JSESSIONID` cookie, notably for the CometD connection a browser cannot add headers to.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from aiohttp import web

from ..core.contact_center import ContactCenter
from ..core.users import User

SESSION_COOKIE = "JSESSIONID"


class Authenticator:
    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self._sessions: dict[str, str] = {}  # cookie value -> user id

    def user_of(self, request: web.Request) -> User | None:
        """The user the request's credentials or session cookie name, or None."""
        header = request.headers.get("Authorization")
        if header is not None:
            return self._basic(header)
        token = request.cookies.get(SESSION_COOKIE)
        if token is not None and token in self._sessions:
            return self.center.users.get(self._sessions[token])
        return None

    def open_session(self, request: web.Request, response: web.StreamResponse, user: User) -> None:
        """Give the response a session cookie for `user`, unless the request already carries one."""
        token = request.cookies.get(SESSION_COOKIE)
        if token is not None and self._sessions.get(token) == user.id:
            return
        token = secrets.token_urlsafe(24)
        self._sessions[token] = user.id
        response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True)

    def _basic(self, header: str) -> User | None:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        name, separator, password = decoded.partition(":")
        if not separator:
            return None
        user = self.center.user_named(name)
        return user if user is not None and user.has_password(password) else None
