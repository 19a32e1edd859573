"""An offer of work to one agent, timed: it lapses unless the agent takes it (or someone ends it) within
its timeout. Calls ring an agent's device and invitations to chat and e-mail wait for Accept this way.

The offer carries the users tried for the work before it, so work that comes back to its queue (the offer
lapsed, or was rejected) is chosen for them only when nobody else is free (`lanes.Lanes.choose`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..clock import Clock, TimerHandle


@dataclass(eq=False, slots=True)
class Offer:
    """Work `work_id` offered to `user_id` (on `agent`: their device, for a call)."""

    work_id: str
    user_id: str
    agent: Any = None
    tried: set[str] = field(default_factory=set)  # users tried for this work before this offer
    timer: TimerHandle | None = None
    over: bool = False

    def end(self) -> None:
        """The offer is over (taken, withdrawn, or lapsed): its timer will not fire."""
        self.over = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def tried_after(self) -> set[str]:
        """The tried set of the work once this offer lapsed or was rejected: this user too."""
        return self.tried | {self.user_id}


def start_offer(
    clock: Clock,
    work_id: str,
    user_id: str,
    timeout: float | None,
    lapse: Callable[[Offer], None],
    *,
    agent: Any = None,
    tried: Iterable[str] = (),
) -> Offer:
    """Offer `work_id` to `user_id` for `timeout` seconds (None: until someone acts); when the time is up
    and the offer is not over, it ends and `lapse` is called with it."""
    offer = Offer(work_id, user_id, agent, set(tried))

    def due() -> None:
        if not offer.over:
            offer.timer = None
            offer.end()
            lapse(offer)

    if timeout is not None:
        offer.timer = clock.call_later(timeout, due)
    return offer
