"""One client's session on the server: its subscriptions, its outgoing queue and its held connect.

Messages for a client are only ever sent as part of a `/meta/connect` reply, on every transport. That
single delivery path is what lets the acknowledge extension number each batch and resend what a dropped
connection lost, and it keeps the transports free of delivery logic.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import deque
from collections.abc import Hashable
from typing import Any

Message = dict[str, Any]


class QueueFull(Exception):
    """The session holds more undelivered messages than its bound allows."""


class ServerSession:
    """State of one handshaken client. Owned and mutated by `BayeuxServer` only."""

    def __init__(self, user: Hashable, browser_id: str | None, ack: bool, max_queue: int) -> None:
        self.id = secrets.token_hex(16)
        self.user = user
        self.browser_id = browser_id
        self.ack_enabled = ack
        self.max_queue = max_queue
        self.subscriptions: set[str] = set()
        self.connected = False  # set once the first /meta/connect has been answered
        self.left = False  # ended by its own /meta/disconnect, not by the server
        self.expires_at = 0.0
        self.transport: str | None = None
        self._queue: deque[Message] = deque()
        self._unacked: list[tuple[int, list[Message]]] = []
        self._batch = 0
        self._waiter: asyncio.Future[None] | None = None

    def __repr__(self) -> str:
        return f"<ServerSession {self.id[:8]} user={self.user!r} queued={len(self._queue)}>"

    @property
    def pending(self) -> int:
        """Messages not yet acknowledged: queued plus sent but unacknowledged."""
        if not self._unacked:  # every enqueue asks; without acknowledgements there is nothing to add up
            return len(self._queue)
        return len(self._queue) + sum(len(batch) for _, batch in self._unacked)

    @property
    def held(self) -> bool:
        return self._waiter is not None and not self._waiter.done()

    def enqueue(self, message: Message) -> None:
        if self.pending >= self.max_queue:
            raise QueueFull(f"session {self.id} has {self.pending} undelivered messages")
        self._queue.append(message)
        self.wake()

    def wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def acknowledge(self, batch: int) -> None:
        """Drop the batches the client has received; what is left was lost and goes out again first."""
        self._unacked = [(number, msgs) for number, msgs in self._unacked if number > batch]
        for _, messages in reversed(self._unacked):
            self._queue.extendleft(reversed(messages))
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

    def take(self) -> tuple[list[Message], int | None]:
        """The messages for a connect reply and, with acknowledgements on, the batch number they carry."""
        messages = list(self._queue)
        self._queue.clear()
        if not self.ack_enabled:
            return messages, None
        self._batch += 1
        if messages:
            self._unacked.append((self._batch, messages))
        return messages, self._batch

    def give_back(self, messages: list[Message], batch: int | None) -> None:
        """Messages taken for a reply that could not be written go back to the front of the queue."""
        if batch is not None:
            self._unacked = [(number, msgs) for number, msgs in self._unacked if number != batch]
        self._queue.extendleft(reversed(messages))
