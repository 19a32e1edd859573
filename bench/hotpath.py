"""`python -m bench.hotpath --baseline REF`: the server's own per-message cost, before and after, in one process.

The fan-out benchmark measures whole systems, and on a shared two-core machine its CPU figures move
with whatever else runs and with how many messages each connect reply happens to batch. This drives the
protocol engine alone (`BayeuxServer.process`, `wait`, `finish`, `publish`: the path every held `/meta/connect`
takes, without sockets) through a fixed number of closed-loop cycles: publish one batch, let every woken
session's connect return and connect again, repeat. The work is the same on every run, it is timed with
the process's own CPU clock, and the revisions alternate round by round in one process, so that the
ratio is as steady as such a figure can be on a busy machine.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def load_revision(ref: str, folder: Path) -> ModuleType:
    """The bayeux package as of `ref`, imported under a name of its own beside the current one."""
    archive = subprocess.run(["git", "archive", ref, "bayeux"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    name = f"bayeux_at_{ref.replace('~', '_').replace('^', '_').replace('/', '_')}"
    spec = importlib.util.spec_from_file_location(
        name, folder / "bayeux" / "__init__.py", submodule_search_locations=[str(folder / "bayeux")]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


async def cycles(package: ModuleType, sessions: int, rooms: int, per_session: int, batches: int) -> float:
    """Server CPU seconds per delivered message over `batches` closed-loop batches of 10 messages."""
    server = package.BayeuxServer(package.Options())
    context = package.server.Context("long-polling", None, None)  # type: ignore[arg-type]
    delivered = 0
    wanted = 0
    progress = asyncio.Event()
    generator = random.Random(1)

    async def client(rooms_of: list[int]) -> None:
        nonlocal delivered
        reply = (await server.process([{"channel": "/meta/handshake", "version": "1.0"}], context)).replies[0]
        client_id = reply["clientId"]
        subscribe = [{"channel": "/meta/subscribe", "clientId": client_id, "subscription": f"/r/{r}"} for r in rooms_of]
        await server.process(subscribe, context)
        connect: dict[str, Any] = {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling"}
        while True:
            outcome = await server.process([dict(connect)], context)
            waited = await server.wait(outcome.held, context)
            # Older revisions complete the connect in `wait`; newer ones when the transport calls `finish`.
            messages = waited[0] if waited is not None else server.finish(outcome.held)
            delivered += len(messages) - 1
            if delivered >= wanted:
                progress.set()

    tasks = [asyncio.create_task(client(generator.sample(range(rooms), per_session))) for _ in range(sessions)]
    await asyncio.sleep(0.2)  # every session subscribed and holding its connect
    subscribers = [len(server._subscribers.get(f"/r/{r}", ())) for r in range(rooms)]
    next_room = 0
    started = time.process_time()
    for _ in range(batches):
        batch_rooms = [(next_room + i) % rooms for i in range(10)]
        next_room = (next_room + 10) % rooms
        wanted = delivered + sum(subscribers[r] for r in batch_rooms)
        progress.clear()
        for room in batch_rooms:
            server.publish(f"/r/{room}", "x" * 50)
        await asyncio.wait_for(progress.wait(), 30)
        await asyncio.sleep(0)  # the last woken connects back in place before the next batch
    spent = time.process_time() - started
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await server.stop()
    return spent / max(delivered, 1)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.hotpath", description=__doc__)
    parser.add_argument("--baseline", required=True, metavar="REF", help="the revision to compare with")
    parser.add_argument("--current", metavar="REF", help="a revision to compare instead of the working tree")
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import bayeux

    with tempfile.TemporaryDirectory(prefix="bayeux-hotpath-") as folder:
        (Path(folder) / "before").mkdir()
        baseline = load_revision(args.baseline, Path(folder) / "before")
        current: ModuleType = bayeux
        if args.current is not None:
            (Path(folder) / "after").mkdir()
            current = load_revision(args.current, Path(folder) / "after")
        figures: dict[str, list[float]] = {"current": [], args.baseline: []}
        for number in range(args.rounds):
            for label, package in (("current", current), (args.baseline, baseline)):
                cost = asyncio.run(cycles(package, args.sessions, 100, 10, args.batches))
                figures[label].append(cost)
                print(f"round {number + 1}: {label:>12}: {cost * 1e6:6.2f} us of CPU per delivered message", flush=True)
    now, before = statistics.median(figures["current"]), statistics.median(figures[args.baseline])
    print(f"median: current {now * 1e6:.2f} us, {args.baseline} {before * 1e6:.2f} us: ratio {now / before:.2f}")


if __name__ == "__main__":
    main()
