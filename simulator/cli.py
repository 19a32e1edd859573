"""The `gwsim` command."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys

from aiohttp import web

from .app import create_app
from .core.contact_center import ContactCenter, ContactCenterError, load, load_default
from .core.profiles import PROFILES, REFERENCE
from .core.site import SiteOptions
from .core.voice import VirtualClock
from .scenario import command as scenario_commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gwsim", description="Contact-center Web Services API v2 simulator.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the REST API and CometD notifications")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    serve.add_argument("--contact-center", metavar="FILE", help="contact-center YAML file (default: the built-in one)")
    serve.add_argument(
        "--clock",
        choices=("real", "virtual"),
        default="real",
        help="real time (default), or a virtual clock that only POST /sim/clock {advance} moves",
    )
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="an origin (scheme://host:port, or *) whose pages may call the API with cookies (CORS); repeatable",
    )
    serve.add_argument("--csrf", action="store_true", help="require CSRF tokens on cookie-authenticated changes")
    serve.add_argument("--profile", choices=tuple(PROFILES), help=f"release to imitate (default {REFERENCE})")
    serve.add_argument("-v", "--verbose", action="store_true", help="log every request")
    serve.set_defaults(handler=_serve)
    scenario_commands.add_commands(commands)
    args = parser.parse_args(argv)
    return int(args.handler(args))


def _serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(message)s")
    try:
        center = load(args.contact_center) if args.contact_center else load_default()
    except ContactCenterError as problem:
        print(f"gwsim: {problem}", file=sys.stderr)
        return 2
    try:
        center.site = _site(center.site, args)
    except ValueError as problem:
        print(f"gwsim: {problem}", file=sys.stderr)
        return 2
    _print_banner(center, args.host, args.port)
    try:
        clock = VirtualClock() if args.clock == "virtual" else None
        web.run_app(
            create_app(center, clock=clock), host=args.host, port=args.port, print=None, handler_cancellation=True
        )
    except OSError as problem:
        print(f"gwsim: cannot listen on {args.host}:{args.port}: {problem.strerror}", file=sys.stderr)
        return 1
    return 0


def _site(site: SiteOptions, args: argparse.Namespace) -> SiteOptions:
    """The contact-center file's server options, with the command line's added (origins) or overriding."""
    return dataclasses.replace(
        site,
        allow_origins=(*site.allow_origins, *args.allow_origin),
        csrf=site.csrf or args.csrf,
        profile=args.profile or site.profile,
    )


def _print_banner(center: ContactCenter, host: str, port: int) -> None:
    base = f"http://{host}:{port}"
    print(f"gwsim: {center.name} at {base}/api/v2", flush=True)
    print(f"  CometD notifications: {base}/api/v2/notifications", flush=True)
    print("  users (userName / password / roles / phone numbers):", flush=True)
    for user in center.users.values():
        numbers = ", ".join(device.phoneNumber for device in center.devices_of(user)) or "-"
        print(f"    {user.userName} / {user.password} / {', '.join(user.roles)} / {numbers}", flush=True)
    queues = ", ".join(f"{queue.name} ({queue.channel}, {queue.phoneNumber})" for queue in center.queues.values())
    print(f"  queues: {queues or '-'}", flush=True)
    print(f"  OpenAPI description: {base}/api/v2/openapi.json", flush=True)
    site = center.site
    origins = ", ".join(site.allow_origins) or "this origin only"
    print(f"  profile {site.profile}; CSRF {'on' if site.csrf else 'off'}; browser origins: {origins}", flush=True)
    print(f"  simulator control (admins): {base}/sim/calls, /sim/clock, /sim/reset, /sim/state", flush=True)
    print("  press Ctrl+C to stop", flush=True)


if __name__ == "__main__":
    sys.exit(main())
