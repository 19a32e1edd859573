"""A real redis-server and real `gwsim serve` processes sharing it, and a long-polling desktop that can move.

`RedisServer` runs Debian's redis-server on a free loopback port with nothing saved to disk. `Cluster`
starts `gwsim serve --engine redis://...` processes (each on a port of its own, learnt from its banner),
kills them with any signal and keeps their output for the test to read. `Poller` is a Bayeux client over
long-polling with the acknowledge extension, written out by hand so that a test sees every batch and can
send its connects to another process with the same clientId when the one it used dies.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import shutil
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

WAIT = 15.0  # seconds: the bound of every wait on something expected (processes start on a shared machine)
PASSWORD = "password"


def redis_server_binary() -> str | None:
    """Debian's redis-server, on PATH or where the package puts it."""
    return shutil.which("redis-server") or next(
        (path for path in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if os.access(path, os.X_OK)), None
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """redis-server on 127.0.0.1 and a free port, in memory only; `url` is what `--engine` takes."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        async with asyncio.timeout(WAIT):
            while True:
                with contextlib.suppress(OSError):
                    reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                    writer.write(b"PING\r\n")
                    answer = await reader.readline()
                    writer.close()
                    if answer.startswith(b"+PONG"):
                        return
                await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


@dataclass
class Process:
    """One `gwsim serve` of the cluster: its URL and every line it printed."""

    popen: asyncio.subprocess.Process
    url: str = ""
    output: list[str] = field(default_factory=list)
    _drain: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        return self.popen.pid


class Cluster:
    """`gwsim serve` processes over one Redis; every one is killed when the test ends."""

    def __init__(self, redis_url: str, *extra: str) -> None:
        self.redis_url = redis_url
        self.extra = extra
        self.processes: list[Process] = []

    async def start(self, *extra: str) -> Process:
        popen = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "simulator", "serve", "--port", "0", "--engine", self.redis_url,
            *self.extra, *extra,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        process = Process(popen)
        self.processes.append(process)
        assert popen.stdout is not None
        async with asyncio.timeout(WAIT):
            while not process.url:
                line = (await popen.stdout.readline()).decode()
                assert line, f"gwsim serve ended before it served: {''.join(process.output)}"
                process.output.append(line)
                if line.startswith("gwsim: ") and " at http://" in line:
                    process.url = line.split(" at ", 1)[1].strip().removesuffix("/api/v2")
        process._drain = asyncio.create_task(self._drain(process))
        return process

    async def _drain(self, process: Process) -> None:
        assert process.popen.stdout is not None
        while line := await process.popen.stdout.readline():
            process.output.append(line.decode())

    async def kill(self, process: Process, signum: int = signal.SIGKILL) -> None:
        if process.popen.returncode is None:
            process.popen.send_signal(signum)
        await asyncio.wait_for(process.popen.wait(), WAIT)

    async def stop(self) -> None:
        for process in self.processes:
            if process.popen.returncode is None:
                process.popen.kill()
                await process.popen.wait()
            if process._drain is not None:
                process._drain.cancel()
                with contextlib.suppress(BaseException):
                    await process._drain

    async def world(self, http: aiohttp.ClientSession, through: Process) -> str:
        """The process id of the World, as `through`'s /health says, once it names one."""
        async with asyncio.timeout(WAIT):
            while True:
                async with http.get(through.url + "/health") as reply:
                    cluster = (await reply.json())["cluster"]
                if cluster["world"] is not None:
                    return str(cluster["world"]["process"])
                await asyncio.sleep(0.1)


def basic(user: str, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


class Poller:
    """A desktop's CometD client over long-polling, acknowledging every batch it receives.

    `received` is every message of the topics it subscribed to, in arrival order. When the process it
    polls dies, `move_to` sends its next connects, with the same clientId and acknowledgement, to another.
    """

    def __init__(self, http: aiohttp.ClientSession, url: str, user: str) -> None:
        self.http = http
        self.url = url
        self.headers = basic(user)
        self.client_id = ""
        self.received: list[dict[str, Any]] = []
        self.batches: list[int] = []  # the ack ids of the connect replies that carried messages
        self.failures: list[str] = []
        self._ack: int | None = None
        self._ids = 0
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _post(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for message in messages:
            self._ids += 1
            message["id"] = str(self._ids)
            if self.client_id:
                message["clientId"] = self.client_id
        async with self.http.post(
            self.url + "/api/v2/notifications", json=messages, headers=self.headers,
            timeout=aiohttp.ClientTimeout(total=WAIT + 40),  # a held connect lasts up to 30 s
        ) as reply:  # fmt: skip
            assert reply.status == 200, await reply.text()
            return list(await reply.json())

    async def open(self, *topics: str) -> None:
        [reply] = await self._post(
            [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"],
              "ext": {"ack": True}}]
        )  # fmt: skip
        assert reply["successful"] and reply.get("ext", {}).get("ack") is True, reply
        self.client_id = reply["clientId"]
        replies = await self._post([{"channel": "/meta/subscribe", "subscription": topic} for topic in topics])
        assert all(reply["successful"] for reply in replies), replies
        await self._connect()  # the first connect answers at once
        self._task = asyncio.create_task(self._poll())

    async def _connect(self) -> None:
        message: dict[str, Any] = {"channel": "/meta/connect", "connectionType": "long-polling"}
        if self._ack is not None:
            message["ext"] = {"ack": self._ack}
        replies = await self._post([message])
        connect = next(reply for reply in replies if reply["channel"] == "/meta/connect")
        if not connect.get("successful"):
            self.failures.append(str(connect))
            raise ConnectionError(f"connect refused: {connect}")
        messages = [reply for reply in replies if not reply["channel"].startswith("/meta/")]
        ack = connect.get("ext", {}).get("ack")
        if messages:
            assert isinstance(ack, int), connect
            self.batches.append(ack)
        if isinstance(ack, int):
            self._ack = ack
        if messages:
            self.received.extend({"channel": m["channel"], "data": m["data"]} for m in messages)
            self._arrived.set()

    async def _poll(self) -> None:
        while True:
            try:
                await self._connect()
            except (TimeoutError, aiohttp.ClientError, AssertionError):
                await asyncio.sleep(0.05)  # the process died: the test moves the poller, or it retries here

    def move_to(self, url: str) -> None:
        self.url = url

    async def wait_for(self, wanted: Callable[[dict[str, Any]], bool], count: int = 1) -> list[dict[str, Any]]:
        """The received messages `wanted` picks, once there are `count` of them, within the bound."""
        try:
            async with asyncio.timeout(WAIT):
                while True:
                    found = [message for message in self.received if wanted(message)]
                    if len(found) >= count:
                        return found
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            raise AssertionError(
                f"not received within {WAIT} s; refused: {self.failures}; {self.received[-3:]}"
            ) from None

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
