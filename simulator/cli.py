"""The `gwsim` command (also `python -m simulator`).

Every option of `serve` can also come from the environment (`GWSIM_HOST`, `GWSIM_PORT`,
`GWSIM_CONTACT_CENTER`, `GWSIM_CLOCK`, `GWSIM_LOG_LEVEL`, `GWSIM_LOG_FORMAT`, `GWSIM_JOURNAL_SIZE`,
`GWSIM_ENGINE`, `GWSIM_ADVERTISE`), as
containers and process managers expect; an option on the command line wins over its variable.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from . import __version__, collector, logs, loops
from .core.numerals import is_whole_number
from .core.profiles import PROFILES, REFERENCE
from .recording import command as recording_commands
from .scenario import command as scenario_commands

CLOCKS = ("real", "virtual")


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(prog="gwsim", description="Contact-center Web Services API v2 simulator.")
    parser.add_argument("--version", action="version", version=f"gwsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    options = argparse.ArgumentParser(add_help=False)  # serve's options, shared with record
    options.add_argument("--host", help="address to listen on (default 127.0.0.1; GWSIM_HOST)")
    options.add_argument("--port", type=int, help="port to listen on, 0 for any free one (default 8080; GWSIM_PORT)")
    options.add_argument(
        "--contact-center",
        metavar="FILE",
        help="contact-center YAML file (default: the built-in one; GWSIM_CONTACT_CENTER)",
    )
    options.add_argument(
        "--clock",
        choices=CLOCKS,
        help="real time (default), or a virtual clock that only POST /sim/clock {advance} moves (GWSIM_CLOCK)",
    )
    options.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="an origin (scheme://host:port, or *) whose pages may call the API with cookies (CORS); repeatable",
    )
    options.add_argument("--csrf", action="store_true", help="require CSRF tokens on cookie-authenticated changes")
    options.add_argument("--profile", choices=tuple(PROFILES), help=f"release to imitate (default {REFERENCE})")
    options.add_argument(
        "-v", "--verbose", action="count", default=0, help="log every request (-vv: also the simulator's debugging)"
    )
    options.add_argument("--log-level", choices=logs.LEVELS, help="the log level (default warning; GWSIM_LOG_LEVEL)")
    options.add_argument("--log-format", choices=logs.FORMATS, help="text (default) or json lines (GWSIM_LOG_FORMAT)")
    options.add_argument(
        "--journal-size", type=int, metavar="N", help="requests kept for GET /sim/journal (default 1000, 0: none)"
    )
    options.add_argument(
        "--engine",
        metavar="URL",
        help="memory (default: one process) or redis://HOST:PORT, shared by several processes (GWSIM_ENGINE;"
        " also server.engine in the contact-center file)",
    )
    options.add_argument(
        "--advertise",
        metavar="URL",
        help="with --engine redis: the URL other processes reach this one at (default http://HOST:PORT as"
        " bound; GWSIM_ADVERTISE)",
    )
    options.add_argument(
        "--loop",
        choices=loops.LOOPS,
        help="the event loop: uvloop when it is installed (auto, the default; the uvloop extra installs it),"
        " or asyncio's own (GWSIM_LOOP)",
    )
    serve = commands.add_parser("serve", parents=[options], help="serve the REST API and CometD notifications")
    serve.set_defaults(handler=_serve)
    scenario_commands.add_commands(commands)
    recording_commands.add_commands(commands, options)
    args = parser.parse_args(argv)
    if args.command in ("serve", "record"):
        _fill_from_environment(parser, args, environ)
        args.handler = _serve
    return int(args.handler(args))


def _fill_from_environment(
    parser: argparse.ArgumentParser, args: argparse.Namespace, environ: Mapping[str, str]
) -> None:
    """Options not given on the command line from their GWSIM_ variables, checked like the options."""

    def pick(option: str, default: str | None, choices: tuple[str, ...] | None = None) -> str | None:
        given = getattr(args, option)
        if given is not None:
            return str(given)
        name = "GWSIM_" + option.upper()
        value = environ.get(name)
        if value is None or value == "":
            return default
        if choices is not None and value not in choices:
            parser.error(f"{name}={value!r}: expected one of {', '.join(choices)}")
        return value

    def number(option: str, default: int) -> int:
        text = pick(option, str(default))
        if text is None or not is_whole_number(text) or (option == "port" and int(text) > 65535):
            parser.error(f"GWSIM_{option.upper()}={text!r}: expected a whole number")
        return int(text)

    args.host = pick("host", "127.0.0.1")
    args.port = number("port", 8080)
    args.contact_center = pick("contact_center", None)
    args.clock = pick("clock", "real", CLOCKS)
    args.log_level = pick("log_level", None, logs.LEVELS)
    args.log_format = pick("log_format", "text", logs.FORMATS)
    args.journal_size = number("journal_size", 1000)
    args.engine = pick("engine", None)
    args.advertise = pick("advertise", None)
    args.loop = pick("loop", "auto", loops.LOOPS)
    if not loops.available(args.loop):
        parser.error("--loop uvloop: uvloop is not installed (pip install 'gws-simulator[uvloop]')")


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve  # the server imports the whole simulator: `gwsim --version` needs none of it

    logs.configure(logs.level_of(args.verbose, args.log_level), args.log_format)
    collector.tune()
    if args.command != "record":
        with loops.runner(args.loop) as runner:
            return runner.run(serve(args))
    if args.contact_center:  # the recording names the file wherever it is replayed from
        args.contact_center = str(Path(args.contact_center).resolve())
    with open(args.output, "wb") as recording, loops.runner(args.loop) as runner:
        code = runner.run(serve(args, recording))
    print(f"gwsim: recorded to {args.output}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
