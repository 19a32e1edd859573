"""Every shell command in the docs works as written, so a doc cannot drift from the code.

The ```sh blocks of each doc are run line by line, in order, from the checkout's root with its `.venv/bin`
first on PATH, each bounded in time. The only liberties: the ports the docs name (8080 to 8082, 9000, and
Redis's 6379) are replaced by free ones (also as `GWSIM_PORT` and make's `PORT`, which default to 8080),
and `pip install` goes into a throwaway virtualenv. A line that starts a server (`gwsim serve`, `make run`,
`redis-server`) runs until the doc is done or another server takes its port; the next line starts once the
server answers /health (Redis: once it accepts connections). The commands not run are listed below with
the reason, and each must still appear in a doc, with options its program has.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("README.md", "scenarios/README.md", "bayeux/README.md", "bench/README.md", "simulator/contact_center.md")
PORTS = ("8080", "8081", "8082", "9000", "6379")
BOUND = 300  # seconds any one command may take
BLOCK = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.M | re.S)
SERVERS = ("make run", "gwsim serve", "gwsim record", "GWSIM_", "redis-server")
MADE = ("results.xml", "run.jsonl", "run.yaml", "hour.csv")  # files the docs' commands write in the checkout
NOT_RUN = {
    "make test": "the whole test suite, of which this test is part",
    "make bench": "the benchmarks: minutes of load, measured in bench/, never in tests",
    ".venv/bin/python -m bench": "the benchmarks: minutes of load",
    ".venv/bin/python bench/simulated_hour.py": "a benchmark: repeated simulated hours",
    "sleep ": "profiles a benchmark started on the line before",
    ".venv/bin/st ": "a long fuzzing run against a running server; tests/api/test_rest_fuzz.py runs a short one",
}
HELP = {  # how to ask a command not run which options it has
    ".venv/bin/python -m bench.cluster": [".venv/bin/python", "-m", "bench.cluster", "--help"],
    ".venv/bin/python -m bench.hotpath": [".venv/bin/python", "-m", "bench.hotpath", "--help"],
    ".venv/bin/python -m bench": [".venv/bin/python", "-m", "bench", "--help"],
    ".venv/bin/python bench/simulated_hour.py": [".venv/bin/python", "bench/simulated_hour.py", "--help"],
    ".venv/bin/st ": ["bash", "-c", ".venv/bin/st --help && .venv/bin/st run --help"],
    "make bench": None,
    "make test": None,
}


def commands(doc: str) -> list[str]:
    """The doc's shell lines, a line continued with a backslash joined to the next as the shell joins them."""
    text = (ROOT / doc).read_text()
    return [line for block in BLOCK.findall(text) for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def reason_not_run(command: str) -> str | None:
    return next((why for prefix, why in NOT_RUN.items() if command.startswith(prefix)), None)


class Doc:
    """One doc's commands run in order, with the servers its lines started."""

    def __init__(self) -> None:
        self.ports = {port: free_port() for port in PORTS}
        self.servers: dict[str, subprocess.Popen[bytes]] = {}
        bin_ = ROOT / ".venv" / "bin"
        self.env = {**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}"}
        self.env.update(GWSIM_PORT=self.ports["8080"], PORT=self.ports["8080"])

    def local(self, command: str) -> str:
        return re.sub(r"\b(8080|8081|8082|9000|6379)\b", lambda match: self.ports[match.group(1)], command)

    def run(self, command: str, tmp: Path) -> None:
        line = self.local(command)
        starts_server = "serve" in command or "record" in command or command.startswith("make run")
        if command.startswith(SERVERS) and starts_server:
            self.serve(line)
        elif command.startswith("pip install"):
            venv = tmp / "venv"
            subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=BOUND)
            self.check(line, tmp, {**self.env, "PATH": f"{venv / 'bin'}{os.pathsep}{self.env['PATH']}"})
        else:
            self.check(line, tmp, self.env)

    def check(self, line: str, tmp: Path, env: dict[str, str]) -> None:
        result = subprocess.run(["bash", "-c", line], cwd=ROOT, env=env, capture_output=True, text=True, timeout=BOUND)
        assert result.returncode == 0, (
            f"{line}: exit {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )

    def serve(self, line: str) -> None:
        port = self.port_of(line)
        self.stop(port)
        self.servers[port] = subprocess.Popen(
            ["bash", "-c", re.sub(r"\s*#.*$", "", line).rstrip(" &")],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # make and its gwsim are stopped together
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if line.startswith("redis-server"):  # no /health: answering on its port is being up
                    socket.create_connection(("127.0.0.1", int(port)), timeout=5).close()
                    return
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
                    assert answer.status == 200
                    return
            except OSError:
                assert self.servers[port].poll() is None, f"{line}: the server exited"
                assert time.monotonic() < deadline, f"{line}: no answer on /health within 60 s"
                time.sleep(0.2)

    def port_of(self, line: str) -> str:
        given = re.search(r"(?:--port |GWSIM_PORT=|PORT=)(\d+)", line)
        return given.group(1) if given else self.ports["8080"]

    def stop(self, port: str) -> None:
        server = self.servers.pop(port, None)
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    def close(self) -> None:
        for port in list(self.servers):
            self.stop(port)


@pytest.mark.timeout(BOUND * 3)
@pytest.mark.parametrize("doc", DOCS)
def test_every_command_of_the_doc_works_as_written(doc: str, tmp_path: Path) -> None:
    run = Doc()
    try:
        for command in commands(doc):
            if reason_not_run(command) is None:
                run.run(command, tmp_path)
    finally:
        run.close()
        for made in MADE:
            (ROOT / made).unlink(missing_ok=True)


def test_the_commands_not_run_are_documented_and_their_options_exist() -> None:
    skipped = [command for doc in DOCS for command in commands(doc) if reason_not_run(command) is not None]
    for prefix in NOT_RUN:
        assert any(command.startswith(prefix) for command in skipped), f"{prefix!r} is in no doc any more"
    for command in skipped:
        program = next((prefix for prefix in HELP if command.startswith(prefix)), None)
        if command.startswith("sleep "):
            continue
        assert program is not None, f"{command}: no way to check its options"
        if HELP[program] is None:
            continue
        shown = subprocess.run(HELP[program], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
        for option in re.findall(r"(?<!\S)(--[a-z][a-z-]*)", command.split("#")[0].split("&")[0]):
            assert option in shown, f"{command}: {option} is not an option of {shlex.join(HELP[program])}"


def test_the_readme_links_only_to_its_own_sections() -> None:
    """The README is also the package's description on an index and in the installed metadata, where a
    link relative to the checkout leads nowhere: it names other files as text, with where the package
    installs them. (The screenshot is the one picture; its alt text says what it shows.)"""
    text = (ROOT / "README.md").read_text()
    relative = [target for target in re.findall(r"(?<!!)\[[^\]]*\]\(([^)]+)\)", text) if not target.startswith("#")]
    assert relative == [], relative
