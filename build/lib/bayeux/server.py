"""The Bayeux protocol engine: meta channels, sessions, subscriptions and delivery.

Transports hand it decoded batches and get back the replies; a `/meta/connect` that must wait comes back
as a `HeldConnect` the transport awaits. Everything about the protocol lives here, so the long-polling,
callback-polling and websocket transports only move bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import channel
from .options import Options
from .policy import SecurityPolicy
from .session import Message, QueueFull, ServerSession

log = logging.getLogger("bayeux")

VERSION = "1.0"
TRANSPORTS = ("websocket", "long-polling", "callback-polling")
HTTP_TRANSPORTS = ("long-polling", "callback-polling")

PublishListener = Callable[[ServerSession, Message], Awaitable[None] | None]
RemovedListener = Callable[[ServerSession, str], None]


@dataclass
class Context:
    """Where a batch came from: the transport and the HTTP request (the websocket's upgrade request)."""

    transport: str
    request: web.Request
    browser_id: str | None = None


@dataclass
class HeldConnect:
    """A `/meta/connect` reply that waits for messages or the timeout."""

    session: ServerSession
    reply: Message
    timeout: float
    waiter: asyncio.Future[None] = field(repr=False)


@dataclass
class Outcome:
    replies: list[Message]
    held: HeldConnect | None = None


class BayeuxServer:
    """A Bayeux 1.0 server. Mount it with `bayeux.mount(app, path, server)`."""

    def __init__(self, options: Options | None = None, policy: SecurityPolicy | None = None) -> None:
        self.options = options or Options()
        self.policy = policy or SecurityPolicy()
        self.sessions: dict[str, ServerSession] = {}
        self._subscribers: dict[str, set[ServerSession]] = {}
        self._by_user: dict[Hashable, set[ServerSession]] = {}
        self._held_per_browser: dict[str, int] = {}
        self._listeners: list[tuple[str, PublishListener]] = []
        self._removed_listeners: list[RemovedListener] = []
        self._sweeper: asyncio.Task[None] | None = None

    # ----- server-side API -------------------------------------------------------------------------

    def publish(self, name: str, data: Any) -> int:
        """Send `data` on `name` to every subscribed session; returns how many sessions got it."""
        message = {"channel": name, "data": data}
        reached = 0
        for pattern in channel.matching_patterns(name):
            for session in tuple(self._subscribers.get(pattern, ())):
                reached += self._enqueue(session, message)
        return reached

    def deliver(self, user: Hashable, name: str, data: Any) -> int:
        """Send `data` on `name` only to the sessions of `user` that subscribed to it."""
        patterns = channel.matching_patterns(name)
        message = {"channel": name, "data": data}
        reached = 0
        for session in tuple(self._by_user.get(user, ())):
            if not session.subscriptions.isdisjoint(patterns):
                reached += self._enqueue(session, message)
        return reached

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
        users = self._by_user.get(session.user)
        if users is not None:
            users.discard(session)
            if not users:
                del self._by_user[session.user]
        session.wake()
        for listener in self._removed_listeners:
            listener(session, reason)

    async def start(self) -> None:
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

    # ----- protocol --------------------------------------------------------------------------------

    async def process(self, batch: list[Any], context: Context) -> Outcome:
        """Answer one batch. Non-connect replies are immediate; a connect may come back held."""
        outcome = Outcome(replies=[])
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
                outcome.replies.append(_failure({}, "400::message_invalid"))
                continue
            name = message.get("channel")
            if not isinstance(name, str) or not name:
                outcome.replies.append(_failure(message, "400::channel_missing"))
                continue
            if name == "/meta/handshake":
                outcome.replies.append(await self._handshake(message, context))
            elif name == "/meta/connect":
                reply, held = self._connect(message, context)
                if held is not None:
                    if outcome.held is not None:
                        outcome.replies.append(outcome.held.reply)
                    outcome.held = held
                else:
                    outcome.replies.extend(reply)
            elif name == "/meta/subscribe":
                outcome.replies.append(await self._subscribe(message))
            elif name == "/meta/unsubscribe":
                outcome.replies.append(self._unsubscribe(message))
            elif name == "/meta/disconnect":
                outcome.replies.append(self._disconnect(message))
            elif channel.is_meta(name):
                outcome.replies.append(_failure(message, "400::channel_unknown"))
            else:
                outcome.replies.append(await self._publish(message))

    async def wait(self, held: HeldConnect, context: Context) -> tuple[list[Message], int | None]:
        """Wait for a held connect to be due; returns the messages to send with its reply."""
        browser = context.browser_id if context.transport in HTTP_TRANSPORTS else None
        if browser is not None:
            self._held_per_browser[browser] = self._held_per_browser.get(browser, 0) + 1
        try:
            if held.timeout > 0 and not held.waiter.done():
                await _until_due(held.waiter, held.timeout)
        except asyncio.CancelledError:
            held.session.release(held.waiter)
            raise
        finally:
            if browser is not None:
                left = self._held_per_browser[browser] - 1
                if left:
                    self._held_per_browser[browser] = left
                else:
                    del self._held_per_browser[browser]
        return self.finish(held)

    def finish(self, held: HeldConnect) -> tuple[list[Message], int | None]:
        """Complete a held connect: its reply last, after the messages it carries."""
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
                held.reply.update(_unknown_session(held.reply))
            return [held.reply], None
        self._touch(session)
        if not current:
            # Superseded by a newer connect of the same session: that one carries the messages.
            return [held.reply], None
        messages, batch = session.take()
        if batch is not None:
            held.reply.setdefault("ext", {})["ack"] = batch
        return [*messages, held.reply], batch

    def undelivered(self, held: HeldConnect, messages: list[Message], batch: int | None) -> None:
        """A transport could not write a connect reply: keep its messages for the next connect."""
        payload = [m for m in messages if m is not held.reply]
        if held.session.id in self.sessions and payload:
            held.session.give_back(payload, batch)

    async def _handshake(self, message: Message, context: Context) -> Message:
        reply = _reply(message)
        reply.update(version=VERSION, minimumVersion=VERSION, supportedConnectionTypes=list(TRANSPORTS))
        offered = message.get("supportedConnectionTypes")
        if isinstance(offered, list) and offered and not set(offered) & set(TRANSPORTS):
            reply.update(successful=False, error=f"400:{','.join(map(str, offered))}:connection_type_unsupported")
            reply["advice"] = {"reconnect": "none"}
            return reply
        user = await self.policy.authenticate(context.request, message)
        if user is None:
            reply.update(successful=False, error="403::handshake_denied", advice={"reconnect": "none"})
            return reply
        ext = message.get("ext")
        ack = isinstance(ext, dict) and (
            ext.get("ack") is True or (isinstance(ext.get("ack"), dict) and ext["ack"].get("enabled") is True)
        )
        session = ServerSession(user, context.browser_id, ack, self.options.max_queue)
        session.transport = context.transport
        session.expires_at = time.monotonic() + (self.options.interval + self.options.max_interval) / 1000
        self.sessions[session.id] = session
        self._by_user.setdefault(user, set()).add(session)
        reply.update(clientId=session.id, successful=True, advice=self._advice())
        if ack:
            reply["ext"] = {"ack": True}
        return reply

    def _connect(self, message: Message, context: Context) -> tuple[list[Message], HeldConnect | None]:
        session = self._session_of(message)
        reply = _reply(message)
        if session is None:
            reply.update(_unknown_session(message))
            return [reply], None
        reply.update(clientId=session.id, successful=True, advice=self._advice())
        session.transport = context.transport
        if session.ack_enabled:
            ext = message.get("ext")
            acked = ext.get("ack") if isinstance(ext, dict) else None
            if isinstance(acked, int) and not isinstance(acked, bool):
                session.acknowledge(acked)
        timeout = self.options.timeout / 1000
        advice = message.get("advice")
        if isinstance(advice, dict) and isinstance(advice.get("timeout"), int | float):
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
        held = HeldConnect(session, reply, timeout, session.hold())
        return [], held

    async def _subscribe(self, message: Message) -> Message:
        reply, session, names = self._subscription_request(message)
        if session is None:
            return reply
        for name in names:
            if channel.is_meta(name):
                return _fail(reply, "403::subscription_invalid")
        for name in names:
            if not await self.policy.can_subscribe(session, name, message):
                return _fail(reply, "403::subscribe_denied")
        if session.id not in self.sessions:  # gone while the policy was asked
            reply.update(_unknown_session(message))
            return reply
        for name in names:
            session.subscriptions.add(name)
            self._subscribers.setdefault(name, set()).add(session)
        reply["successful"] = True
        return reply

    def _unsubscribe(self, message: Message) -> Message:
        reply, session, names = self._subscription_request(message)
        if session is None:
            return reply
        for name in names:
            session.subscriptions.discard(name)
            self._drop_subscriber(name, session)
        reply["successful"] = True
        return reply

    def _subscription_request(self, message: Message) -> tuple[Message, ServerSession | None, list[str]]:
        """The reply, session and channel names of a (un)subscribe; no session when the reply is a refusal."""
        reply = _reply(message)
        session = self._session_of(message)
        if session is None:
            reply.update(_unknown_session(message))
            return reply, None, []
        reply["clientId"] = session.id
        subscription = message.get("subscription")
        reply["subscription"] = subscription
        names = subscription if isinstance(subscription, list) else [subscription]
        if subscription is None or subscription == [] or subscription == "":
            return _fail(reply, "403::subscription_missing"), None, []
        if not all(channel.is_valid(name) for name in names):
            return _fail(reply, "405::channel_invalid"), None, []
        return reply, session, names

    def _drop_subscriber(self, name: str, session: ServerSession) -> None:
        subscribers = self._subscribers.get(name)
        if subscribers is not None:
            subscribers.discard(session)
            if not subscribers:
                del self._subscribers[name]

    def _disconnect(self, message: Message) -> Message:
        reply = _reply(message)
        session = self._session_of(message)
        if session is None:
            reply.update(_unknown_session(message))
            return reply
        session.left = True
        self.disconnect(session, "client disconnected")
        reply.update(clientId=session.id, successful=True)
        return reply

    async def _publish(self, message: Message) -> Message:
        name = message["channel"]
        reply = _reply(message)
        session = self._session_of(message)
        if session is None:
            reply.update(_unknown_session(message))
            return reply
        if not channel.is_valid(name) or channel.is_wildcard(name):
            return _fail(reply, "405::channel_invalid")
        if "data" not in message:
            return _fail(reply, "400::data_missing")
        if not await self.policy.can_publish(session, name, message):
            return _fail(reply, "403::publish_denied")
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

    def _session_of(self, message: Message) -> ServerSession | None:
        client_id = message.get("clientId")
        return self.sessions.get(client_id) if isinstance(client_id, str) else None

    def _enqueue(self, session: ServerSession, message: Message) -> int:
        try:
            session.enqueue(message)
        except QueueFull as full:
            log.warning("%s: disconnecting the session", full)
            self.disconnect(session, "queue full")
            return 0
        return 1

    def _touch(self, session: ServerSession) -> None:
        session.expires_at = time.monotonic() + (self.options.interval + self.options.max_interval) / 1000

    def _advice(self) -> dict[str, Any]:
        return {"reconnect": "retry", "interval": self.options.interval, "timeout": self.options.timeout}

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self.options.sweep_period / 1000)
            now = time.monotonic()
            for session in list(self.sessions.values()):
                if not session.held and now > session.expires_at:
                    self.disconnect(session, "expired")


async def _until_due(waiter: asyncio.Future[None], seconds: float) -> None:
    """Until `waiter` is done or `seconds` have passed, leaving `waiter` itself untouched.

    What `wait_for(shield(waiter), timeout)` does, with one future, one timer and one callback instead of
    the three futures, two tasks' worth of callbacks and the extra coroutine of that pair: every held
    connect goes through here, and under fan-out that overhead was a tenth of the server's time.
    """
    loop = asyncio.get_running_loop()
    due: asyncio.Future[None] = loop.create_future()

    def wake(_: object = None) -> None:
        if not due.done():
            due.set_result(None)

    waiter.add_done_callback(wake)
    timer = loop.call_later(seconds, wake)
    try:
        await due
    finally:
        timer.cancel()
        waiter.remove_done_callback(wake)


def error_string(code: int, detail: str, name: str | None = None) -> str:
    """An error in the `code:args:message` form; `detail` becomes the args, with its colons made safe."""
    if name is None:
        name = {400: "message_invalid", 413: "message_too_large"}[code]
    return f"{code}:{detail.replace(':', ';')}:{name}"


def _reply(message: Message) -> Message:
    reply: Message = {"channel": message.get("channel")}
    if "id" in message:
        reply["id"] = message["id"]
    return reply


def _fail(reply: Message, error: str) -> Message:
    reply.update(successful=False, error=error)
    return reply


def _failure(message: Message, error: str) -> Message:
    return _fail(_reply(message), error)


def _unknown_session(message: Message) -> Message:
    return {
        "successful": False,
        "error": "402::session_unknown",
        "advice": {"reconnect": "handshake", "interval": 0},
    }
