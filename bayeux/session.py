"""One client's session on the server: its subscriptions, its outgoing queue and its held connect.

Queued messages are already encoded (`Queued`: the JSON as an `orjson.Fragment` and its size), once per
message whatever the number of sessions it goes to; the size is what the per-session byte bound counts.

A message stays *pending* (counted against the bounds) from `enqueue` until it has left for good: at
once when it is written (`delivered`), or, when an extension keeps it until the client acknowledges it
(the acknowledge extension), when the extension says so. What an extension gives back (`requeue`) goes to
the front of the queue, still pending, and leaves again first.

A session has `__slots__` and no task of its own: an idle session is this object, its subscriptions and
its held connect, which is what lets a server keep tens of thousands of them.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Hashable
from typing import Any

import orjson

Message = dict[str, Any]
Queued = tuple[orjson.Fragment, int]  # a message encoded once, and its size in bytes


def encode(message: Message) -> Queued:
    """A message as the queues hold it: encoded once, shared by every session it goes to."""
    data = orjson.dumps(message)
    return orjson.Fragment(data), len(data)


class QueueFull(Exception):
    """The session holds more undelivered messages, or bytes of them, than its bounds allow."""


class ServerSession:
    """State of one handshaken client. Owned and mutated by `BayeuxServer` and its extensions only."""

    __slots__ = (
        "id",
        "user",
        "browser_id",
        "max_queue",
        "max_queue_bytes",
        "subscriptions",
        "connected",
        "left",
        "connect_delivery_only",
        "expires_at",
        "transport",
        "on_queued",
        "_queue",
        "_count",
        "_bytes",
        "_queue_bytes",
        "_waiter",
        "__weakref__",
    )

    def __init__(self, user: Hashable, browser_id: str | None, max_queue: int, max_queue_bytes: int) -> None:
        self.id = secrets.token_hex(16)
        self.user = user
        self.browser_id = browser_id
        self.max_queue = max_queue
        self.max_queue_bytes = max_queue_bytes
        self.subscriptions: set[str] = set()
        self.connected = False  # set once the first /meta/connect has been answered
        self.left = False  # ended by its own /meta/disconnect, not by the server
        # Messages leave only with /meta/connect replies, never pushed on their own: set by an extension
        # that numbers connect replies (the acknowledge extension), so that every message is in a batch.
        self.connect_delivery_only = False
        self.expires_at = 0.0
        self.transport: str | None = None
        # Called when the queue goes from empty to not empty, instead of waking the held connect: how the
        # websocket the session is connected on learns that it has something to write.
        self.on_queued: Callable[[ServerSession], None] | None = None
        # Not a deque (an empty one weighs 600 bytes), and no list while nothing is queued (an idle session
        # has none to keep, and a reply that takes everything leaves none to make anew).
        self._queue: list[Queued] | None = None
        self._count = 0  # messages pending: queued, or kept by an extension until acknowledged
        self._bytes = 0  # their encoded size
        self._queue_bytes = 0  # the encoded size of what is queued, not yet sent
        self._waiter: asyncio.Future[None] | None = None

    def __repr__(self) -> str:
        return f"<ServerSession {self.id[:8]} user={self.user!r} queued={len(self._queue or ())}>"

    @property
    def pending(self) -> int:
        """Messages not yet delivered for good: queued plus sent but unacknowledged."""
        return self._count

    @property
    def pending_bytes(self) -> int:
        """The encoded size of the pending messages: what the byte bound counts."""
        return self._bytes

    @property
    def held(self) -> bool:
        """A connect is outstanding: waiting, or due and not yet answered (the sweeper spares the session)."""
        return self._waiter is not None

    def enqueue(self, queued: Queued) -> None:
        if self._count >= self.max_queue:
            raise QueueFull(f"session {self.id} has {self._count} undelivered messages")
        if self._bytes + queued[1] > self.max_queue_bytes:
            raise QueueFull(f"session {self.id} has {self._bytes} bytes of undelivered messages")
        queue = self._queue
        was_empty = not queue
        if queue is None:
            self._queue = [queued]
        else:
            queue.append(queued)
        self._count += 1
        self._bytes += queued[1]
        self._queue_bytes += queued[1]
        if was_empty:
            if self.on_queued is None:
                self.wake()
            else:
                self.on_queued(self)

    def discard(self) -> None:
        """Forget every pending message: the session has ended, and what it held must not outlive it."""
        self._queue = None
        self._count = self._bytes = self._queue_bytes = 0

    def wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def has_messages(self) -> bool:
        return bool(self._queue)

    def hold(self) -> asyncio.Future[None]:
        """Start holding a connect; an earlier held connect of this session is released first."""
        self.wake()
        self._waiter = asyncio.get_running_loop().create_future()
        if self._queue:
            self._waiter.set_result(None)
        return self._waiter

    def release(self, waiter: asyncio.Future[None] | None) -> None:
        if self._waiter is waiter:
            self._waiter = None

    def is_current(self, waiter: asyncio.Future[None] | None) -> bool:
        return self._waiter is waiter

    def take(self, max_bytes: int) -> list[Queued]:
        """The messages for one reply: at most `max_bytes` of them, at least one. What is over the bound
        stays queued for the next reply, which then goes at once: a large backlog leaves in bounded
        replies. They are still pending until `delivered` (or an extension) says they have left."""
        messages = self._queue
        if messages is None:
            return []
        if self._queue_bytes <= max_bytes:  # the usual case: everything fits in one reply
            self._queue = None
            self._queue_bytes = 0
            return messages
        count, size = 0, 0
        for _, item_size in messages:
            if count and size + item_size > max_bytes:
                break
            count += 1
            size += item_size
        self._queue = messages[count:] or None
        self._queue_bytes -= size
        return messages[:count]

    def next_batch(self, last: int, messages: list[Queued]) -> int:
        """The number of the acknowledged batch that carries `messages` after batch `last`: the next one.
        A session whose numbers must mean something to other servers numbers them its own way."""
        return last + 1

    def delivered(self, messages: list[Queued]) -> None:
        """These messages have left for good: they no longer count against the bounds."""
        self._count -= len(messages)
        for _, size in messages:  # mostly one or two: no generator for them
            self._bytes -= size

    def requeue(self, messages: list[Queued], *, recount: bool = False) -> None:
        """Taken messages that must leave again (not written, or not acknowledged): back to the front.

        `recount` when they had been counted as `delivered` already (a write that failed after all)."""
        if recount:
            self._count += len(messages)
            self._bytes += sum(size for _, size in messages)
        if messages:
            was_empty = not self._queue
            self._queue = messages + (self._queue or [])
            self._queue_bytes += sum(size for _, size in messages)
            if was_empty:
                if self.on_queued is None:
                    self.wake()
                else:
                    self.on_queued(self)
