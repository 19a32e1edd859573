"""`gwsim serve`: bind first, then say where the simulator is (the real port, also for `--port 0`), then
serve until SIGINT or SIGTERM. A port that cannot be bound is reported on its own, with no banner."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import signal
import socket
import sys
from typing import Any, BinaryIO

from aiohttp import web

from .app import create_app
from .center_file import load, load_default
from .core.contact_center import ContactCenter, ContactCenterError
from .core.site import SiteOptions
from .core.voice import VirtualClock
from .engine import EngineError, open_engine
from .recording.capture import RECORDING
from .recording.recorder import encode

ACCESS_LOG = logging.getLogger("aiohttp.access")  # INFO: one line per request, shown with -v


async def serve(args: argparse.Namespace, recording: BinaryIO | None = None) -> int:
    """Serve until stopped; with `recording` (`gwsim record`), every input and event from the start goes to it."""
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
    try:
        engine = open_engine(args.engine or center.site.engine)
    except EngineError as problem:
        print(f"gwsim: {problem}", file=sys.stderr)
        return 2
    clock = VirtualClock() if args.clock == "virtual" else None
    app = create_app(center, clock=clock, journal_size=args.journal_size, engine=engine)
    if recording is not None:
        app[RECORDING].contact_center = args.contact_center
        app[RECORDING].start_to(lambda line: _write(recording, line))
    runner = web.AppRunner(app, handler_cancellation=True, access_log=ACCESS_LOG)
    await runner.setup()
    try:
        site = web.TCPSite(runner, args.host, args.port)
        try:
            await site.start()
        except OSError as problem:
            print(f"gwsim: cannot listen on {args.host}:{args.port}: {problem.strerror or problem}", file=sys.stderr)
            return 1
        server = site._server
        sockets = getattr(server, "sockets", None) or ()
        port = sockets[0].getsockname()[1] if sockets else args.port
        if engine is not None:
            try:
                await engine.start(args.advertise or _advertised(args.host, port))
            except ConnectionError as problem:
                print(f"gwsim: {problem}", file=sys.stderr)
                return 1
        print_banner(center, args.host, port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        if engine is not None:
            await engine.stop()
        await runner.cleanup()
        if recording is not None:
            app[RECORDING].stop()
    return 0


def _advertised(host: str, port: int) -> str:
    """The URL other processes of a cluster forward to: the bound address, or this host's name when bound
    to every interface."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.getfqdn()
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


def _write(file: BinaryIO, line: dict[str, Any]) -> None:
    file.write(encode(line) + b"\n")
    file.flush()  # a recording cut short (a killed server) keeps every line written so far


def _site(site: SiteOptions, args: argparse.Namespace) -> SiteOptions:
    """The contact-center file's server options, with the command line's added (origins) or overriding."""
    return dataclasses.replace(
        site,
        allow_origins=(*site.allow_origins, *args.allow_origin),
        csrf=site.csrf or args.csrf,
        profile=args.profile or site.profile,
    )


def print_banner(center: ContactCenter, host: str, port: int) -> None:
    base = f"http://{host}:{port}"
    lines = [
        f"gwsim: {center.name} at {base}/api/v2",
        f"  CometD notifications: {base}/api/v2/notifications",
        f"  console (sign in as an admin or an agent): {base}/",
        "  users (userName / password / roles / phone numbers):",
    ]
    for user in center.users.values():
        numbers = ", ".join(device.phoneNumber for device in center.devices_of(user)) or "-"
        lines.append(f"    {user.userName} / {user.password} / {', '.join(user.roles)} / {numbers}")
    site = center.site
    origins = ", ".join(site.allow_origins) or "this origin only"
    queues = ", ".join(f"{queue.name} ({queue.channel}, {queue.phoneNumber})" for queue in center.queues.values())
    lines += [
        f"  queues: {queues or '-'}",
        f"  OpenAPI description: {base}/api/v2/openapi.json",
        f"  Statistics API: {base}/api/v1/stats/{{objectId}}",
        f"  profile {site.profile}; CSRF {'on' if site.csrf else 'off'}; browser origins: {origins}",
        f"  event loop: {type(asyncio.get_running_loop()).__module__.split('.')[0]}",
        f"  health (no credentials): {base}/health",
        f"  simulator control (admins): {base}/sim/calls, /sim/clock, /sim/journal, /sim/recording, /sim/reset,"
        " /sim/state",
        "  press Ctrl+C to stop",
    ]
    print("\n".join(lines), flush=True)
