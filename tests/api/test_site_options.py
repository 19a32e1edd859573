"""The server options of the contact-center file (`server:`) and of `gwsim serve`: CORS origins, CSRF,
the release profile and HTTP session lifetime."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator.center_file import parse
from simulator.core.contact_center import ContactCenterError
from simulator.core.site import SiteOptions

USERS = "users:\n  - {userName: a@example.com, password: p}\n"


def test_the_server_section_sets_every_option():
    center = parse(
        USERS + "server:\n  allowOrigins: ['http://localhost:3000', 'https://crm.example']\n  csrf: true\n"
        "  profile: '8.5.2'\n  sessionIdleTimeout: 60\n  maxSessions: 5\n",
        "center.yaml",
    )
    assert center.site == SiteOptions(
        allow_origins=("http://localhost:3000", "https://crm.example"),
        csrf=True,
        profile="8.5.2",
        session_idle_timeout=60,
        max_sessions=5,
    )
    assert parse(USERS, "center.yaml").site == SiteOptions()  # defaults: the reference, no CSRF, own origin


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("  allowOrigins: ['localhost:3000']\n", "center.yaml:4: server.allowOrigins[0] 'localhost:3000' is not"),
        ("  allowOrigins: ['http://a.example/app']\n", "center.yaml:4: server.allowOrigins[0]"),
        ("  profile: '9.0'\n", "center.yaml:4: server.profile must be one of 8.5.1, 8.5.2"),
        ("  csrf: maybe\n", "center.yaml:4: server.csrf must be true or false"),
        ("  sessionIdleTimeout: 0\n", "center.yaml:4: server.sessionIdleTimeout must be above 0"),
        ("  maxSessions: 0\n", "center.yaml:4: server.maxSessions must be 1 or more"),
        ("  cors: yes\n", "center.yaml:4: server.cors is not a known field"),
    ],
)
def test_mistakes_in_the_server_section_name_the_line_and_field(section, expected):
    with pytest.raises(ContactCenterError) as problem:
        parse(USERS + "server:\n" + section, "center.yaml")
    assert str(problem.value).startswith(expected)


def _banner(*options: str) -> str:
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line.rstrip())
            if "press Ctrl+C" in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=30)
    return "\n".join(lines)


def test_gwsim_serve_options_add_to_the_file_and_show_in_the_banner(tmp_path: Path):
    center = tmp_path / "center.yaml"
    center.write_text(USERS + "server:\n  allowOrigins: ['http://localhost:3000']\n")
    banner = _banner(
        "--contact-center", str(center), "--allow-origin", "http://localhost:5173", "--csrf", "--profile", "8.5.2"
    )
    assert "profile 8.5.2; CSRF on; browser origins: http://localhost:3000, http://localhost:5173" in banner
    assert "profile 8.5.1; CSRF off; browser origins: this origin only" in _banner()


def test_gwsim_serve_refuses_an_origin_that_is_not_one():
    result = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "serve", "--allow-origin", "localhost:3000"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "'localhost:3000' is not an origin" in result.stderr
