"""Server settings, with the defaults of the reference CometD server."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """Times are in milliseconds, as the protocol's `advice` carries them.

    max_queue bounds the messages a session holds that the client has not yet received (or, with the
    acknowledge extension, not yet acknowledged). A session that reaches it is disconnected and its
    messages dropped: its held `/meta/connect` is answered with `402::session_unknown` and
    `reconnect: handshake`, so the client learns it missed messages and starts afresh, instead of
    silently losing some of them while memory grows without limit.
    """

    timeout: int = 30000
    interval: int = 0
    max_interval: int = 10000
    max_queue: int = 10000
    max_sessions_per_browser: int = 1
    multi_session_interval: int = 2000
    max_message_size: int = 1 << 20
    sweep_period: int = 1000
    browser_cookie: str = "BAYEUX_BROWSER"

    def __post_init__(self) -> None:
        for name in ("timeout", "interval", "max_interval", "multi_session_interval"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, not {getattr(self, name)}")
        for name in ("max_queue", "max_sessions_per_browser", "max_message_size", "sweep_period"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be 1 or more, not {getattr(self, name)}")
