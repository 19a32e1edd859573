"""The Bayeux protocol engine: meta channels, sessions, subscriptions and delivery.

Transports hand it decoded batches and get back the replies; a `/meta/connect` that must wait comes back
as a `HeldConnect` the transport awaits (`connects`). Everything about the protocol lives here, so the long-polling,
callback-polling and websocket transports only move bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from . import channel, message_check
from .ack import AcknowledgeExtension
from .connects import ConnectHolding
from .context import UNRESOLVED, Context
from .extension import HOOKS, Extension, overrides
from .held import Deadlines, HeldConnect
from .options import Options
from .policy import SecurityPolicy
from .replies import error_string, fail, failure, reply_to, unknown_session
from .session import Message, Queued, QueueFull, ServerSession, encode
from .session_store import SessionStore

log = logging.getLogger("bayeux")

VERSION = "1.0"
TRANSPORTS = ("websocket", "long-polling", "callback-polling")

PublishListener = Callable[[ServerSession, Message], Awaitable[None] | None]
RemovedListener = Callable[[ServerSession, str], None]
_SESSION_META = frozenset(("/meta/connect", "/meta/subscribe", "/meta/unsubscribe", "/meta/disconnect"))
E = TypeVar("E", bound=Extension)


@dataclass(slots=True)
class Outcome:
    replies: list[Message]
    held: HeldConnect | None = None


class BayeuxServer(ConnectHolding):
    """A Bayeux 1.0 server. Mount it with `bayeux.mount(app, path, server)`."""

    def __init__(
        self,
        options: Options | None = None,
        policy: SecurityPolicy | None = None,
        extensions: Iterable[Extension] | None = None,
        store: SessionStore | None = None,
    ) -> None:
        """`extensions` default to the acknowledge extension alone; pass `()` for none. `store` is where
        sessions live beyond this server's memory (default: nowhere else)."""
        self.options = options or Options()
        self.policy = policy or SecurityPolicy()
        self.store = store or SessionStore()
        self.extensions: list[Extension] = []
        self._hooks: dict[str, list[Extension]] = {hook: [] for hook in HOOKS}
        for extension in (AcknowledgeExtension(),) if extensions is None else extensions:
            self.add_extension(extension)
        self.sessions: dict[str, ServerSession] = {}
        self._subscribers: dict[str, set[ServerSession]] = {}
        self._by_user: dict[Hashable, set[ServerSession]] = {}
        self._held_per_browser: dict[str, int] = {}
        self._listeners: list[tuple[str, PublishListener]] = []
        self._removed_listeners: list[RemovedListener] = []
        self._sweeper: asyncio.Task[None] | None = None
        self.deadlines = Deadlines()  # the timeouts of held connects, on every transport
        # The context the application's connections begin in (its startup's, once started): a transport
        # that gives a connection back to aiohttp starts the connection's work in a copy of it.
        self.connection_context = contextvars.Context()
        # Open connections the server's transports own outright (websockets), closed when it stops.
        self.connections: set[Any] = set()
        # One advice object for every connect reply (the options do not change): held connects are many.
        self._connect_advice = self._advice()
        self._lifetime = (self.options.interval + self.options.max_interval) / 1000  # of a session, after a connect

    # ----- server-side API -------------------------------------------------------------------------

    def publish(self, name: str, data: Any) -> int:
        """Send `data` on `name` to every subscribed session, once however many of its subscriptions match
        (the channel and wildcards over it); returns how many sessions got it."""
        queued: Queued | None = None
        reached = 0
        first: tuple[ServerSession, ...] | None = None  # the sessions of the first pattern subscribed to
        served: set[ServerSession] | None = None  # made only when a second pattern has subscribers too
        for pattern in channel.matching_patterns(name):
            subscribers = self._subscribers.get(pattern)
            if not subscribers:
                continue
            queued = queued or encode({"channel": name, "data": data})
            if first is None:
                targets = first = tuple(subscribers)
            else:
                served = set(first) if served is None else served
                targets = tuple(session for session in subscribers if session not in served)
                served.update(targets)
            for session in targets:
                reached += self._enqueue(session, queued)
        return reached

    def deliver(self, user: Hashable, name: str, data: Any) -> int:
        """Send `data` on `name` only to the sessions of `user` that subscribed to it."""
        patterns = channel.matching_patterns(name)
        queued: Queued | None = None
        reached = 0
        for session in tuple(self._by_user.get(user, ())):
            if not session.subscriptions.isdisjoint(patterns):
                queued = queued or encode({"channel": name, "data": data})
                reached += self._enqueue(session, queued)
        return reached

    def deliver_to(self, session: ServerSession, name: str, data: Any) -> bool:
        """Send `data` on `name` to one session, subscribed or not (an answer on a service channel)."""
        return session.id in self.sessions and bool(self._enqueue(session, encode({"channel": name, "data": data})))

    def add_extension(self, extension: Extension) -> None:
        """Run `extension`'s hooks on every message from now on, after those of earlier extensions."""
        self.extensions.append(extension)
        for hook, extensions in self._hooks.items():
            if overrides(extension, hook):
                extensions.append(extension)

    def extension(self, kind: type[E]) -> E | None:
        """The registered extension of class `kind`, if any."""
        return next((e for e in self.extensions if isinstance(e, kind)), None)

    def sessions_of(self, user: Hashable) -> frozenset[ServerSession]:
        return frozenset(self._by_user.get(user, ()))

    def on_publish(self, pattern: str, listener: PublishListener) -> None:
        """Call `listener(session, message)` for each message a client publishes on a matching channel."""
        if not channel.is_valid(pattern):
            raise ValueError(f"{pattern!r} is not a valid channel name or pattern")
        self._listeners.append((pattern, listener))

    def on_removed(self, listener: RemovedListener) -> None:
        """Call `listener(session, reason)` when a session ends: disconnect, expiry, full queue, shutdown."""
        self._removed_listeners.append(listener)

    def disconnect(self, session: ServerSession, reason: str = "disconnected") -> None:
        """End a session from the server side; its held connect is answered at once."""
        if self.sessions.pop(session.id, None) is None:
            return
        log.debug("session %s removed: %s", session.id, reason)
        for pattern in session.subscriptions:
            self._drop_subscriber(pattern, session)
        session.subscriptions.clear()
        session.discard()
        users = self._by_user.get(session.user)
        if users is not None:
            users.discard(session)
            if not users:
                del self._by_user[session.user]
        session.wake()
        for extension in self._hooks["removed"]:
            extension.removed(session)
        self.store.removed(session, reason)
        for listener in self._removed_listeners:
            listener(session, reason)

    async def start(self) -> None:
        self.connection_context = contextvars.copy_context()
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep(), name="bayeux-sweeper")

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        for session in list(self.sessions.values()):
            self.disconnect(session, "server stopped")
        for connection in list(self.connections):
            connection.close(1001, "server stopped")

    # ----- protocol --------------------------------------------------------------------------------

    async def process(self, batch: list[Any], context: Context) -> Outcome:
        """Answer one batch. Non-connect replies are immediate; a connect may come back held."""
        outcome = Outcome(replies=[])
        context.owner = UNRESOLVED  # credentials can change between a websocket's frames: ask again
        try:
            await self._process(batch, context, outcome)
        except BaseException:
            # Cancelled (its client went away) while a later message awaited the policy: nobody will wait on
            # the batch's held connect, and a session left looking held would never expire.
            if outcome.held is not None:
                outcome.held.session.release(outcome.held.waiter)
            raise
        return outcome

    async def _process(self, batch: list[Any], context: Context, outcome: Outcome) -> None:
        for message in batch:
            if not isinstance(message, dict):
                outcome.replies.append(failure({}, "400::message_invalid"))
                continue
            name = message.get("channel")
            if not isinstance(name, str) or not name:
                outcome.replies.append(failure(message, "400::channel_missing"))
                continue
            wrong = message_check.problem(message, self.options.max_depth)
            if wrong is not None:
                outcome.replies.append(failure(message, error_string(400, wrong)))
                continue
            if name == "/meta/handshake":
                outcome.replies.append(await self._handshake(message, context))
                continue
            if name not in _SESSION_META and channel.is_meta(name):
                outcome.replies.append(failure(message, "400::channel_unknown"))
                continue
            session = await self._session_of(message, context)
            if not self._incoming(session, message):
                outcome.replies.append(self._outgoing(session, failure(message, "403::extension_denied")))
                continue
            if session is None:
                reply = reply_to(message)
                reply.update(unknown_session(message))
                outcome.replies.append(reply)
            elif name == "/meta/connect":
                held = self._connect(session, message, context)
                if outcome.held is not None:
                    outcome.replies.append(outcome.held.reply)
                outcome.held = held
            elif name == "/meta/subscribe":
                outcome.replies.append(self._outgoing(session, await self._subscribe(session, message)))
            elif name == "/meta/unsubscribe":
                outcome.replies.append(self._outgoing(session, await self._unsubscribe(session, message)))
            elif name == "/meta/disconnect":
                outcome.replies.append(self._outgoing(session, self._disconnect(session, message)))
            else:
                outcome.replies.append(self._outgoing(session, await self._publish(session, message)))

    async def _handshake(self, message: Message, context: Context) -> Message:
        reply = reply_to(message)
        reply.update(version=VERSION, minimumVersion=VERSION, supportedConnectionTypes=list(TRANSPORTS))
        offered = message.get("supportedConnectionTypes")
        if isinstance(offered, list) and offered and not set(offered) & set(TRANSPORTS):
            named = ",".join(offered)[:256].replace(":", ";")
            reply.update(successful=False, error=f"400:{named}:connection_type_unsupported")
            reply["advice"] = {"reconnect": "none"}
            return reply
        user = await self.policy.authenticate(context.request, message)
        if user is None:
            reply.update(successful=False, error="403::handshake_denied", advice={"reconnect": "none"})
            return reply
        session = self.store.create(user, context.browser_id, self.options.max_queue, self.options.max_queue_bytes)
        if not self._incoming(session, message):
            for extension in self._hooks["removed"]:
                extension.removed(session)
            return fail(reply, "403::extension_denied")
        session.transport = context.transport
        await self.store.saved(session)
        self._adopt(session)
        reply.update(clientId=session.id, successful=True, advice=self._advice())
        return self._outgoing(session, reply)

    async def _subscribe(self, session: ServerSession, message: Message) -> Message:
        reply, names = self._subscription_request(session, message)
        if reply.get("successful") is False:
            return reply
        for name in names:
            if channel.is_meta(name):
                return fail(reply, "403::subscription_invalid")
        if len(session.subscriptions | set(names)) > self.options.max_subscriptions:
            limit = self.options.max_subscriptions
            return fail(reply, f"403:more than {limit} subscriptions:subscribe_denied")
        for name in names:
            if not await self.policy.can_subscribe(session, name, message):
                return fail(reply, "403::subscribe_denied")
        if session.id not in self.sessions:  # gone while the policy was asked
            reply.update(unknown_session(message))
            return reply
        for name in names:
            name = sys.intern(name)  # one string of a channel's name, however many sessions subscribe to it
            session.subscriptions.add(name)
            self._subscribers.setdefault(name, set()).add(session)
        await self.store.saved(session)
        reply["successful"] = True
        return reply

    async def _unsubscribe(self, session: ServerSession, message: Message) -> Message:
        reply, names = self._subscription_request(session, message)
        if reply.get("successful") is False:
            return reply
        for name in names:
            session.subscriptions.discard(name)
            self._drop_subscriber(name, session)
        await self.store.saved(session)
        reply["successful"] = True
        return reply

    def _subscription_request(self, session: ServerSession, message: Message) -> tuple[Message, list[str]]:
        """The reply and channel names of a (un)subscribe; the reply is already a failure when refused."""
        reply = reply_to(message)
        reply["clientId"] = session.id
        subscription = message.get("subscription")
        reply["subscription"] = subscription
        names = subscription if isinstance(subscription, list) else [subscription]
        if subscription is None or subscription == [] or subscription == "":
            return fail(reply, "403::subscription_missing"), []
        valid = [name for name in names if isinstance(name, str) and channel.is_valid(name)]
        if len(valid) != len(names):
            return fail(reply, "405::channel_invalid"), []
        return reply, valid

    def _drop_subscriber(self, name: str, session: ServerSession) -> None:
        subscribers = self._subscribers.get(name)
        if subscribers is not None:
            subscribers.discard(session)
            if not subscribers:
                del self._subscribers[name]

    def _disconnect(self, session: ServerSession, message: Message) -> Message:
        reply = reply_to(message)
        session.left = True
        self.disconnect(session, "client disconnected")
        reply.update(clientId=session.id, successful=True)
        return reply

    async def _publish(self, session: ServerSession, message: Message) -> Message:
        name = message["channel"]
        reply = reply_to(message)
        if not channel.is_valid(name) or channel.is_wildcard(name):
            return fail(reply, "405::channel_invalid")
        if "data" not in message:
            return fail(reply, "400::data_missing")
        if not await self.policy.can_publish(session, name, message):
            return fail(reply, "403::publish_denied")
        for pattern, listener in self._listeners:
            if channel.matches(pattern, name):
                result = listener(session, message)
                if asyncio.iscoroutine(result):
                    await result
        if not channel.is_service(name):
            self.publish(name, message["data"])
        reply["successful"] = True
        return reply

    # ----- internals -------------------------------------------------------------------------------

    def _incoming(self, session: ServerSession | None, message: Message) -> bool:
        for extension in self._hooks["incoming"]:  # noqa: SIM110 - no generator for every message
            if not extension.incoming(session, message):
                return False
        return True

    def _outgoing(self, session: ServerSession | None, reply: Message) -> Message:
        if session is not None:
            for extension in self._hooks["outgoing"]:
                extension.outgoing(session, reply)
        return reply

    async def _session_of(self, message: Message, context: Context) -> ServerSession | None:
        """The session a message names, if the request that carries it speaks for the session's owner.

        The clientId alone is not enough: the request must authenticate as the user who handshook (the
        policy's `identify`, asked once per batch), and a browser cookie it carries must be the one the
        session began with. Anything else is answered as an unknown session and changes nothing.
        """
        client_id = message.get("clientId")
        session = self.sessions.get(client_id) if isinstance(client_id, str) else None
        if session is None and isinstance(client_id, str):
            restored = await self.store.restore(client_id, message)  # another server's, whose client came here
            if restored is not None and restored.id not in self.sessions:
                self._adopt(restored)
            session = self.sessions.get(client_id)
        if session is None:
            return None
        if context.owner is UNRESOLVED:
            context.owner = await self.policy.identify(context.request)
        if context.owner is None or context.owner != session.user:
            log.info("session %s named by a request that does not speak for its user", session.id[:8])
            return None
        browser = context.browser_id  # the request's browser cookie (or the one its handshake is given)
        if session.browser_id is not None and browser is not None and browser != session.browser_id:
            log.info("session %s named by a request of another browser", session.id[:8])
            return None
        if session.id not in self.sessions:  # gone while the policy was asked
            return None
        if browser is not None and browser == session.browser_id:
            context.browser_id = session.browser_id  # the same cookie: the session's string, not a copy, is kept
        return session

    def _adopt(self, session: ServerSession) -> None:
        """Serve `session` from now on: begun here, or restored from the store."""
        self._touch(session)
        self.sessions[session.id] = session
        self._by_user.setdefault(session.user, set()).add(session)
        for name in session.subscriptions:
            self._subscribers.setdefault(name, set()).add(session)

    def _enqueue(self, session: ServerSession, queued: Queued) -> int:
        try:
            session.enqueue(queued)
        except QueueFull as full:
            log.warning("%s: disconnecting the session", full)
            self.disconnect(session, "queue full")
            return 0
        return 1

    def _touch(self, session: ServerSession) -> None:
        session.expires_at = time.monotonic() + self._lifetime

    def _advice(self) -> dict[str, Any]:
        return {"reconnect": "retry", "interval": self.options.interval, "timeout": self.options.timeout}

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self.options.sweep_period / 1000)
            now = time.monotonic()
            for session in list(self.sessions.values()):
                if not session.held and now > session.expires_at:
                    self.disconnect(session, "expired")
