"""What the voice engine asks of queue routing, as the engine sees it.

Routing lives above the voice core (it reads the contact center's skills and drives calls through the
engine), so the engine knows it only by this interface: the routing package attaches an object with these
methods, and nothing in `voice` imports routing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class QueueRouting(Protocol):
    def queue_of_number(self, number: str) -> str | None:
        """The id of the voice queue answering `number`, or None."""

    def enqueue(self, call_id: str, number: str) -> None:
        """A call reached the queue on `number`: a customer's, or one an agent dialed or transferred there."""

    def queued(self, call_id: str) -> bool:
        """Whether the call is in a queue, waiting or being offered to an agent."""

    def waits(self, call_id: str) -> bool:
        """Whether the call waits in a queue for an agent, not being offered: the parties left on it stay
        (a customer transferred to a queue is alone on the call until an agent answers)."""

    def after_action(self, devices: Iterable[str] = (), calls: Iterable[str] = ()) -> None:
        """The devices and calls the last action touched."""
