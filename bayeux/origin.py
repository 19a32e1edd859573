"""Where a browser request comes from, for the requests a foreign page could make with a user's cookies.

A page on another site can open a websocket to the server or load a callback-polling URL as a script,
and the browser adds the user's cookies to both; neither is protected by the same-origin policy. Such a
request is refused unless it comes from the server's own origin or one the application allows.
Non-browser clients send no origin information and are not concerned.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

from aiohttp import web

_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


def refused(request: web.Request, allowed: tuple[str, ...]) -> str | None:
    """Why a cookie-carrying request from a foreign page is refused; None when it may go on."""
    if not request.cookies or "*" in allowed:
        return None
    origin = request.headers.get("Origin")
    if origin is None and "Referer" in request.headers:
        parts = _split(request.headers["Referer"])
        origin = f"{parts.scheme}://{parts.netloc}" if parts is not None and parts.scheme and parts.netloc else "null"
    if origin is None:
        site = request.headers.get("Sec-Fetch-Site")
        return f"a {site} request" if site in ("cross-site", "same-site") else None
    if _host_of(origin) == _normal(request.host, request.scheme):
        return None
    if origin.rstrip("/").lower() in (entry.rstrip("/").lower() for entry in allowed):
        return None
    # bytes of the header that are not UTF-8 (kept as surrogate escapes) would make the refusal unwritable
    shown = origin.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return f"origin {shown} is not allowed"


def _host_of(origin: str) -> str | None:
    parts = _split(origin)
    if parts is None or not parts.scheme or not parts.netloc:
        return None
    return _normal(parts.netloc, parts.scheme)


def _split(url: str) -> SplitResult | None:
    """The parts of a URL a header gives, or None for one that is no URL (a lone IPv6 bracket)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _normal(netloc: str, scheme: str) -> str:
    netloc = netloc.lower()
    default = _DEFAULT_PORTS.get(scheme.lower())
    if default and netloc.endswith(":" + default):
        return netloc[: -len(default) - 1]
    return netloc
