"""The console's files over plain HTTP: `/` is the page, its scripts are served as they are, nothing else."""

from __future__ import annotations

import aiohttp
from conftest import LiveServer


async def test_root_is_the_console_page_and_its_files_are_served(live_server: LiveServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(live_server.url + "/") as reply:
            assert reply.status == 200
            assert reply.content_type == "text/html"
            page = await reply.text()
        assert '<script type="module" src="/console/console.js">' in page
        for name in ("console.js", "bayeux.js", "dom.js", "timeline.js", "recorder.js", "console.css"):
            kind = "css" if name.endswith(".css") else "javascript"
            async with http.get(f"{live_server.url}/console/{name}") as reply:
                assert reply.status == 200, name
                assert kind in reply.content_type, (name, reply.content_type)
        # The folder is not listed, and the Python module beside it is not served.
        for path in ("/console/", "/console/__init__.py", "/console/../__init__.py"):
            async with http.get(live_server.url + path) as reply:
                assert reply.status in (403, 404), (path, reply.status)


async def test_the_api_still_needs_credentials(live_server: LiveServer) -> None:
    """Serving the page without credentials leaves the REST API as it was: a 401 without them."""
    async with aiohttp.ClientSession() as http, http.get(live_server.url + "/api/v2/me") as reply:
        assert reply.status == 401
