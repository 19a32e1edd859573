"""Headless Chromium driven over the Chrome DevTools Protocol with aiohttp's websocket client.

The browser tests run in the event loop that also serves the simulator, so the browser must be driven
without blocking that loop: a synchronous driver such as selenium would stall the very server the page
talks to, unless every call went through a thread. The DevTools Protocol is JSON over one websocket, and
the two things a page test needs (navigate, evaluate) fit in this file with no dependency beyond aiohttp
and no driver binary to match to the browser's version.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from yarl import URL

# Headless, offline and quiet: this machine has only loopback, so nothing may try to reach the network,
# and a fresh profile per browser keeps cookies of one test out of the next.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
    "--remote-debugging-port=0",
)
START_TIMEOUT = 20.0  # seconds for Chromium to open its DevTools port
CALL_TIMEOUT = 10.0  # seconds for one DevTools command
WAIT = 15.0  # seconds: the bound of `Page.wait_for` and of the browser tests' waits on the server


def find_chromium() -> str:
    """The Chromium executable (`$CHROMIUM` overrides the search); the test fails if there is none."""
    named = os.environ.get("CHROMIUM")
    path = shutil.which(named) if named else shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(
            f"Chromium is not installed ({named or 'no chromium on PATH'}): the browser tests need Debian's "
            "chromium (`make browser` or `make test` installs it; `$CHROMIUM` may name another executable)",
            pytrace=False,
        )
    return path


class Page:
    """One browser tab, reached over its own DevTools websocket.

    Console messages and uncaught exceptions of the page are kept in `log`, so a failing wait can show
    what went wrong inside the browser rather than only that something did not happen.
    """

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self._socket = socket
        self._ids = itertools.count(1)
        self._calls: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.log: list[str] = []
        self._reader = asyncio.create_task(self._read(), name="devtools-reader")

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result; a protocol error raises."""
        number = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._calls[number] = future
        try:
            await self._socket.send_json({"id": number, "method": method, "params": params})
            reply = await asyncio.wait_for(future, CALL_TIMEOUT)
        finally:
            self._calls.pop(number, None)
        if "error" in reply:
            raise RuntimeError(f"DevTools {method} failed: {reply['error']}")
        return reply.get("result", {})

    async def navigate(self, url: str) -> None:
        result = await self.call("Page.navigate", url=url)
        if result.get("errorText"):
            raise RuntimeError(f"navigating to {url} failed: {result['errorText']}")

    async def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page; a promise is awaited first."""
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise RuntimeError(f"{expression!r} threw: {details.get('exception', {}).get('description', details)}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, condition: Callable[[Any], bool], what: str) -> Any:
        """Evaluate `expression` until `condition` holds on its value, at most WAIT seconds.

        Polling the page's own record of events is bounded and exact; sleeping a while and hoping the
        browser was quick enough would be neither.
        """
        deadline = time.monotonic() + WAIT
        while True:
            value = await self.evaluate(expression)
            if condition(value):
                return value
            if time.monotonic() > deadline:
                console = "\n".join(self.log[-30:]) or "(nothing)"
                raise AssertionError(f"waited {WAIT}s for {what}; {expression} is {value!r}\npage console:\n{console}")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader

    async def _read(self) -> None:
        async for frame in self._socket:
            if frame.type != aiohttp.WSMsgType.TEXT:
                continue
            message = frame.json()
            if "id" in message:
                future = self._calls.get(message["id"])
                if future is not None and not future.done():
                    future.set_result(message)
            else:
                self._note(message.get("method", ""), message.get("params", {}))
        for future in self._calls.values():
            if not future.done():
                future.set_exception(ConnectionError("the DevTools connection closed"))

    def _note(self, method: str, params: dict[str, Any]) -> None:
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            self.log.append(f"console.{params.get('type')}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.log.append(f"uncaught: {details.get('exception', {}).get('description', details.get('text'))}")
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            self.log.append(f"{entry.get('source')} {entry.get('level')}: {entry.get('text')} {entry.get('url', '')}")


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Page]:
    """A fresh headless Chromium with one blank tab; the browser and its profile are gone afterwards."""
    executable = find_chromium()
    with tempfile.TemporaryDirectory(prefix="gwsim-chromium-", ignore_cleanup_errors=True) as profile:
        process = await asyncio.create_subprocess_exec(
            executable,
            *FLAGS,
            f"--user-data-dir={profile}",
            "about:blank",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        output: deque[str] = deque(maxlen=40)
        listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        reader = asyncio.create_task(_read_output(process, output, listening))
        try:
            try:
                browser_url = await asyncio.wait_for(asyncio.shield(listening), START_TIMEOUT)
            except (TimeoutError, EOFError) as problem:
                state = "exited" if isinstance(problem, EOFError) else f"did not start within {START_TIMEOUT}s"
                raise RuntimeError(f"Chromium {state}; its output:\n" + "\n".join(output)) from None
            port = URL(browser_url).port
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                    targets = await response.json()
                tab = next(target for target in targets if target["type"] == "page")
                async with http.ws_connect(tab["webSocketDebuggerUrl"], max_msg_size=0) as socket:
                    page = Page(socket)
                    try:
                        await page.call("Runtime.enable")
                        await page.call("Log.enable")
                        yield page
                    finally:
                        await page.close()
        finally:
            await _stop(process)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader


async def _read_output(process: asyncio.subprocess.Process, output: deque[str], listening: asyncio.Future[str]) -> None:
    """Keep the tail of Chromium's output for error messages, and catch the line that gives its DevTools URL.

    Reading the pipe to its end also keeps a chatty browser from blocking on a full pipe.
    """
    assert process.stderr is not None
    async for raw in process.stderr:
        line = raw.decode(errors="replace").rstrip()
        output.append(line)
        prefix, _, url = line.partition("DevTools listening on ")
        if url and not prefix.strip() and not listening.done():
            listening.set_result(url.strip())
    if not listening.done():
        listening.set_exception(EOFError())


async def _stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM lets Chromium close its renderers itself; SIGKILL only if it does not within 10 seconds."""
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()
