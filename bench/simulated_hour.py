"""How long one simulated hour of a 20-agent contact center takes on this machine.

Runs scenarios/simulated_hour.yaml (inbound traffic on a queue, through the whole stack: HTTP, routing,
Bayeux notifications to every agent, on the virtual clock) `--rounds` times and reports the wall time of
each round, the simulated time it covered and what the traffic did. A report, not a test: nothing here
passes or fails on time.

    python bench/simulated_hour.py [--rounds 3] [--scenario FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import time
from pathlib import Path

from simulator.scenario import read, run

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "simulated_hour.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="how many times to run it (default 3)")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="the scenario to time")
    args = parser.parse_args(argv)
    scenario = read(args.scenario)
    print(f"{scenario.name}: {args.rounds} round(s) on {platform.python_implementation()} {platform.python_version()}")
    walls: list[float] = []
    for round_number in range(1, args.rounds + 1):
        started = time.perf_counter()
        result = asyncio.run(run(scenario))
        wall = time.perf_counter() - started
        walls.append(wall)
        simulated = result.steps[-1].simulated if result.steps else 0.0
        verdict = "" if result.passed else f"  FAILED: {result.failure}"
        print(f"  round {round_number}: {wall:6.2f} s wall for {simulated:7.1f} s simulated{verdict}", flush=True)
        for name, value in result.saved.items():
            if isinstance(value, dict) and "offered" in value:
                handled = value.get("handled", {})
                busiest = max(handled.values(), default=0)
                print(
                    f"    {name}: offered {value['offered']}, answered {value['answered']},"
                    f" abandoned {value['abandoned']}, average wait {value['averageWait']:.1f} s,"
                    f" longest {value['longestWait']:.1f} s, calls per agent up to {busiest}"
                )
    best = min(walls)
    print(f"  wall time: best {best:.2f} s, median {statistics.median(walls):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
