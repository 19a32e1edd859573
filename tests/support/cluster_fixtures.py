"""Fixtures of the tests of several processes: a real redis-server for each test, started on a free port,
and the `gwsim serve` processes over it. Registered by the tests' conftest (a second conftest module
would shadow the first one's name, which the other tests import from)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from cluster_rig import Cluster, RedisServer, redis_server_binary


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("redis-server not found on PATH, /usr/bin or /usr/sbin: `make redis` installs Debian's")
    server = RedisServer(binary)
    await server.start()
    yield server.url
    await server.stop()


@pytest.fixture
async def cluster(redis_url: str) -> AsyncIterator[Cluster]:
    processes = Cluster(redis_url)
    yield processes
    await processes.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield session
