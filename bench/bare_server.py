"""A bare aiohttp endpoint that answers every request with the same small JSON body: the REST ceiling.

The simulator-under-load benchmark runs its call-cycle driver against this server as well as against
the simulator, on the same machine in the same run, so that the simulator's REST throughput can be read
as a share of what aiohttp itself serves here when it does no work at all.
"""

from __future__ import annotations

import argparse
import resource

from aiohttp import web

BODY = b'{"statusCode":0,"id":"bare","uri":"/sim/calls/bare"}'


async def answer(request: web.Request) -> web.Response:
    """Read the body, as the simulator does, and answer the fixed document."""
    await request.read()
    return web.Response(body=BODY, content_type="application/json")


def make_app() -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    web.run_app(make_app(), host="127.0.0.1", port=args.port, backlog=4096, print=None, access_log=None)


if __name__ == "__main__":
    main()
