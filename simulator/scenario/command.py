"""`gwsim check` and `gwsim run`: what the command line does with scenario files.

Exit codes: 0 when everything passed, 1 when a scenario failed (or, for check, has problems), 2 when a
file cannot be run at all (run refuses to start any scenario while one file has problems).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from .reader import ScenarioError, read
from .report import Console, write_junit
from .runner import ScenarioResult, run

PROGRESS_EVERY = 10.0  # real seconds between "still running" lines on long runs


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    check = commands.add_parser("check", help="validate scenario files without running them")
    check.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    check.set_defaults(handler=check_command)
    run_ = commands.add_parser("run", help="run scenario files against a simulator")
    run_.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    run_.add_argument("--url", help="run against the simulator at this URL (default: one in this process)")
    run_.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML")
    run_.add_argument("--repeat", type=int, default=1, metavar="N", help="run N copies of each at once (load)")
    run_.set_defaults(handler=run_command)


def check_command(args: argparse.Namespace) -> int:
    problems = 0
    for path in args.files:
        try:
            read(path)
        except ScenarioError as error:
            problems += len(error.problems)
            for problem in error.problems:
                print(problem, file=sys.stderr)
    checked = len(args.files)
    if problems:
        print(f"{problems} problem(s) in {checked} file(s)", file=sys.stderr)
        return 1
    print(f"{checked} scenario file(s) OK")
    return 0


def run_command(args: argparse.Namespace) -> int:
    if args.repeat < 1:
        print("gwsim: --repeat must be 1 or more", file=sys.stderr)
        return 2
    scenarios = []
    broken = False
    for path in args.files:
        try:
            scenarios.append(read(path))
        except ScenarioError as error:
            broken = True
            for problem in error.problems:
                print(problem, file=sys.stderr)
    if broken:
        print("gwsim: nothing run: fix the files above first (gwsim check)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = asyncio.run(_run_all(scenarios, args.url, args.repeat))
    elapsed = time.perf_counter() - started
    console = Console(per_step=args.repeat == 1)
    console.summary(results, elapsed)
    if args.junit:
        write_junit(args.junit, results, elapsed)
    return 0 if all(result.passed for result in results) else 1


async def _run_all(scenarios: list, url: str | None, repeat: int) -> list[ScenarioResult]:
    console = Console(per_step=repeat == 1, total=len(scenarios) * repeat)
    results: list[ScenarioResult] = []
    progress = asyncio.create_task(_progress(console, results))
    try:
        for scenario in scenarios:
            if repeat == 1:
                console.scenario_started(scenario.source, scenario.name)
                result = await run(scenario, url, 0, console.step)
                console.scenario_done(result)
                results.append(result)
                continue

            async def one(copy: int, scenario=scenario) -> ScenarioResult:  # noqa: ANN001
                result = await run(scenario, url, copy)
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
