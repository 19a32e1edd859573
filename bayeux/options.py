"""Server settings, with the defaults of the reference CometD server."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """Times are in milliseconds, as the protocol's `advice` carries them.

    max_queue and max_queue_bytes bound the messages a session holds that the client has not yet
    received (or, with the acknowledge extension, not yet acknowledged), in number and in encoded bytes.
    A session that reaches either is disconnected and its messages dropped: its held `/meta/connect` is
    answered with `402::session_unknown` and `reconnect: handshake`, so the client learns it missed
    messages and starts afresh, instead of silently losing some of them while memory grows without limit.
    max_reply_bytes bounds the messages one connect reply carries; the rest follow in the next replies.

    allowed_origins are the foreign origins (`https://desk.example.com`, or `*` for any) whose pages may
    open a websocket or poll with callbacks while carrying cookies; the server's own origin always may.

    direct_writes lets long-polling write a reply straight onto its keep-alive connection and hold a
    connect without its request, handler or task (the cheapest path, and the smallest idle session). Such
    replies never pass back through the application's middlewares: an application whose middlewares must
    see or change every Bayeux response (to inject faults, say) turns it off.
    """

    timeout: int = 30000
    interval: int = 0
    max_interval: int = 10000
    max_queue: int = 10000
    max_queue_bytes: int = 8 << 20
    max_reply_bytes: int = 256 << 10
    max_sessions_per_browser: int = 1
    multi_session_interval: int = 2000
    max_message_size: int = 1 << 20
    sweep_period: int = 1000
    browser_cookie: str = "BAYEUX_BROWSER"
    max_depth: int = 32
    max_subscriptions: int = 1000
    allowed_origins: tuple[str, ...] = ()
    direct_writes: bool = True

    def __post_init__(self) -> None:
        for name in ("timeout", "interval", "max_interval", "multi_session_interval"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, not {getattr(self, name)}")
        for name in (
            "max_queue",
            "max_queue_bytes",
            "max_reply_bytes",
            "max_sessions_per_browser",
            "max_message_size",
            "sweep_period",
            "max_depth",
            "max_subscriptions",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be 1 or more, not {getattr(self, name)}")
