"""How long one simulated hour of a contact center takes on this machine.

Runs an hour of inbound traffic on a queue, through the whole stack (HTTP, routing, Bayeux notifications
to every agent, on the virtual clock) `--rounds` times and reports the wall time of each round, the
simulated time it covered and what the traffic did. With `--agents N` the contact center and scenario are
scenarios/simulated_hour.yaml's, grown to N agents with the customer rate grown in proportion (one every
11 s for 20 agents); with `--scenario FILE` that scenario runs as it is. A report, not a test: nothing
here passes or fails on time.

    python bench/simulated_hour.py [--rounds 3] [--agents 100 | --scenario FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from simulator import collector, loops
from simulator.scenario import read, run

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "simulated_hour.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="how many times to run it (default 3)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--scenario", type=Path, help="the scenario to time, as it is")
    which.add_argument("--agents", type=int, default=100, help="agents of the generated hour (default 100)")
    args = parser.parse_args(argv)
    if args.scenario is not None:
        scenario = read(args.scenario)
    else:
        if args.agents < 1:
            parser.error("--agents must be 1 or more")
        folder = Path(tempfile.mkdtemp(prefix="simulated-hour-"))
        scenario = read(_grown(args.agents, folder))
    print(f"{scenario.name}: {args.rounds} round(s) on {platform.python_implementation()} {platform.python_version()}")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    when = time.strftime("%Y-%m-%d %H:%M")
    print(f"  {when}, {os.cpu_count()} cores, {memory:.0f} GiB, command: {' '.join(sys.argv)}")
    collector.tune()  # as `gwsim run` does
    walls: list[float] = []
    for round_number in range(1, args.rounds + 1):
        started = time.perf_counter()
        with loops.runner() as runner:  # as `gwsim run` does
            result = runner.run(run(scenario))
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


def _grown(agents: int, folder: Path) -> Path:
    """The library's simulated hour with `agents` agents, written into `folder`; returns the scenario."""
    scenario = yaml.safe_load(DEFAULT_SCENARIO.read_text())
    center = yaml.safe_load((DEFAULT_SCENARIO.parent / scenario["contactCenter"]).read_text())
    names = [f"agent{n:03d}" for n in range(1, agents + 1)]
    center["name"] = f"{agents} agents on one sales line"
    center["users"] = [
        {
            "userName": f"{name}@example.com",
            "password": "password",
            "firstName": "Agent",
            "lastName": name[5:],
            "devices": [{"phoneNumber": str(60000 + n)}],
            "skills": [{"name": "Sales", "level": 10 - (n - 1) % 10}],
        }
        for n, name in enumerate(names, start=1)
    ] + [user for user in center["users"] if "ROLE_ADMIN" in user.get("roles", [])]
    (folder / "center.yaml").write_text(yaml.safe_dump(center, sort_keys=False))
    scenario["name"] = f"One simulated hour of a {agents}-agent sales line"
    scenario["contactCenter"] = "center.yaml"
    scenario["agents"] = [{"user": f"{name}@example.com", "ready": True} for name in names] + [
        agent for agent in scenario["agents"] if agent.get("session") is False
    ]
    traffic = scenario["steps"][0]["traffic"]
    traffic["agents"] = names
    traffic["arrivals"] = {"exponential": round(11 * 20 / agents, 3)}
    path = folder / "simulated_hour.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    return path


if __name__ == "__main__":
    sys.exit(main())
