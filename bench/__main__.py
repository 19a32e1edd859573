"""`python -m bench`: fan-out against the peers, the knee of each, memory per session; tables to bench/results/.

The default run takes a few minutes on two cores; `--quick` is a smoke-sized run and `--long` a steadier
one. `--baseline REF` adds our server as it was at a git revision, so a change is measured before and
after in one run on the same machine state.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import report
from .fanout import FanOut, Load, StepResult, combined, describe, find_knee, knee_rates
from .memory import MemoryResult, measure
from .servers import SERVERS, ServerSpec, running
from .simulator_load import LoadResult, load_table, run_load
from .simulator_load import ratio_table as load_ratio_table

ROOT = Path(__file__).resolve().parent.parent


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="short steps and 2,000 memory sessions (about 2 minutes)")
    size.add_argument("--long", action="store_true", help="longer steps, finer knee steps (10 to 15 minutes)")
    parser.add_argument("--servers", default="ours,faye,cometd", help="comma-separated: ours, faye, cometd")
    parser.add_argument("--transports", default="websocket,long-polling")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--rooms-per-client", type=int, default=10)
    parser.add_argument("--batch", type=int, default=10, help="messages per published batch")
    parser.add_argument("--rate", type=float, default=100, help="messages published per second in the fan-out")
    parser.add_argument("--duration", type=float, default=None, help="seconds of the fan-out step")
    parser.add_argument("--drivers", type=int, default=1, help="load driver processes sharing the clients")
    parser.add_argument(
        "--quiet",
        type=float,
        metavar="PERCENT",
        help="before each step, wait (up to a minute) until other processes use less than PERCENT of a core",
    )
    parser.add_argument("--knee-start", type=float, default=10, help="first rate of the knee search (msg/s)")
    parser.add_argument("--knee-factor", type=float, default=None, help="rate multiplier between knee steps")
    parser.add_argument("--knee-max", type=float, default=2560)
    parser.add_argument("--step-seconds", type=float, default=None, help="seconds of each knee step")
    parser.add_argument("--no-knee", action="store_true")
    parser.add_argument("--memory-sessions", type=int, default=None, help="idle sessions of the memory figure")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument(
        "--baseline", metavar="REF", action="append", default=[], help="also run our server as of this git revision"
    )
    parser.add_argument("--repeat", type=int, default=1, help="fan-out rounds per server, interleaved, combined")
    parser.add_argument("--load-agents", type=int, default=None, help="agents of the simulator-under-load run (500)")
    parser.add_argument("--load-seconds", type=float, default=None, help="seconds of call cycles on the simulator")
    parser.add_argument("--bare-seconds", type=float, default=None, help="seconds of the same loop on bare aiohttp")
    parser.add_argument(
        "--load-baseline", metavar="REF", help="also run the simulator as of this git revision, interleaved"
    )
    parser.add_argument("--load-repeat", type=int, default=1, help="simulator-under-load rounds (with a baseline)")
    parser.add_argument(
        "--load-rate", type=float, default=None, metavar="OPS",
        help="open loop: offer this many REST operations a second in all (default: closed loop, as fast as answered)",
    )  # fmt: skip
    load = parser.add_mutually_exclusive_group()
    load.add_argument("--no-load", action="store_true", help="leave out the simulator under load")
    load.add_argument("--load-only", action="store_true", help="only the simulator under load")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results", help="folder of the results")
    parser.add_argument("--no-save", action="store_true", help="print the tables only")
    args = parser.parse_args(argv)
    quick, long = args.quick, args.long
    args.duration = args.duration or (3 if quick else 20 if long else 8)
    args.step_seconds = args.step_seconds or (2 if quick else 8 if long else 4)
    args.knee_factor = args.knee_factor or (1.5 if long else 2)
    args.memory_sessions = args.memory_sessions or (2000 if quick else 10000)
    args.load_agents = args.load_agents or (100 if quick else 500)
    args.load_seconds = args.load_seconds or (4 if quick else 30 if long else 15)
    args.bare_seconds = args.bare_seconds if args.bare_seconds is not None else (3 if quick else 15 if long else 8)
    return args


@contextlib.contextmanager
def baseline_specs(refs: Sequence[str]) -> Iterator[list[ServerSpec]]:
    """Our server as of each git revision: its bayeux package exported next to the current server script."""
    with contextlib.ExitStack() as stack:
        specs = []
        for ref in refs:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="bayeux-baseline-"))
            archive = subprocess.run(["git", "archive", ref, "bayeux"], cwd=ROOT, check=True, capture_output=True)
            subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
            (Path(folder) / "bench").mkdir()
            for name in ("__init__.py", "ours_server.py"):
                (Path(folder) / "bench" / name).write_text((ROOT / "bench" / name).read_text())
            short = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True)
            label = f"bayeux @{short.stdout.decode().strip()}"
            script = (sys.executable, "-c", f"import sys; sys.path.insert(0, {folder!r}); import runpy; "
                      "runpy.run_module('bench.ours_server', run_name='__main__')", "--port")  # fmt: skip
            specs.append(ServerSpec("baseline", label, SERVERS["ours"].transports, script))
        yield specs


@dataclass
class Results:
    """Everything one run measured, and its tables as text."""

    fanouts: list[StepResult] = field(default_factory=list)
    knees: dict[tuple[str, str], StepResult | None] = field(default_factory=dict)
    tried: dict[tuple[str, str], list[StepResult]] = field(default_factory=dict)
    memory: list[MemoryResult] = field(default_factory=list)
    loads: list[LoadResult] = field(default_factory=list)
    text: str = ""


async def run(args: argparse.Namespace) -> Results:
    load = Load(args.clients, args.rooms, args.rooms_per_client, args.batch, args.drivers, quiet=args.quiet)
    transports = [t for t in args.transports.split(",") if t]
    results = Results()
    fanouts, knees, tried, memory = results.fanouts, results.knees, results.tried, results.memory
    started = time.monotonic()
    rates = knee_rates(args.knee_start, args.knee_factor, args.knee_max)
    if args.load_only:
        transports, args.no_memory = [], True
    with baseline_specs(args.baseline) as baselines:
        specs = [SERVERS[name] for name in args.servers.split(",") if name]
        specs[1:1] = baselines
        # Transport by transport, so that the servers compared with each other run close together in time;
        # with --repeat, round after round of them, so that a change in the machine's load hits all alike.
        for transport in transports:
            rounds: dict[str, list[StepResult]] = {}
            for number in range(args.repeat):
                for spec in (s for s in specs if transport in s.transports):
                    round_note = f" (round {number + 1} of {args.repeat})" if args.repeat > 1 else ""
                    print(f"== {spec.label}, {transport}{round_note}", flush=True)
                    async with running(spec, ROOT) as server, FanOut(server, transport, load, ROOT) as fan:
                        print(f"   {fan.connected} clients connected in {fan.connect_seconds:.1f} s", flush=True)
                        result = await fan.step(args.rate, args.duration)
                        print(f"   fan-out {describe(result)}", flush=True)
                        rounds.setdefault(spec.label, []).append(result)
                        if number or args.no_knee:
                            continue
                        await asyncio.sleep(0.5)  # held connects back in place after the fan-out step
                        knee, steps = await find_knee(
                            fan, rates, args.step_seconds, lambda r: print(f"   knee    {describe(r)}", flush=True)
                        )
                        knees[(spec.label, transport)] = knee
                        tried[(spec.label, transport)] = steps
            fanouts.extend(combined(results) for results in rounds.values())
        if not args.no_memory:
            for spec in (s for s in specs if s.name in ("ours", "ours-asyncio", "baseline")):
                for transport in transports:
                    print(f"== memory: {spec.label}, {transport}, {args.memory_sessions} idle sessions", flush=True)
                    measured = await measure(spec, transport, args.memory_sessions, ROOT)
                    print(f"   {measured.per_session / 1024:.2f} KiB per session", flush=True)
                    memory.append(measured)
    if not args.no_load:
        results.loads = await run_load(args.load_agents, args.load_seconds, args.bare_seconds, ROOT,
                                       baseline=args.load_baseline, repeat=args.load_repeat,
                                       rate=args.load_rate)  # fmt: skip
    head = report.header(load, args.rate, args.duration)
    if args.load_only:  # the last line describes the fan-out load, which did not run
        head = head.rsplit("\n", 1)[0]
    sections = [f"# Bayeux benchmarks\n\n{head}"]
    steps = fanouts + [step for tries in tried.values() for step in tries]
    if steps:
        others = sum(step.others_cpu_percent for step in steps) / len(steps)
        sections[0] += (
            f"\nother processes on the machine: {others:.0f}% of a core on average during the measured steps "
            f"(of {100 * (os.cpu_count() or 1)}%)"
        )
    if fanouts:
        sections.append(f"## Fan-out at {args.rate:.0f} msg/s\n\n{report.fanout_table(fanouts)}")
        sections.append(f"## Ours / theirs\n\n{report.ratio_table(fanouts, knees)}")
    if knees:
        rates_text = ", ".join(f"{r:.0f}" for r in rates)
        sections.append(f"## Knee (steps of {args.step_seconds:.0f} s at {rates_text} msg/s)\n\n"
                        f"{report.knee_table(knees, tried)}")  # fmt: skip
    if memory:
        sections.append(f"## Memory per idle session\n\n{report.memory_table(memory)}")
    if results.loads:
        offered = f", open loop at {args.load_rate:g} operations/s" if args.load_rate else ""
        title = (f"## Simulator under load ({args.load_agents} agents, call cycles for {args.load_seconds:.0f} s"
                 f"{offered}; bare aiohttp for {args.bare_seconds:.0f} s)")  # fmt: skip
        sections.append(f"{title}\n\n{load_table(results.loads)}\n\n{load_ratio_table(results.loads)}")
    sections.append(f"total time: {time.monotonic() - started:.0f} s")
    results.text = "\n\n".join(sections)
    return results


def main(argv: Sequence[str] | None = None) -> None:
    args = parse(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    text = asyncio.run(run(args)).text
    print("\n" + text)
    if not args.no_save:
        print(f"\nwritten to {report.save(text, args.results)}")


if __name__ == "__main__":
    main()
