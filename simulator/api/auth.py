"""Who is calling: HTTP Basic credentials, or the session cookie an earlier authenticated request got.

Clients of the real service authenticate their first REST request with Basic credentials and then rely
on the `JSESSIONID` cookie, notably for the CometD connection a browser cannot add headers to.
"""

from __future__ import annotations

import base64
import math
import secrets

from aiohttp import web

from ..core.contact_center import ContactCenter
from ..core.users import User
from .throttle import PasswordThrottle

SESSION_COOKIE = "JSESSIONID"


class Authenticator:
    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self._sessions: dict[str, str] = {}  # cookie value -> user id
        self.throttle = PasswordThrottle()

    def user_of(self, request: web.Request) -> User | None:
        """The user the request's credentials or session cookie name, or None."""
        header = request.headers.get("Authorization")
        if header is not None:
            return self._basic(header, request.remote or "")
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

    def throttled(self, request: web.Request) -> tuple[str, int] | None:
        """Why the request's Basic credentials are not heard now (too many wrong passwords) and for how
        many seconds, or None."""
        credentials = _credentials(request.headers.get("Authorization", ""))
        user = self.center.user_named(credentials[0]) if credentials is not None else None
        if user is None:
            return None
        wait = self.throttle.wait(user.userName, request.remote or "")
        return (self.throttle.message(user.userName, wait), math.ceil(wait)) if wait > 0 else None

    def _basic(self, header: str, address: str) -> User | None:
        credentials = _credentials(header)
        if credentials is None:
            return None
        name, password = credentials
        user = self.center.user_named(name)
        if user is None:
            return None
        if self.throttle.wait(user.userName, address) > 0:
            return None
        if not user.has_password(password):
            self.throttle.failed(user.userName, address)
            return None
        self.throttle.succeeded(user.userName)
        return user


def _credentials(header: str) -> tuple[str, str] | None:
    """The user name and password of a Basic Authorization header, or None."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):  # binascii.Error, or a header that is not ASCII
        return None
    name, separator, password = decoded.partition(":")
    return (name, password) if separator else None
