"""`gwsim check` and `gwsim run`: what the command line does with scenario files.

Exit codes: 0 when everything passed, 1 when a scenario failed (or, for check, has problems), 2 when a
file cannot be run at all (run refuses to start any scenario while one file has problems).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from .. import collector, loops
from . import library
from .model import Scenario, Traffic
from .reader import ScenarioError, read
from .report import Console, StatsCsv, write_junit
from .runner import ScenarioResult, TrafficWatch, run
from .traffic import INTERVAL, TrafficLine

PROGRESS_EVERY = 10.0  # real seconds between "still running" lines on long runs


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    listing = commands.add_parser("scenarios", help="list the library of scenarios installed with gwsim")
    listing.set_defaults(handler=scenarios_command)
    check = commands.add_parser("check", help="validate scenario files without running them")
    _add_sources(check)
    check.set_defaults(handler=check_command)
    run_ = commands.add_parser("run", help="run scenario files against a simulator")
    _add_sources(run_)
    run_.add_argument(
        "--url", help="run against the simulator at this URL, resetting it before each run (default: one in process)"
    )
    run_.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML")
    run_.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run each N times: at once in process (load), in turn with --url",
    )
    run_.add_argument(
        "--interval",
        type=float,
        default=INTERVAL,
        metavar="S",
        help=f"simulated seconds between two lines of a traffic step's live report (default {INTERVAL:g})",
    )
    run_.add_argument("--stats-csv", metavar="FILE", help="also write the traffic lines to FILE as CSV, as they come")
    run_.set_defaults(handler=run_command)


def _add_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="scenario YAML files")
    parser.add_argument(
        "--library",
        action="append",
        default=[],
        metavar="NAME",
        help="a scenario of the library by name, or a pattern such as 'chat_*' (gwsim scenarios lists them)",
    )


def _sources(args: argparse.Namespace) -> list[str] | None:
    """The files named, then the library's scenarios asked for; None (after saying why) when there are none."""
    files = list(args.files)
    try:
        for pattern in args.library:
            files += [str(path) for path in library.find(pattern)]
    except library.UnknownScenario as problem:
        print(f"gwsim: {problem}", file=sys.stderr)
        return None
    if not files:
        print("gwsim: give scenario files, or --library NAME", file=sys.stderr)
        return None
    return files


def scenarios_command(args: argparse.Namespace) -> int:
    names = library.names()
    width = max(len(name) for name in names)
    for name in names:
        print(f"{name:<{width}}  {library.title(name)}")
    return 0


def check_command(args: argparse.Namespace) -> int:
    files = _sources(args)
    if files is None:
        return 2
    problems = 0
    for path in files:
        try:
            read(path)
        except ScenarioError as error:
            problems += len(error.problems)
            for problem in error.problems:
                print(problem, file=sys.stderr)
    checked = len(files)
    if problems:
        print(f"{problems} problem(s) in {checked} file(s)", file=sys.stderr)
        return 1
    print(f"{checked} scenario file(s) OK")
    return 0


def run_command(args: argparse.Namespace) -> int:
    if args.repeat < 1:
        print("gwsim: --repeat must be 1 or more", file=sys.stderr)
        return 2
    if not args.interval > 0:
        print("gwsim: --interval must be a number of seconds above 0", file=sys.stderr)
        return 2
    files = _sources(args)
    if files is None:
        return 2
    scenarios = []
    broken = False
    for path in files:
        try:
            scenarios.append(read(path))
        except ScenarioError as error:
            broken = True
            for problem in error.problems:
                print(problem, file=sys.stderr)
    if broken:
        print("gwsim: nothing run: fix the files above first (gwsim check)", file=sys.stderr)
        return 2
    try:
        stats = StatsCsv(args.stats_csv) if args.stats_csv else None
    except OSError as problem:
        print(f"gwsim: --stats-csv: {problem}", file=sys.stderr)
        return 2
    collector.tune()
    started = time.perf_counter()
    try:
        with loops.runner() as runner:  # uvloop's where installed, as `gwsim serve` runs on
            results = runner.run(_run_all(scenarios, args.url, args.repeat, args.interval, stats))
    finally:
        if stats is not None:
            stats.close()
    elapsed = time.perf_counter() - started
    console = Console(per_step=args.repeat == 1)
    console.summary(results, elapsed)
    if args.junit:
        write_junit(args.junit, results, elapsed)
    return 0 if all(result.passed for result in results) else 1


async def _run_all(
    scenarios: list[Scenario], url: str | None, repeat: int, interval: float = INTERVAL, stats: StatsCsv | None = None
) -> list[ScenarioResult]:
    console = Console(per_step=repeat == 1, total=len(scenarios) * repeat)

    def traffic(result: ScenarioResult, step: Traffic, line: TrafficLine) -> None:
        console.traffic(result, step, line)
        if stats is not None:
            stats.traffic(result, step, line)

    watch = TrafficWatch(traffic, interval)
    results: list[ScenarioResult] = []
    progress = asyncio.create_task(_progress(console, results))
    try:
        for scenario in scenarios:
            if repeat == 1 or url is not None:  # on a shared server, runs go one after another on a reset world
                for copy in range(repeat):
                    console.scenario_started(scenario.source, scenario.name)
                    result = await run(scenario, url, copy, console.step if repeat == 1 else None, watch)
                    console.scenario_done(result)
                    results.append(result)
                continue

            async def one(copy: int, scenario: Scenario = scenario) -> ScenarioResult:
                result = await run(scenario, url, copy, watch=watch)
                console.scenario_done(result)
                results.append(result)
                return result

            await asyncio.gather(*(one(copy) for copy in range(repeat)))
    finally:
        progress.cancel()
    return sorted(results, key=lambda result: (scenarios.index(result.scenario), result.copy))


async def _progress(console: Console, results: list[ScenarioResult]) -> None:
    """On long runs, say every few seconds that the run is alive and how far it got."""
    started = time.perf_counter()
    while True:
        await asyncio.sleep(PROGRESS_EVERY)
        elapsed = time.perf_counter() - started
        console.say(f"... {len(results)}/{console.total} scenario runs finished after {elapsed:.0f} s")
