"""How long one multimedia operation takes as the contact center grows.

Runs the multimedia core alone (no HTTP, no notifications: the sink drops events), on a virtual clock, in
the default contact center grown to each `--agents` size: that many agents with the chat queue's skill,
Ready on chat, and `--live` chats accepted and going on. Then it repeats a cycle of operations an agent
desktop makes (a chat arrives and is offered, the agent accepts it, sends a message, completes it, goes
Not Ready and Ready again) and reports the mean CPU time of one operation (`time.process_time`) and its
wall time (`time.perf_counter`) per size. A report, not a test: nothing here passes or fails on time.

It imports `simulator` as Python finds it, so the same script measures another revision of the core:

    python bench/media_operations.py [--agents 50,500,2000] [--live 25] [--cycles 100] [--baseline REV]

`--baseline REV` also measures the core at git revision REV, checked out in a temporary worktree and run
by the same script, size by size alternately with this checkout, and prints both side by side.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulator.center_file import load_default
from simulator.core.contact_center import ContactCenter
from simulator.core.media import Multimedia
from simulator.core.voice import VirtualClock

OPERATIONS_PER_CYCLE = 6


def contact_center(agents: int) -> ContactCenter:
    """The default contact center and `agents` more with the chat queue's skill, Ready on chat."""
    center = load_default()
    support = center.skill_named("Support")
    assert support is not None
    ready = center.agent_state("Ready")
    for number in range(agents):
        user = center.add_user(f"load{number}@example.com", "password")
        center.assign_skill(user, support, number % 5)
        user.channels["chat"].user_state = ready  # as a contact-center file could start them
    return center


def measure(agents: int, live: int, cycles: int) -> tuple[float, float]:
    """(CPU µs, wall µs) of one operation, averaged over `cycles` cycles."""
    center = contact_center(agents)
    clock = VirtualClock()
    media = Multimedia(center, clock, lambda event: None)
    media.configure({"capacity": 1})
    for _ in range(live):
        chat = media.start_chat("Web chat", "Visitor", text="hello")
        [invited] = media.interactions[chat].live_handlings()
        media.operate(invited.user_id, chat, "Accept")
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    for _ in range(cycles):
        chat = media.start_chat("Web chat", "Vera", text="hi")
        [invited] = media.interactions[chat].live_handlings()
        agent = invited.user_id
        media.operate(agent, chat, "Accept")
        media.operate(agent, chat, "SendMessage", {"text": "How can I help?"})
        media.operate(agent, chat, "Complete")
        media.user_operate(agent, "NotReady")
        media.user_operate(agent, "Ready")
        clock.advance(1)
    operations = cycles * OPERATIONS_PER_CYCLE
    cpu = (time.process_time() - cpu_start) / operations * 1e6
    wall = (time.perf_counter() - wall_start) / operations * 1e6
    return cpu, wall


def revision() -> str:
    """The git revision of the `simulator` package measured."""
    import simulator

    folder = Path(simulator.__file__).resolve().parent
    try:
        return subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def baseline_measure(root: str, agents: int, live: int, cycles: int) -> tuple[float, float]:
    """`measure` run by this script in a child Python that imports the core checked out at `root`."""
    env = {**os.environ, "PYTHONPATH": root}
    command = [sys.executable, __file__, "--agents", str(agents), "--live", str(live), "--cycles", str(cycles), "--raw"]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout.split()
    return float(output[1]), float(output[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", default="50,500,2000", help="contact-center sizes, comma separated")
    parser.add_argument("--live", type=int, default=25, help="chats going on while measuring")
    parser.add_argument("--cycles", type=int, default=100, help=f"cycles of {OPERATIONS_PER_CYCLE} operations")
    parser.add_argument("--baseline", metavar="REV", help="also measure the core at this git revision")
    parser.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)  # one line: agents cpu wall
    args = parser.parse_args()
    sizes = [int(size) for size in args.agents.split(",")]
    if args.raw:
        for agents in sizes:
            cpu, wall = measure(agents, args.live, args.cycles)
            print(agents, cpu, wall)
        return
    print(f"# multimedia operations at {revision()} ({platform.python_version()}, {platform.machine()})")
    print(f"# {args.live} chats going on, {args.cycles} cycles of {OPERATIONS_PER_CYCLE} operations per size")
    if args.baseline is None:
        print("| agents | CPU µs / operation | wall µs / operation |")
        print("| --- | --- | --- |")
        for agents in sizes:
            cpu, wall = measure(agents, args.live, args.cycles)
            print(f"| {agents} | {cpu:.0f} | {wall:.0f} |", flush=True)
        return
    repository = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        root = os.path.join(folder, "baseline")
        git = ["git", "-C", str(repository), "worktree"]
        subprocess.run([*git, "add", "--detach", "-q", root, args.baseline], check=True)
        try:
            print(f"# baseline: {args.baseline}")
            print("| agents | CPU µs/op, baseline | CPU µs/op, this | wall µs/op, baseline | wall µs/op, this |")
            print("| --- | --- | --- | --- | --- |")
            for agents in sizes:
                base_cpu, base_wall = baseline_measure(root, agents, args.live, args.cycles)
                cpu, wall = measure(agents, args.live, args.cycles)
                print(f"| {agents} | {base_cpu:.0f} | {cpu:.0f} | {base_wall:.0f} | {wall:.0f} |", flush=True)
        finally:
            subprocess.run([*git, "remove", "--force", root], check=True)


if __name__ == "__main__":
    sys.exit(main())
