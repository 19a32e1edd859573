"""The console's feed: every notification the notifier delivers, tagged with its user, on one admin channel.

The per-user topics keep agents apart, which is right for desktops but leaves nobody who sees the whole
contact center at once. The console's all-agents view needs exactly that, so the notifier's deliveries
pass through this feed on their way to the Bayeux server: each is delivered as before and also kept.
The feed is a subscriber of the World's event stream too, after the notifier, and when handed the event
that caused those deliveries it publishes them on `CONSOLE` stamped with the event's sequence number and
simulated time, so the console's timeline is the stream's order.

Only admins see it: the feed is delivered to each admin's sessions, as `/v2/me/...` is to its user, so
a session that subscribed to a wildcard such as `/**` gets nothing of it unless it is an admin's; and
`endpoint.Policy` refuses others a subscription to `/sim/...` outright, with an answer that says so.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from ..core.contact_center import ContactCenter
from ..core.events import CenterChanged, Event, WorldReset
from ..core.users import ADMIN
from .notifier import Delivery

CONSOLE = "/sim/console"
ROLE_CHANGES = frozenset({"add_user", "update_user", "remove_user"})  # the changes that can make or unmake an admin


class ConsoleFeed:
    """Stands between the notifier and the Bayeux server; `__call__` is its event-stream subscriber."""

    def __init__(self, server: Delivery, center: ContactCenter) -> None:
        self.server = server
        self.center = center
        self._pending: list[dict[str, Any]] = []
        self._admins = self._admins_now()

    def _admins_now(self) -> dict[str, None]:
        return {user.id: None for user in self.center.users.values() if user.has_role(ADMIN)}

    def _recheck(self, user_ids: tuple[str, ...]) -> None:
        """Only the users a change names can have gained or lost the admin role: look at those alone."""
        for user_id in user_ids:
            user = self.center.users.get(user_id)
            if user is not None and user.has_role(ADMIN):
                self._admins[user_id] = None
            else:
                self._admins.pop(user_id, None)

    def deliver(self, user: Hashable, name: str, data: Any) -> int:
        """Deliver to the user's sessions as the Bayeux server does, and keep the notification for the feed."""
        self._pending.append({"user": user, "channel": name, "data": data})
        return self.server.deliver(user, name, data)

    def __call__(self, event: Event) -> None:
        change = event.change
        if isinstance(change, WorldReset):
            self._admins = self._admins_now()
        elif isinstance(change, CenterChanged) and change.what in ROLE_CHANGES:
            if change.user_ids:
                self._recheck(change.user_ids)
            else:  # a change of users that names none: look at them all rather than miss a role
                self._admins = self._admins_now()
        pending, self._pending = self._pending, []
        for notification in pending:
            data = {"seq": event.seq, "time": event.time, "kind": event.kind, **notification}
            for admin in self._admins:
                self.server.deliver(admin, CONSOLE, data)
