"""Our Bayeux server alone in a plain aiohttp application at /cometd, for the benchmarks.

It runs in a process of its own so that its CPU and memory can be read apart from the load driver's,
exactly as the peer servers run in their Node processes.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import resource

from aiohttp import web

import bayeux


def make_app() -> web.Application:
    """Defaults everywhere but one: the benchmark measures the server as an application would mount it,
    except that clients may publish on any channel (the load's publisher is a client, as with the peers)."""
    app = web.Application()
    policy = bayeux.SecurityPolicy(publish_channels=("/**",))
    bayeux.mount(app, "/cometd", bayeux.BayeuxServer(bayeux.Options(), policy))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        help="the event loop (default: uvloop when it is installed)",
    )
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.loop == "uvloop":
        import uvloop

        loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    web.run_app(make_app(), host="127.0.0.1", port=args.port, backlog=4096, print=None, access_log=None, loop=loop)


if __name__ == "__main__":
    main()
