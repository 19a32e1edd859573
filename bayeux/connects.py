"""A `/meta/connect` from the moment it is answered held to the moment its reply leaves: the part of
`BayeuxServer` (its base) that the transports drive.

A connect comes back as a `HeldConnect`; the transport waits on it (`wait`: the session's own future and
a place among the shared deadlines, no task or timer of its own), then asks for what to write (`finish`:
the queued messages and the reply, through the extensions' `sending` hooks) and says when it could not
write it (`undelivered`: the messages go back to the session). Long polls held per browser are counted
here for `max_sessions_per_browser`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .held import Deadlines, HeldConnect
from .options import Options
from .replies import reply_to, unknown_session
from .session import Message, ServerSession

if TYPE_CHECKING:
    from .context import Context
    from .extension import Extension

HTTP_TRANSPORTS = ("long-polling", "callback-polling")
_NUMBER = (int, float)  # a tuple, not `int | float`, which would be made anew at each connect


class ConnectHolding:
    """Held connects: how they are made, waited on, finished and given back."""

    options: Options
    sessions: dict[str, ServerSession]
    deadlines: Deadlines
    _hooks: dict[str, list[Extension]]
    _held_per_browser: dict[str, int]
    _connect_advice: dict[str, Any]

    if TYPE_CHECKING:  # the rest of the server (see server.BayeuxServer)

        def _touch(self, session: ServerSession) -> None: ...
        def _outgoing(self, session: ServerSession | None, reply: Message) -> Message: ...

    def _connect(self, session: ServerSession, message: Message, context: Context) -> HeldConnect:
        reply = reply_to(message)
        reply["clientId"] = session.id
        reply["successful"] = True
        reply["advice"] = self._connect_advice
        session.transport = context.transport
        if context.transport in HTTP_TRANSPORTS:
            session.on_queued = None  # no longer pushed to by a websocket: its held connect is woken instead
        self._touch(session)
        timeout = self.options.timeout / 1000
        advice = message.get("advice")
        if isinstance(advice, dict) and isinstance(advice.get("timeout"), _NUMBER):
            timeout = min(timeout, max(0.0, advice["timeout"] / 1000))
        if not session.connected:
            session.connected = True
            timeout = 0.0
        if (
            timeout > 0
            and context.transport in HTTP_TRANSPORTS
            and context.browser_id is not None
            and not session.held
            and self._held_per_browser.get(context.browser_id, 0) >= self.options.max_sessions_per_browser
        ):
            reply["advice"] = {
                "reconnect": "retry",
                "interval": self.options.multi_session_interval,
                "timeout": self.options.timeout,
                "multiple-clients": True,
            }
            timeout = 0.0
        return HeldConnect(session, reply, timeout, session.hold())

    def holding(self, context: Context) -> str | None:
        """A long poll of this browser is being held: what `max_sessions_per_browser` counts. Returns the
        browser to give `held_over` when it is no longer held."""
        browser = context.browser_id if context.transport in HTTP_TRANSPORTS else None
        if browser is not None:
            self._held_per_browser[browser] = self._held_per_browser.get(browser, 0) + 1
        return browser

    def held_over(self, held: HeldConnect, browser: str | None) -> None:
        """A held connect is due (or gone): it no longer counts, and its session is renewed, so that the
        sweeper does not take it before its reply is written."""
        if browser is not None:
            left = self._held_per_browser[browser] - 1
            if left:
                self._held_per_browser[browser] = left
            else:
                del self._held_per_browser[browser]
        self._touch(held.session)

    async def wait(self, held: HeldConnect, context: Context) -> None:
        """Wait for a held connect to be due: messages are queued, its timeout passed, or it was superseded."""
        browser = self.holding(context)
        waiter = held.waiter
        try:
            if held.timeout > 0 and not waiter.done():
                # The session's own future and a place among the deadlines: no future, task or timer more.
                self.deadlines.start(held)
                await waiter
        except asyncio.CancelledError:
            held.session.release(waiter)
            raise
        finally:
            self.deadlines.stop(held)
            self.held_over(held, browser)

    def finish(self, held: HeldConnect) -> list[Any]:
        """Complete a held connect: what to encode, its reply last, after the messages it carries.

        Transports call it just before they write, so that a client that does not read keeps its messages
        in its session, where the bounds count them, rather than in a transport's buffers.
        """
        session = held.session
        current = session.is_current(held.waiter)
        session.release(held.waiter)
        if session.id not in self.sessions:
            if session.left:
                # The client said goodbye: as the reference server does, its held connect succeeds and tells
                # it not to come back. `session_unknown` would send the CometD client to handshake again if
                # this reply reached it before the /meta/disconnect reply.
                held.reply["advice"] = {**held.reply.get("advice", {}), "reconnect": "none"}
            else:
                held.reply.update(unknown_session(held.reply))
            return [held.reply]
        self._touch(session)
        if not current:
            # Superseded by a newer connect of the same session: that one carries the messages.
            return [self._outgoing(session, held.reply)]
        taken = held.taken = session.take(self.options.max_reply_bytes)
        kept = False
        for extension in self._hooks["sending"]:
            kept = extension.sending(session, held.reply, taken) or kept
        held.kept = kept
        if not kept:
            session.delivered(taken)
        encoded: list[Any] = [fragment for fragment, _ in taken]
        encoded.append(self._outgoing(session, held.reply))
        return encoded

    def undelivered(self, held: HeldConnect) -> None:
        """A transport could not write a connect reply: keep its messages for the next connect."""
        taken, held.taken = held.taken, None
        session = held.session
        if taken is None or session.id not in self.sessions:
            return
        if held.kept:
            for extension in self._hooks["unsent"]:
                extension.unsent(session, held.reply, taken)
        session.requeue(taken, recount=not held.kept)
