"""The acknowledge extension: numbered `/meta/connect` replies, and what a client did not acknowledge sent again.

A client turns it on in its handshake (`ext: {ack: true}`, or the newer `{ack: {enabled: true}}`); the
server agrees in its reply. From then on every connect reply carries a batch number (`ext.ack`), and each
connect the client sends echoes the last one it received. Messages stay pending until the batch that
carried them is acknowledged; whatever was sent in a later batch was lost with the connection and goes
out again, first and in order, with the next reply. No message is lost, none arrives twice.

Such a session gets its messages only with connect replies (`connect_delivery_only`): a message pushed on
its own on a websocket would be in no batch, and the client could not say whether it had it.
"""

from __future__ import annotations

from .extension import Extension
from .session import Message, Queued, ServerSession


class _Batches:
    """What one session has been sent and not yet acknowledged, batch by batch."""

    __slots__ = ("number", "unacked")

    def __init__(self) -> None:
        self.number = 0  # the last batch number given to a connect reply
        self.unacked: list[tuple[int, list[Queued]]] = []


class AcknowledgeExtension(Extension):
    """Registered by default on every `BayeuxServer`; the sessions that asked for it are numbered."""

    def __init__(self) -> None:
        self._sessions: dict[ServerSession, _Batches] = {}

    def enabled(self, session: ServerSession) -> bool:
        """Whether `session` asked for acknowledgements in its handshake (and got them)."""
        return session in self._sessions

    def enable(self, session: ServerSession, after: int = 0) -> None:
        """Number `session`'s batches from `after` on: a handshake that asked for it, or a session that
        continues here what another server began (its client acknowledged batch `after` there)."""
        batches = _Batches()
        batches.number = after
        self._sessions[session] = batches
        session.connect_delivery_only = True

    def incoming(self, session: ServerSession | None, message: Message) -> bool:
        if session is None:
            return True
        name = message.get("channel")
        ext = message.get("ext")
        if name == "/meta/handshake":
            wanted = isinstance(ext, dict) and (
                ext.get("ack") is True or (isinstance(ext.get("ack"), dict) and ext["ack"].get("enabled") is True)
            )
            if wanted:
                self.enable(session)
        elif name == "/meta/connect":
            batches = self._sessions.get(session)
            acked = ext.get("ack") if isinstance(ext, dict) else None
            if batches is not None and isinstance(acked, int) and not isinstance(acked, bool):
                _acknowledge(session, batches, acked)
        return True

    def outgoing(self, session: ServerSession, reply: Message) -> None:
        if reply.get("channel") == "/meta/handshake" and reply.get("successful") and session in self._sessions:
            reply["ext"] = {"ack": True}

    def sending(self, session: ServerSession, reply: Message, messages: list[Queued]) -> bool:
        batches = self._sessions.get(session)
        if batches is None:
            return False
        batches.number = session.next_batch(batches.number, messages)
        if messages:
            batches.unacked.append((batches.number, messages))
        reply.setdefault("ext", {})["ack"] = batches.number
        return True

    def unsent(self, session: ServerSession, reply: Message, messages: list[Queued]) -> None:
        batches = self._sessions.get(session)
        if batches is not None and messages:  # an empty batch may repeat an earlier number: nothing to drop
            number = reply.get("ext", {}).get("ack")
            batches.unacked = [(n, kept) for n, kept in batches.unacked if n != number]

    def removed(self, session: ServerSession) -> None:
        self._sessions.pop(session, None)


def _acknowledge(session: ServerSession, batches: _Batches, acked: int) -> None:
    """Drop the batches the client has received; what is left was lost and goes out again first."""
    resend: list[Queued] = []
    for number, messages in batches.unacked:
        if number <= acked:
            session.delivered(messages)
        else:
            resend.extend(messages)
    batches.unacked = []
    session.requeue(resend)
