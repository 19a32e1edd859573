"""`gwsim record`, `gwsim replay` and `gwsim scenario`: recordings from the command line.

`record` serves like `serve` (the same options) and records from the start until Ctrl+C, one JSON line
per input and event, flushed as it goes. `replay` exits 0 when the replay's events are the recorded ones,
1 at the first difference, 2 when the file cannot be read. `scenario` writes the recording as a scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from ..core.contact_center import ContactCenterError
from .replay import RecordingError, read, replay
from .scenario import convert


def add_commands(commands: argparse._SubParsersAction, serve_options: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    record = commands.add_parser(
        "record", parents=[serve_options], help="serve, recording every input and event to a file until Ctrl+C"
    )
    record.add_argument(
        "-o", "--output", metavar="FILE", default="recording.jsonl", help="the recording (default recording.jsonl)"
    )
    record.set_defaults(handler=None)  # the serve handler, which the command line sets for record
    play = commands.add_parser("replay", help="play a recording's inputs on a fresh simulator and compare its events")
    play.add_argument("file", metavar="FILE", help="a recording (gwsim record, or GET /sim/recording's lines)")
    play.add_argument("--contact-center", metavar="FILE", help="replay over this contact-center file instead")
    play.set_defaults(handler=replay_command)
    scenario = commands.add_parser("scenario", help="convert a recording to a YAML scenario")
    scenario.add_argument("file", metavar="FILE", help="a recording")
    scenario.add_argument("-o", "--output", metavar="FILE", help="write the scenario here (default: standard output)")
    scenario.add_argument("--name", default="Recorded run", help="the scenario's name")
    scenario.set_defaults(handler=scenario_command)


def replay_command(args: argparse.Namespace) -> int:
    try:
        recorded = read(args.file)
        outcome = asyncio.run(replay(recorded, args.contact_center))
    except (OSError, RecordingError, ContactCenterError) as problem:
        print(f"gwsim: {problem}", file=sys.stderr)
        return 2
    for skipped in outcome.skipped:
        print(f"gwsim: not replayed: {skipped}", file=sys.stderr)
    if outcome.identical:
        print(f"identical, {outcome.events} events")
        return 0
    print(outcome.difference)
    return 1


def scenario_command(args: argparse.Namespace) -> int:
    try:
        text, left_out = convert(read(args.file), args.name)
    except (OSError, RecordingError, ContactCenterError) as problem:
        print(f"gwsim: {problem}", file=sys.stderr)
        return 2
    for what in left_out:
        print(f"gwsim: left out: {what}", file=sys.stderr)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
