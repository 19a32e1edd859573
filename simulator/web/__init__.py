"""The console: a page served at `/` that shows every agent live and acts on the simulator.

It is plain HTML, CSS and JavaScript in this folder, served as they are (no build step), and it talks to
the simulator only as any client does: REST under /api/v2 and /sim, notifications over CometD at
/api/v2/notifications (an admin's page subscribes to the console feed, `notify.CONSOLE`).
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

HERE = Path(__file__).parent / "static"
STATIC = "/console/"


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(HERE / "index.html", headers={"Cache-Control": "no-cache"})


def install(app: web.Application) -> None:
    """`/` answers the console's page; its scripts and style sheet are under /console/."""
    app.router.add_get("/", _index)
    app.router.add_static(STATIC, HERE)
