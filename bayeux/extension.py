"""Server extensions: hooks on what the server receives from clients and sends to them.

The model is the CometD server's `BayeuxServer.Extension`. Give instances to `BayeuxServer(extensions=...)`
or `server.add_extension(...)`; hooks run in registration order. The server calls a hook only on the
extensions that override it, so a hook nobody uses costs nothing per message.

Data messages are encoded once per publish and shared by every session they go to, so there is no hook
that rewrites a data message per recipient; `incoming` sees (and may change or refuse) what clients
publish, and `sending` sees which messages leave in each `/meta/connect` reply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .session import Message, Queued, ServerSession


class Extension:
    """Override the hooks you need; the defaults let everything through unchanged."""

    def incoming(self, session: ServerSession | None, message: Message) -> bool:
        """A client's message, after its fields are checked and before the server acts on it.

        `session` is the session it names (None when there is none), for a handshake the session about
        to be created. Return False to refuse the message: it is answered `403::extension_denied` and
        changes nothing else.
        """
        return True

    def outgoing(self, session: ServerSession, reply: Message) -> None:
        """A reply to `session` (a meta reply, or the reply to a publish), just before it is written.

        A `/meta/connect` reply comes here after `sending`, when the messages it carries are known. Its
        `advice` object is shared by every connect reply: replace it rather than change it.
        """

    def sending(self, session: ServerSession, reply: Message, messages: list[Queued]) -> bool:
        """`messages` leave for `session` with the `/meta/connect` reply `reply` (maybe none of them).

        Return True to keep them pending (still counted against the session's bounds) until the
        extension itself calls `session.delivered` or `session.requeue`: how acknowledgements work.
        """
        return False

    def unsent(self, session: ServerSession, reply: Message, messages: list[Queued]) -> None:
        """The connect reply that `sending` saw could not be written; its messages go back to the queue."""

    def removed(self, session: ServerSession) -> None:
        """The session has ended (for whatever reason): forget what the extension keeps for it."""


HOOKS = ("incoming", "outgoing", "sending", "unsent", "removed")


def overrides(extension: Extension, hook: str) -> bool:
    """Whether `extension` does something of its own at `hook`."""
    return getattr(type(extension), hook) is not getattr(Extension, hook)
