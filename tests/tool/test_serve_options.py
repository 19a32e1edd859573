"""`gwsim serve` as a server's user expects it: environment variables, quiet logs unless asked, JSON logs,
the banner after the bind, a clear bind error; and GET /health and the request journal under /sim."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from simulator.app import create_app
from simulator.center_file import load_default
from simulator.scenario.agent import basic_auth

BANNER_END = "press Ctrl+C"


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """`gwsim serve ARGS` until the block ends; yields the port the banner shows and the process."""
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        assert process.stdout is not None
        banner = []
        for line in process.stdout:
            banner.append(line)
            if BANNER_END in line:
                break
        process.banner = "".join(banner)  # type: ignore[attr-defined]
        port = re.search(r"http://[^:]+:(\d+)/api/v2", process.banner)  # type: ignore[attr-defined]
        assert port, "".join(banner) + process.stderr.read() if process.stderr else ""
        yield int(port.group(1)), process
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, user: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if user:
        import base64

        request.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:password".encode()).decode())
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def test_environment_variables_choose_port_and_clock_and_health_needs_no_credentials() -> None:
    with serving(env={"GWSIM_PORT": "0", "GWSIM_CLOCK": "virtual", "GWSIM_HOST": "127.0.0.1"}) as (port, _):
        assert port != 0
        status, body = get(port, "/health")
    assert status == 200
    assert body["status"] == "ok" and body["clock"] == "virtual" and body["contactCenter"] == "Default contact center"


def test_a_command_line_option_wins_over_its_variable() -> None:
    with serving("--clock", "real", env={"GWSIM_PORT": "0", "GWSIM_CLOCK": "virtual"}) as (port, _):
        assert get(port, "/health")[1]["clock"] == "real"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("GWSIM_PORT", "eighty"), ("GWSIM_PORT", "\u00b2"), ("GWSIM_CLOCK", "fast"), ("GWSIM_LOG_FORMAT", "xml")],
)
def test_a_bad_variable_is_refused_by_name(variable: str, value: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, variable: value},
    )
    assert result.returncode == 2
    assert f"{variable}={value!r}" in result.stderr
    assert result.stdout == ""


def test_a_port_in_use_is_reported_without_a_banner() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "simulator", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"gwsim: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert result.stdout == ""


def stop_and_read_log(process: subprocess.Popen[str]) -> str:
    process.terminate()
    process.wait(timeout=30)
    assert process.stderr is not None
    return process.stderr.read()


def test_requests_are_not_logged_by_default() -> None:
    with serving("--port", "0") as (port, process):
        get(port, "/health")
        get(port, "/api/v2/me", "agent1@example.com")
        log = stop_and_read_log(process)
    assert "/api/v2/me" not in log and "GET" not in log, log


def malformed(port: int, request: bytes) -> bytes:
    """Send bytes no HTTP client would, and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


MALFORMED = (b"GET /api/v2/me?x=\xff HTTP/1.1\r\nHost: a\r\n\r\n", b"NOT HTTP AT ALL\r\n\r\n")


def test_malformed_requests_are_answered_400_and_logged_without_a_traceback() -> None:
    """aiohttp logs a request it cannot parse as an error with its traceback: a client could fill the
    log of a quiet server with them. Quiet, they are not logged; with -v, one line each."""
    for args, logged in ((("--port", "0"), False), (("--port", "0", "-v"), True)):
        with serving(*args) as (port, process):
            for request in MALFORMED:
                assert malformed(port, request).startswith(b"HTTP/1.0 400"), request
            log = stop_and_read_log(process)
        assert "Traceback" not in log and "ERROR" not in log, log
        assert ("malformed request" in log) == logged, log


def test_v_logs_every_request_and_json_lines_parse() -> None:
    with serving("--port", "0", "-v", "--log-format", "json") as (port, process):
        get(port, "/api/v2/me", "agent1@example.com")
        log = stop_and_read_log(process)
    records = [json.loads(line) for line in log.splitlines() if line.strip()]
    requests = [record for record in records if record["logger"] == "aiohttp.access"]
    assert any("GET /api/v2/me" in record["message"] for record in requests), records
    assert all({"time", "level", "logger", "message"} <= set(record) for record in records)


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    runner = web.AppRunner(create_app(load_default(), journal_size=5))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession() as http:
            yield f"http://127.0.0.1:{port}", http
    finally:
        await runner.cleanup()


ADMIN = basic_auth("admin@example.com", "password")
AGENT = basic_auth("agent1@example.com", "password")


async def test_the_journal_shows_what_clients_sent_and_got(served) -> None:
    url, http = served
    async with http.post(f"{url}/api/v2/me", json={"operationName": "Nonsense"}, headers=AGENT) as answer:
        refused = await answer.json()
    async with http.get(f"{url}/api/v2/me", headers=basic_auth("agent1@example.com", "wrong")) as answer:
        assert answer.status == 401
    async with http.get(f"{url}/sim/journal", headers=ADMIN) as answer:
        entries = (await answer.json())["requests"]
    assert [(entry["method"], entry["path"], entry["status"]) for entry in entries] == [
        ("POST", "/api/v2/me", 400),
        ("GET", "/api/v2/me", 401),
    ]
    assert json.loads(entries[0]["request"]) == {"operationName": "Nonsense"}
    assert json.loads(entries[0]["answer"]) == refused
    assert entries[0]["user"] == "agent1@example.com" and entries[1]["user"] is None


async def test_the_journal_filters_is_bounded_clears_and_is_for_admins(served) -> None:
    url, http = served
    for _ in range(4):
        async with http.get(f"{url}/api/v2/me", headers=AGENT):
            pass
    async with http.get(f"{url}/api/v2/nowhere", headers=AGENT):
        pass
    async with http.get(f"{url}/api/v2/me/calls", headers=AGENT):
        pass
    async with http.get(f"{url}/sim/journal", headers=ADMIN) as answer:
        assert len((await answer.json())["requests"]) == 5  # the size it was given: the oldest went
    async with http.get(f"{url}/sim/journal?status=404", headers=ADMIN) as answer:
        assert [entry["path"] for entry in (await answer.json())["requests"]] == ["/api/v2/nowhere"]
    async with http.get(f"{url}/sim/journal?method=get&path=/api/v2/me/&limit=1", headers=ADMIN) as answer:
        assert [entry["path"] for entry in (await answer.json())["requests"]] == ["/api/v2/me/calls"]
    async with http.get(f"{url}/sim/journal?colour=red", headers=ADMIN) as answer:
        body = await answer.json()
        assert answer.status == 400 and body["statusCode"] == 2 and "colour" in body["statusMessage"]
    async with http.get(f"{url}/sim/journal", headers=AGENT) as answer:
        assert answer.status == 403
    async with http.delete(f"{url}/sim/journal", headers=ADMIN) as answer:
        assert (await answer.json())["statusCode"] == 0
    async with http.get(f"{url}/sim/journal", headers=ADMIN) as answer:
        assert (await answer.json())["requests"] == []


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
async def test_the_chosen_event_loop_serves_rest_and_long_polling(loop: str) -> None:
    """uvloop where it is installed (the default) or asyncio's own: either serves a CometD long-polling
    session the notification a REST request causes, and the banner names the loop."""
    from bayeux.client import BayeuxClient

    if loop == "uvloop":
        pytest.importorskip("uvloop")  # the test extra installs it wherever uvloop exists
    with serving("--port", "0", "--loop", loop) as (port, process):
        base = f"http://127.0.0.1:{port}"
        arrived: asyncio.Queue[dict] = asyncio.Queue()
        headers = basic_auth("agent1@example.com", "password")
        async with aiohttp.ClientSession() as http, BayeuxClient(
            f"{base}/api/v2/notifications", http=http, headers=headers, on_message=arrived.put_nowait,
            transport="long-polling",
        ) as client:  # fmt: skip
            await client.subscribe("/v2/me/devices")
            answer = await http.post(f"{base}/api/v2/me", json={"operationName": "StartContactCenterSession"},
                                     headers=headers)  # fmt: skip
            assert answer.status == 200
            message = await asyncio.wait_for(arrived.get(), 10)
        banner = getattr(process, "banner", "")
    assert message["channel"] == "/v2/me/devices"
    assert f"event loop: {loop}" in banner, banner


PROBE_THRESHOLDS = """
import atexit, gc, sys
atexit.register(lambda: print("thresholds", *gc.get_threshold()))
from simulator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_scenario_run_runs_with_the_collector_tuned() -> None:
    """gwsim's own processes let the young generation grow well past CPython's 700 allocations."""
    from simulator import collector

    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "mute.yaml"
    done = subprocess.run(
        [sys.executable, "-c", PROBE_THRESHOLDS, "run", str(scenario)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "thresholds " + " ".join(map(str, collector.THRESHOLDS))
    assert collector.THRESHOLDS[0] >= 10 * 700
