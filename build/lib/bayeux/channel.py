"""Channel names: what is valid, what is a wildcard, and which patterns match a concrete channel.

Subscriptions are stored by pattern, so delivering to `/a/b/c` looks up the few patterns that could
match it (`/a/b/c`, `/a/b/*`, `/a/b/**`, `/a/**`, `/**`) instead of scanning every subscription.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Segment characters of the Bayeux 1.0 grammar (alpha, digit, mark and a few symbols), minus '/' and '*'.
_SEGMENT = re.compile(r"^[A-Za-z0-9\-_!~()$@.,:;=+&%'\[\]{}|?#^\"`<> ]+$")


def is_valid(name: object) -> bool:
    """True for an absolute channel name or a pattern ending in `/*` or `/**`."""
    if not isinstance(name, str) or not name.startswith("/") or len(name) > 512:
        return False
    segments = name[1:].split("/")
    for index, segment in enumerate(segments):
        if segment in ("*", "**"):
            if index != len(segments) - 1:
                return False
        elif not _SEGMENT.match(segment):
            return False
    return True


def is_wildcard(name: str) -> bool:
    return name.endswith("/*") or name.endswith("/**")


def is_meta(name: str) -> bool:
    return name == "/meta" or name.startswith("/meta/")


def is_service(name: str) -> bool:
    return name == "/service" or name.startswith("/service/")


def matches(pattern: str, channel: str) -> bool:
    """Whether a subscription pattern covers a concrete channel."""
    return pattern in matching_patterns(channel)


@lru_cache(maxsize=8192)
def matching_patterns(channel: str) -> tuple[str, ...]:
    """Every pattern that matches `channel`, the channel itself first."""
    segments = channel[1:].split("/")
    patterns = [channel]
    parent = "/" + "/".join(segments[:-1]) if len(segments) > 1 else ""
    patterns.append(f"{parent}/*")
    for depth in range(len(segments) - 1, -1, -1):
        patterns.append("/" + "/".join(segments[:depth]) + ("/**" if depth else "**"))
    return tuple(patterns)
