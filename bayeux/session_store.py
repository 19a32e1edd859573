"""Where a server's sessions live beyond its own memory: the hooks a cluster of servers shares them through.

The server keeps every session it serves in memory whatever the store; the store is told when a session
begins, changes its subscriptions and ends, and is asked about a clientId the server does not know,
which may be a session another server began (its client came here after that server died). The default
store keeps nothing anywhere else and knows no other session, which is a single server's behaviour.

A store may also make the sessions (`create`), so that a session of its own kind numbers its batches in
a way every server of the cluster understands.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from .session import ServerSession


class SessionStore:
    """One server's sessions, in its memory only. Subclass it to share them."""

    def create(self, user: Hashable, browser_id: str | None, max_queue: int, max_queue_bytes: int) -> ServerSession:
        """A new session of a handshake, before the extensions see it."""
        return ServerSession(user, browser_id, max_queue, max_queue_bytes)

    async def saved(self, session: ServerSession) -> None:
        """The session began or its subscriptions changed; the reply saying so waits for this."""

    def removed(self, session: ServerSession, reason: str) -> None:
        """The session ended here (`reason` as the server's `on_removed` listeners get it)."""

    async def restore(self, client_id: str, message: dict[str, Any]) -> ServerSession | None:
        """The session `client_id` names if another server began it, ready to be served here from
        `message` (the connect or other message that named it) on; None when there is none."""
        return None
