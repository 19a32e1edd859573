"""One client's session on the server: its subscriptions, its outgoing queue and its held connect.

Messages for a client are only ever sent as part of a `/meta/connect` reply, on every transport. That
single delivery path is what lets the acknowledge extension number each batch and resend what a dropped
connection lost, and it keeps the transports free of delivery logic.

Queued messages are already encoded (`Queued`: the JSON as an `orjson.Fragment` and its size), once per
message whatever the number of sessions it goes to; the size is what the per-session byte bound counts.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import deque
from collections.abc import Hashable
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
    """State of one handshaken client. Owned and mutated by `BayeuxServer` only."""

    def __init__(self, user: Hashable, browser_id: str | None, ack: bool, max_queue: int, max_queue_bytes: int) -> None:
        self.id = secrets.token_hex(16)
        self.user = user
        self.browser_id = browser_id
        self.ack_enabled = ack
        self.max_queue = max_queue
        self.max_queue_bytes = max_queue_bytes
        self.subscriptions: set[str] = set()
        self.connected = False  # set once the first /meta/connect has been answered
        self.left = False  # ended by its own /meta/disconnect, not by the server
        self.expires_at = 0.0
        self.transport: str | None = None
        self._queue: deque[Queued] = deque()
        self._unacked: list[tuple[int, list[Queued]]] = []
        self._count = 0  # messages queued or unacknowledged
        self._bytes = 0  # their encoded size
        self._queue_bytes = 0  # the encoded size of what is queued, not yet sent
        self._batch = 0
        self._waiter: asyncio.Future[None] | None = None

    def __repr__(self) -> str:
        return f"<ServerSession {self.id[:8]} user={self.user!r} queued={len(self._queue)}>"

    @property
    def pending(self) -> int:
        """Messages not yet acknowledged: queued plus sent but unacknowledged."""
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
        self._queue.append(queued)
        self._count += 1
        self._bytes += queued[1]
        self._queue_bytes += queued[1]
        self.wake()

    def discard(self) -> None:
        """Forget every pending message: the session has ended, and what it held must not outlive it."""
        self._queue.clear()
        self._unacked.clear()
        self._count = self._bytes = self._queue_bytes = 0

    def wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def acknowledge(self, batch: int) -> None:
        """Drop the batches the client has received; what is left was lost and goes out again first."""
        for number, messages in self._unacked:
            if number <= batch:
                self._count -= len(messages)
                self._bytes -= sum(size for _, size in messages)
        self._unacked = [(number, msgs) for number, msgs in self._unacked if number > batch]
        for _, messages in reversed(self._unacked):
            self._queue.extendleft(reversed(messages))
            self._queue_bytes += sum(size for _, size in messages)
        self._unacked.clear()

    def has_messages(self) -> bool:
        return bool(self._queue)

    def hold(self) -> asyncio.Future[None]:
        """Start holding a connect; an earlier held connect of this session is released first."""
        self.wake()
        self._waiter = asyncio.get_running_loop().create_future()
        if self._queue:
            self._waiter.set_result(None)
        return self._waiter

    def release(self, waiter: asyncio.Future[None]) -> None:
        if self._waiter is waiter:
            self._waiter = None

    def is_current(self, waiter: asyncio.Future[None]) -> bool:
        return self._waiter is waiter

    def take(self, max_bytes: int) -> tuple[list[Queued], int | None]:
        """The messages for one connect reply (at most `max_bytes` of them, at least one) and, with
        acknowledgements on, the batch number they carry. What is over the bound stays queued for the
        next connect, which is then answered at once: a large backlog leaves in bounded replies."""
        queue = self._queue
        if self._queue_bytes <= max_bytes:  # the usual case: everything fits in one reply
            messages, size = list(queue), self._queue_bytes
            queue.clear()
        else:
            messages, size = [], 0
            while queue and (not messages or size + queue[0][1] <= max_bytes):
                item = queue.popleft()
                size += item[1]
                messages.append(item)
        self._queue_bytes -= size
        if not self.ack_enabled:
            self._count -= len(messages)
            self._bytes -= size
            return messages, None
        self._batch += 1
        if messages:
            self._unacked.append((self._batch, messages))
        return messages, self._batch

    def give_back(self, messages: list[Queued], batch: int | None) -> None:
        """Messages taken for a reply that could not be written go back to the front of the queue."""
        if batch is not None:
            self._unacked = [(number, msgs) for number, msgs in self._unacked if number != batch]
        total = sum(size for _, size in messages)
        if batch is None:
            self._count += len(messages)
            self._bytes += total
        self._queue_bytes += total
        self._queue.extendleft(reversed(messages))
