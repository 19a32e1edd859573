"""Wrong passwords, counted per user and per client address, so guessing a password is slow.

After `PER_USER` wrong passwords for one user (or `PER_ADDRESS` wrong passwords of users from one
address) within `WINDOW` seconds, every attempt for that user (or for any user from that address) is
refused with HTTP 429 and a message
saying when to try again, the right password included, until the oldest failure leaves the window. So
nothing is locked for longer than `WINDOW` seconds after the guessing stops, and a right password
clears its user's count. A name that is no user is a plain 401 and is not counted: there is no password
to guess. Real time, whatever the simulator's clock: this protects the server, not the
simulation.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

WINDOW = 60.0
PER_USER = 10
PER_ADDRESS = 30


class PasswordThrottle:
    """The recent failures of each user name and address."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._failures: dict[str, deque[float]] = {}
        self._latest = -math.inf  # when the last failure was: none within the window means nothing to look up

    def wait(self, user_name: str, address: str) -> float:
        """Seconds until an attempt for `user_name` from `address` is heard again; 0 when it is now."""
        now = self._now()
        if now - self._latest >= WINDOW:  # the usual case: nothing failed within the window
            return 0.0
        longest = 0.0
        for key, limit in ((self._user_key(user_name), PER_USER), (self._address_key(address), PER_ADDRESS)):
            times = self._recent(key, now)
            if times is not None and len(times) >= limit:
                longest = max(longest, times[0] + WINDOW - now)
        return longest

    def failed(self, user_name: str, address: str) -> None:
        now = self._now()
        if len(self._failures) > 10_000:  # many names guessed at once: forget what is past the window
            for key in list(self._failures):
                self._recent(key, now)
        for key in (self._user_key(user_name), self._address_key(address)):
            self._failures.setdefault(key, deque()).append(now)
        self._latest = now

    def succeeded(self, user_name: str) -> None:
        if self._failures:  # the usual case: no failure to forget
            self._failures.pop(self._user_key(user_name), None)

    def message(self, user_name: str, wait: float) -> str:
        return f"Too many wrong passwords for {user_name[:80]!r} or from this address: try again in {math.ceil(wait)} s"

    def _recent(self, key: str, now: float) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - WINDOW:
            times.popleft()
        if not times:
            del self._failures[key]  # forgotten once the window is past: memory stays bounded by recent guessing
            return None
        return times

    @staticmethod
    def _user_key(user_name: str) -> str:
        return "user:" + user_name.casefold()

    @staticmethod
    def _address_key(address: str) -> str:
        return "address:" + address
