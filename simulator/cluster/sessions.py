"""CometD sessions that outlive their process: a client whose process died resumes on any other.

What a session is (its user, browser, acknowledgement, and each subscription with the stream entry it
began after) is written to Redis before the handshake or subscription is answered. What it was sent
needs no copy: every notification is an entry of the Redis Stream, numbered in stream order. A session
with the acknowledge extension numbers each batch by the highest entry it carries (times `SPREAD`, plus
a count for batches that carry no newer entry), so the number its client acknowledges says, to any
process, which entries it has received: all of its entries up to that one, since a session sends its
entries in stream order and resends a lost batch before anything newer.

When a client names a session this process does not hold, the process reads the session from Redis,
replays from the stream every entry for its user and subscriptions after the acknowledged one (up to where
its own reader is), and serves it from there on: with the acknowledge extension nothing is lost and
nothing comes twice. A session without it resumes from now (what was in flight may be lost), and so do
messages that are not entries (an `/service/echo` answer in flight when the process died).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Hashable
from typing import Any

import orjson
import redis.asyncio as redis

import bayeux
from bayeux import channel
from bayeux.session import Queued, encode

from .stream import DELIVER, END, StreamReader, decode, newer, stop_task

log = logging.getLogger("gwsim.cluster")

SPREAD = 8  # batch numbers per stream entry: room for batches that carry no newer entry
TTL = 180  # seconds a session's record outlives the last process that served it
REFRESH = 60.0  # seconds between renewals of the records of the sessions this process serves
ENDED = ("client disconnected", "queue full", "the user's credentials changed")  # not resumable anywhere


class ClusterSession(bayeux.ServerSession):
    """A session whose batch numbers name the last stream entry its client has been sent."""

    def __init__(self, *args: Any, numbered: Callable[[], int]) -> None:
        super().__init__(*args)
        self._numbered = numbered  # the number of the entry being delivered now
        self._numbers: dict[int, int] = {}  # id(encoded message) -> its entry's number, while pending

    def enqueue(self, queued: Queued) -> None:
        self.enqueue_numbered(queued, self._numbered())

    def enqueue_numbered(self, queued: Queued, number: int) -> None:
        super().enqueue(queued)
        self._numbers[id(queued[0])] = number

    def next_batch(self, last: int, messages: list[Queued]) -> int:
        if not messages:  # nothing new: the client acknowledges what it acknowledged
            return last
        top = max(self._numbers.get(id(fragment), 0) for fragment, _ in messages)
        return max(top * SPREAD, min(last + 1, top * SPREAD + SPREAD - 1))

    def delivered(self, messages: list[Queued]) -> None:
        super().delivered(messages)
        for fragment, _ in messages:
            self._numbers.pop(id(fragment), None)

    def discard(self) -> None:
        super().discard()
        self._numbers = {}


class RedisSessionStore(bayeux.SessionStore):
    """Sessions as Redis hashes (`gwsim:session:ID`), resumed from the stream on any process."""

    def __init__(self, client: redis.Redis, prefix: str, reader: StreamReader) -> None:
        self.client = client
        self.prefix = f"{prefix}session:"
        self.reader = reader
        self._live: set[str] = set()
        self._subscribed: dict[str, dict[str, int]] = {}  # session -> subscription -> entry it began after
        self._tasks: set[asyncio.Task[Any]] = set()
        self._refresher: asyncio.Task[None] | None = None

    def create(
        self, user: Hashable, browser_id: str | None, max_queue: int, max_queue_bytes: int
    ) -> bayeux.ServerSession:
        return ClusterSession(user, browser_id, max_queue, max_queue_bytes, numbered=lambda: self.reader.number)

    def _acknowledging(self) -> bayeux.AcknowledgeExtension | None:
        return self.reader.server.extension(bayeux.AcknowledgeExtension)

    async def saved(self, session: bayeux.ServerSession) -> None:
        known = self._subscribed.setdefault(session.id, {})
        since = {name: known.get(name, self.reader.number) for name in session.subscriptions}
        self._subscribed[session.id] = since
        self._live.add(session.id)
        acks = self._acknowledging()
        record: dict[Any, Any] = {
            "user": orjson.dumps(session.user),
            "browser": session.browser_id or "",
            "ack": int(acks is not None and acks.enabled(session)),
            "subscriptions": orjson.dumps(since),
        }
        if not known:
            record["position"] = self.reader.position  # where a replay starts looking
        key = self.prefix + session.id
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=record)
            pipe.expire(key, TTL)
            await pipe.execute()

    def removed(self, session: bayeux.ServerSession, reason: str) -> None:
        self._live.discard(session.id)
        self._subscribed.pop(session.id, None)
        if reason in ENDED:
            self._background(self.client.delete(self.prefix + session.id))

    async def restore(self, client_id: str, message: dict[str, Any]) -> bayeux.ServerSession | None:
        if len(client_id) > 64:
            return None
        key = self.prefix + client_id
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hgetall(key)
            pipe.expire(key, TTL)  # served here from now on: it lives as long as it is served anywhere
            record: Any = (await pipe.execute())[0]
        if not record:
            return None
        since: dict[str, int] = orjson.loads(record[b"subscriptions"])
        ack = record[b"ack"] == b"1"
        ext = message.get("ext")
        acked = ext.get("ack") if isinstance(ext, dict) else None
        acked = acked if ack and isinstance(acked, int) and not isinstance(acked, bool) and acked > 0 else 0
        entries = await self._entries_since(record[b"position"].decode()) if ack else []
        # from here to the server adopting the session, nothing awaits: the reader cannot move in between
        user = orjson.loads(record[b"user"])
        browser = record[b"browser"].decode() or None
        options = self.reader.server.options
        session = self.create(user, browser, options.max_queue, options.max_queue_bytes)
        assert isinstance(session, ClusterSession)
        session.id = client_id
        session.subscriptions = set(since)
        acks = self._acknowledging()
        if ack and acks is not None:
            acks.enable(session, after=acked)
        for entry_id, number, entry in entries:
            if newer(entry_id, self.reader.position):
                break  # the reader delivers it, once the session is adopted
            if entry[0] == END and entry[1] == user:
                self._background(self.client.delete(self.prefix + client_id))
                return None
            if entry[0] != DELIVER or entry[1] != user or number <= acked // SPREAD:
                continue
            patterns = channel.matching_patterns(entry[2])
            if any(number > began for name, began in since.items() if name in patterns):
                session.enqueue_numbered(encode({"channel": entry[2], "data": entry[3]}), number)
        self._live.add(client_id)
        self._subscribed[client_id] = since
        log.info("session %s resumed here after batch %s, %s messages replayed", client_id[:8], acked, session.pending)
        return session

    async def _entries_since(self, position: str) -> list[tuple[str, int, list[Any]]]:
        """Every stream entry after `position` up to at least where this process's reader is."""
        found: list[tuple[str, int, list[Any]]] = []
        start = f"({position}" if position != "0-0" else "-"
        while True:
            page: Any = await self.client.xrange(self.reader.key, min=start, max="+", count=1000)
            for entry_id, fields in page:
                found.append((entry_id.decode(), int(fields[b"n"]), decode(fields[b"m"])))
            if found:
                start = f"({found[-1][0]}"
            if len(page) < 1000 and (not found or not newer(self.reader.position, found[-1][0])):
                return found

    def start(self) -> None:
        self._refresher = asyncio.create_task(self._refresh(), name="gwsim-session-refresh")

    async def stop(self) -> None:
        for task in (self._refresher, *self._tasks):
            await stop_task(task)

    async def _refresh(self) -> None:
        """Keep the records of the sessions served here alive: they expire only once nobody serves them."""
        while True:
            await asyncio.sleep(REFRESH)
            with contextlib.suppress(redis.RedisError, OSError):
                async with self.client.pipeline(transaction=False) as pipe:
                    for session_id in self._live:
                        pipe.expire(self.prefix + session_id, TTL)
                    await pipe.execute()

    def _background(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
