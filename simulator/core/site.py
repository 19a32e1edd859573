"""How the simulator faces its clients over HTTP: which browser origins may call it, whether it asks for
CSRF tokens, which release of the real service it imitates where releases differ, and how long an idle
HTTP session lives, and where its state lives (this process, or Redis shared with other processes). Set
in the contact-center file's `server` section and by `gwsim serve` options."""

from __future__ import annotations

from dataclasses import dataclass

from .profiles import PROFILES, REFERENCE


@dataclass(frozen=True)
class SiteOptions:
    """`allow_origins` are `scheme://host[:port]` origins (or `*`, any origin) whose pages may call the API
    with the user's cookie; the simulator's own origin always may. `session_idle_timeout` is in seconds;
    `max_sessions` bounds the HTTP sessions held at once (the least recently used goes first). `engine` is
    `memory` (one process, the default) or `redis://HOST:PORT` (see `simulator.engine`)."""

    allow_origins: tuple[str, ...] = ()
    csrf: bool = False
    profile: str = REFERENCE
    session_idle_timeout: float = 1800.0
    max_sessions: int = 10000
    engine: str | None = None
    # The operations of the Channels and Interactions APIs answer as the reference's examples of them do,
    # `{"status": "ok"}` / `{"status": "error", "errorDescription": ...}`, instead of the statusCode form
    # the reference's Return Values section prescribes for every method (the default).
    status_answers: bool = False

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {self.profile!r}")
        for origin in self.allow_origins:
            if not is_origin(origin):
                raise ValueError(f"{origin!r} is not an origin: give scheme://host[:port] with no path, or *")
        if self.session_idle_timeout <= 0:
            raise ValueError("the session idle timeout must be above 0 seconds")
        if self.max_sessions < 1:
            raise ValueError("max_sessions must be 1 or more")
        if self.engine is not None and not is_engine(self.engine):
            raise ValueError(f"engine must be memory or redis://HOST:PORT, not {self.engine!r}")

    def allows(self, origin: str) -> bool:
        """Whether a page of `origin` (another origin than the simulator's) may call it."""
        return "*" in self.allow_origins or origin.rstrip("/").lower() in (o.lower() for o in self.allow_origins)


def is_origin(text: str) -> bool:
    if text == "*":
        return True
    scheme, separator, rest = text.partition("://")
    return bool(separator) and scheme in ("http", "https") and bool(rest) and "/" not in rest and " " not in rest


def is_engine(text: str) -> bool:
    """`memory`, or the URL of a Redis server (`redis://`, `rediss://` with TLS, `unix://` for a socket)."""
    return text == "memory" or (text.startswith(("redis://", "rediss://", "unix://")) and " " not in text)
