"""A process of a Redis cluster, composed: its lease, its forwarding, the notification stream both ways.

Every process builds the whole simulator (a World over the same contact-center file) but only the
lease's holder uses its World: the others forward every operation to it and keep theirs untouched. When
the World's process dies, the process that takes the lease has no copy of the state that died with it
(calls, agent states, provisioning at run time): it says so plainly, in its log and in every process's
`/health` (`cluster.worldLost`), and starts its World afresh from the contact-center file, as a restarted
server would. A process that loses the lease without dying (paused past its time to live) drops its
World's state the same way, since its successor's is the World now.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Hashable
from typing import Any

import orjson
import redis.asyncio as redis
from aiohttp import web

import bayeux

from ..api.auth import Authenticator
from ..core.users import ADMIN
from ..core.world import World
from ..health import PATH as HEALTH
from ..notify import PATH as NOTIFICATIONS
from ..notify.endpoint import Policy
from ..notify.notifier import Delivery
from .forward import Forwarder
from .lease import Holder, Lease
from .sessions import RedisSessionStore
from .stream import LOST, StreamReader, StreamSink

log = logging.getLogger("gwsim.cluster")

PREFIX = "gwsim:"
TTL = 3.0  # seconds the World's lease lives unless renewed: how long a dead World goes unnoticed at most
RETENTION = 300.0  # seconds notifications stay in the stream


class RedisEngine:
    """The `Engine` of a process that shares its simulator with others over Redis at `url`."""

    def __init__(self, url: str, ttl: float = TTL, retention: float = RETENTION) -> None:
        self.url = url
        self.client = redis.Redis.from_url(url)
        self.process = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease = Lease(self.client, PREFIX, self.process, "", ttl, self._taken, self._lost)
        self.sink = StreamSink(self.client, f"{PREFIX}notifications", retention, self._epoch)
        self.forwarder = Forwarder(self.lease, (NOTIFICATIONS, HEALTH), self.sink.flushed, self.sink.last_number)
        self.reader: StreamReader | None = None
        self.sessions: RedisSessionStore | None = None
        self.world: World | None = None
        self.world_lost: dict[str, Any] | None = None

    def _epoch(self) -> int | None:
        holder = self.lease.holder
        return holder.epoch if self.lease.held and holder is not None else None

    def delivery(self) -> Delivery:
        return self.sink

    def middlewares(self) -> list[Any]:
        return [self.forwarder.middleware]

    def attach(self, app: web.Application, server: bayeux.BayeuxServer, world: World, auth: Authenticator) -> None:
        self.world = world
        self.reader = StreamReader(self.client, self.sink.key, server)
        self.forwarder.reached = self.reader.reached
        self.reader.listeners.append(self.note)
        self.sessions = RedisSessionStore(self.client, PREFIX, self.reader)
        server.store = self.sessions
        server.policy = ClusterPolicy(auth, self)
        auth.on_ended(self.sink.end_sessions)  # the World's sessions of a user end on every process

    async def start(self, url: str) -> None:
        """Join: check Redis, read the stream from now on, then take the lease or follow its holder."""
        assert self.reader is not None and self.sessions is not None, "attach first"
        try:
            await self.client.ping()
        except (redis.RedisError, OSError) as problem:
            raise ConnectionError(f"cannot reach Redis at {self.url}: {problem}") from None
        self.lease.url = url
        await self.reader.start()
        self.sink.start()
        self.sessions.start()
        await self.forwarder.start()
        await self.lease.start()
        if not self.lease.held:
            lost = await self.client.get(f"{PREFIX}world-lost")
            self.world_lost = orjson.loads(lost) if lost else None

    async def stop(self) -> None:
        await self.lease.stop()
        await self.sink.stop()
        if self.reader is not None:
            await self.reader.stop()
        if self.sessions is not None:
            await self.sessions.stop()
        await self.forwarder.stop()
        await self.client.aclose()

    async def _taken(self, holder: Holder, first: bool) -> None:
        assert self.world is not None
        if first:
            log.warning("cluster: this process (%s) is the World", self.process)
            return
        self.world_lost = {
            "epoch": holder.epoch,
            "at": holder.since,
            "restartedBy": self.process,
            "message": "the World's process stopped and its state (calls, agent states, changes made at run time)"
            " was lost with it; the World restarted from the contact-center file",
        }
        log.error("cluster: %s; this process (%s) is the World now", self.world_lost["message"], self.process)
        self.world.reset()
        self.sink.announce_loss(self.world_lost)
        await self.client.set(f"{PREFIX}world-lost", orjson.dumps(self.world_lost))

    def _lost(self) -> None:
        assert self.world is not None
        self.world.reset()  # its successor's World is the one now

    def note(self, entry_id: str, entry: list[Any]) -> None:
        """A reader's listener: a restart announced by the new World reaches every process's `/health`."""
        if entry[0] == LOST:
            self.world_lost = entry[1]

    def health(self) -> dict[str, Any]:
        holder = self.lease.holder
        return {
            "engine": "redis",
            "process": self.process,
            "isWorld": self.lease.held,
            "world": None if holder is None else {"process": holder.process, "url": holder.url, "epoch": holder.epoch},
            "worldLost": self.world_lost,
        }


class ClusterPolicy(Policy):
    """The simulator's Bayeux policy, asking the World whom a request speaks for when this process is not it."""

    def __init__(self, authenticator: Authenticator, engine: RedisEngine) -> None:
        super().__init__(authenticator)
        self.engine = engine
        self._roles: dict[str, tuple[str, ...]] = {}

    async def identify(self, request: web.Request) -> Hashable | None:
        if self.engine.lease.held:
            return await super().identify(request)
        found = await self.engine.forwarder.identity(request)
        if found is None:
            return None
        self._roles[found[0]] = found[1]
        return found[0]

    async def can_subscribe(self, session: bayeux.ServerSession, name: str, message: dict[str, Any]) -> bool:
        if self.engine.lease.held or not name.startswith("/sim/"):
            return await super().can_subscribe(session, name, message)
        return ADMIN in self._roles.get(str(session.user), ())
