"""The servers under test, each started in a process of its own on a free loopback port.

Ours runs as `python -m bench.ours_server`; the peers are the npm packages of bench/package.json run by
Node. A process of its own per server gives each the same footing and lets the benchmark read its CPU
time and resident memory apart from the driver's.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"


@dataclass(frozen=True)
class ServerSpec:
    """How to start one server and which transports it speaks."""

    name: str
    label: str
    transports: tuple[str, ...]
    script: tuple[str, ...]

    def command(self, port: int) -> list[str]:
        return [*self.script, str(port)]


SERVERS: dict[str, ServerSpec] = {
    "ours": ServerSpec(
        "ours", "bayeux (ours)", ("websocket", "long-polling"), (sys.executable, "-m", "bench.ours_server", "--port")
    ),
    # the same server on asyncio's own event loop, for when uvloop (which `ours` runs on if installed) is not
    "ours-asyncio": ServerSpec(
        "ours-asyncio",
        "bayeux (ours, asyncio loop)",
        ("websocket", "long-polling"),
        (sys.executable, "-m", "bench.ours_server", "--loop", "asyncio", "--port"),
    ),
    "faye": ServerSpec("faye", "Faye", ("websocket", "long-polling"), ("node", str(HERE / "peers/faye_server.js"))),
    "cometd": ServerSpec("cometd", "CometD Node", ("long-polling",), ("node", str(HERE / "peers/cometd_server.js"))),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class RunningServer:
    spec: ServerSpec
    url: str
    process: asyncio.subprocess.Process

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.pid).cpu_times()
        return times.user + times.system

    def rss(self) -> int:
        return psutil.Process(self.pid).memory_info().rss


async def _wait_listening(port: int, process: asyncio.subprocess.Process, bound: float) -> None:
    """Until the port accepts connections; a server that dies or takes longer than `bound` fails."""
    async with asyncio.timeout(bound):
        while True:
            if process.returncode is not None:
                raise RuntimeError(f"server exited with {process.returncode} before listening")
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection(HOST, port)
                writer.close()
                return
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def running(spec: ServerSpec, root: Path) -> AsyncIterator[RunningServer]:
    """Start the server, yield it once it listens, and stop it (terminate, then kill) afterwards."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = await asyncio.create_subprocess_exec(
        *spec.command(port), cwd=root, stdout=asyncio.subprocess.DEVNULL, stderr=log
    )
    try:
        try:
            await _wait_listening(port, process, 20)
        except (RuntimeError, TimeoutError) as problem:
            log.seek(0)
            raise RuntimeError(f"{spec.label} did not start: {problem}: {log.read()[-2000:].decode()}") from None
        yield RunningServer(spec, f"http://{HOST}:{port}/cometd", process)
    finally:
        log.close()
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                process.kill()
                await process.wait()
