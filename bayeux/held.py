"""A `/meta/connect` that waits for messages or its timeout."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from .session import Message, Queued, ServerSession


@dataclass(slots=True)
class HeldConnect:
    """A `/meta/connect` reply that waits for messages or the timeout."""

    session: ServerSession
    reply: Message
    timeout: float
    waiter: asyncio.Future[None] = field(repr=False)
    taken: list[Queued] = field(default_factory=list, repr=False)  # what `finish` put in the reply
    kept: bool = False  # an extension keeps `taken` pending until the client acknowledges it


def expire(waiter: asyncio.Future[None]) -> None:
    """A held connect's timer: its timeout has passed, the connect is due (unless it already was)."""
    if not waiter.done():
        waiter.set_result(None)
