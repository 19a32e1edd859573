"""Who is calling: HTTP Basic credentials, or the session cookie an earlier authenticated request got.

Clients of the real service authenticate their first REST request with Basic credentials and then rely
on the `JSESSIONID` cookie, notably for the CometD connection a browser cannot add headers to.

A session lives as the real server's do: it ends when its user's password changes or the user is deleted
(and with it the user's CometD sessions, through the `on_ended` listeners, unless the user changed their
own password: their desktop is then told on `/v2/me`, as the reference says), when it has been idle for the
idle timeout, and when the store is full. Every Basic-authenticated request without a cookie opens a
session, so a session whose cookie never came back is the first to go when the store is full (oldest
first), and then the least recently used: a client that keeps its cookie keeps its one session whatever
clients that do not keep theirs send. Each session holds the CSRF token that protects it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import hdrs, web

from bayeux.http_transport import browser_cookie

from ..core.center_reads import CenterReads
from ..core.site import SiteOptions
from ..core.users import User
from .throttle import PasswordThrottle

SESSION_COOKIE = "JSESSIONID"


@dataclass
class Session:
    token: str  # the cookie's value
    user_id: str
    credentials: bytes  # a digest of the password it was opened with: a new password ends the session
    csrf_token: str
    last_seen: float


class Authenticator:
    def __init__(self, center: CenterReads, now: Callable[[], float], site: SiteOptions | None = None) -> None:
        self.center = center
        self.site = site or SiteOptions()
        self._now = now
        # cookie value -> session, oldest use first: those whose cookie came back, and those not yet
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._unclaimed: OrderedDict[str, Session] = OrderedDict()
        self._ended_listeners: list[Callable[[str], None]] = []
        self.throttle = PasswordThrottle()

    def user_of(self, request: web.Request) -> User | None:
        """The user the request's credentials or session cookie name, or None."""
        return self.identify(request)[0]

    def identify(self, request: web.Request) -> tuple[User | None, Session | None]:
        """The user the request's credentials or session cookie name (or None), and the session when its
        cookie is what named the user: the one `open_session` is then handed, so the cookie is read once."""
        header = request.headers.get(hdrs.AUTHORIZATION)
        if header is not None:
            return self._basic(header, request.remote or ""), None
        session = self.session_of(request)
        return (None, None) if session is None else (self.center.users.get(session.user_id), session)

    def session_of(self, request: web.Request) -> Session | None:
        """The live session the request's cookie names (and marks as used), or None."""
        token = browser_cookie(request, SESSION_COOKIE)
        if token is None:
            return None
        session = self._sessions.pop(token, None) or self._unclaimed.pop(token, None)
        return None if session is None else self._used(session)

    def _again(self, session: Session) -> Session | None:
        """`session_of` once more for a session it found earlier in the same request (its handler may have
        ended it, or moved a virtual clock past its idle timeout), without reading the cookie again."""
        if self._sessions.get(session.token) is not session:
            return None
        del self._sessions[session.token]
        return self._used(session)

    def _used(self, session: Session) -> Session | None:
        """A session just taken out of the store, put back as the most recently used if still live."""
        user = self.center.users.get(session.user_id)
        now = self._now()
        idle = now - session.last_seen > self.site.session_idle_timeout
        if idle or user is None or session.credentials != _digest(user):
            return None
        session.last_seen = now
        self._sessions[session.token] = session  # now the most recently used
        return session

    def open_session(
        self, request: web.Request, response: web.StreamResponse, user: User, found: Session | None = None
    ) -> Session:
        """The request's session for `user`, or a new one whose cookie the response sets. `found`: the
        session `identify` found for this request, if any."""
        session = self._again(found) if found is not None else self.session_of(request)
        if session is not None and session.user_id == user.id:
            return session
        token = secrets.token_urlsafe(24)
        # a client that keeps no cookie opens a session with every request: mint its CSRF token only
        # where CSRF protection can ask for one
        csrf_token = secrets.token_urlsafe(24) if self.site.csrf else ""
        session = Session(token, user.id, _digest(user), csrf_token, self._now())
        self._unclaimed[token] = session
        while self.session_count > self.site.max_sessions:
            (self._unclaimed or self._sessions).popitem(last=False)
        response.headers.add("Set-Cookie", f"{SESSION_COOKIE}={token}; {self._cookie_attributes(request)}")
        return session

    def _cookie_attributes(self, request: web.Request) -> str:
        """`SameSite=Lax` for pages of the simulator's own site (its host, on any port), which then get
        the cookie and foreign sites do not. A page of an allowed origin on another site (a dev server on
        `localhost` calling a simulator on `127.0.0.1`, a CRM page) would never send a Lax cookie back, so
        its login gets a cross-site cookie: `SameSite=None` needs `Secure`, which browsers accept over plain
        HTTP only from loopback hosts, and `Partitioned` keeps it to that page's site, where browsers that
        block third-party cookies still keep it. The Origin check and CORS still guard what it may do."""
        origin = request.headers.get("Origin")
        if origin is None or not self.site.allows(origin) or _hostname(origin) == (request.url.host or "").lower():
            return "Path=/; HttpOnly; SameSite=Lax"
        return "Path=/; HttpOnly; SameSite=None; Secure; Partitioned"

    @property
    def session_count(self) -> int:
        return len(self._sessions) + len(self._unclaimed)

    def on_ended(self, listener: Callable[[str], None]) -> None:
        """Call `listener(user_id)` when a user's credentials end their sessions (to end their CometD ones)."""
        self._ended_listeners.append(listener)

    def end_sessions(self, user_id: str, own_change: bool = False) -> None:
        """End every HTTP session of a user whose password changed or who was deleted, and their CometD
        sessions unless `own_change`: the user changed their own password (proving the old one), and
        the reference reports the outcome on their `/v2/me`; a new handshake needs the new password."""
        for store in (self._sessions, self._unclaimed):
            for token in [token for token, session in store.items() if session.user_id == user_id]:
                del store[token]
        if not own_change:
            for listener in self._ended_listeners:
                listener(user_id)

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


@functools.lru_cache(maxsize=4096)
def _credentials(header: str) -> tuple[str, str] | None:
    """The user name and password of a Basic Authorization header, or None. A client that keeps no cookie
    sends the same header with every request: it is decoded once (bounded, so guessing cannot grow it)."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):  # binascii.Error, or a header that is not ASCII
        return None
    name, separator, password = decoded.partition(":")
    return (name, password) if separator else None


def _hostname(origin: str) -> str | None:
    """The host of an Origin header, or None for one that is no URL (urlsplit raises on a lone bracket)."""
    try:
        return urlsplit(origin).hostname
    except ValueError:
        return None


def _digest(user: User) -> bytes:
    return _password_digest(user.password)


@functools.lru_cache(maxsize=4096)
def _password_digest(password: str) -> bytes:
    """Every request with a session cookie checks that its user's password is still the one the session
    was opened with: hashed once per password, not on every request."""
    return hashlib.sha256(password.encode("utf-8", "surrogatepass")).digest()
