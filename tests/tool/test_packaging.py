"""The package as a user gets it: a wheel installed into a fresh virtualenv outside the checkout, with the
lowest versions of its dependencies that pyproject.toml allows, and an sdist whose tests run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tomllib
import urllib.request
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
FLOOR = re.compile(r"^([A-Za-z0-9_.-]+)>=([0-9][0-9.]*)$")


def floors() -> list[str]:
    """Every dependency pinned at its floor: `aiohttp>=3.14` becomes `aiohttp==3.14`."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = []
    for requirement in project["dependencies"]:
        match = FLOOR.match(requirement.replace(" ", ""))
        assert match, f"{requirement}: a dependency needs a floor (name>=version) and nothing else"
        pins.append(f"{match.group(1)}=={match.group(2)}")
    return pins


def run(*command: str | Path, cwd: Path, timeout: float = 300, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )
    assert result.returncode == 0, f"{command}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # the sdist, then the wheel built from it (in a temporary folder, so the checkout gets no build/)
    run(sys.executable, "-m", "build", "--outdir", out, ROOT, cwd=out, timeout=600)
    return out


def test_the_wheel_on_the_dependency_floors_serves_and_runs_library_scenarios(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    bin_ = venv / "bin"
    wheel = next(dist.glob("*.whl"))
    run(bin_ / "pip", "install", "--quiet", "--only-binary", ":all:", *floors(), wheel, cwd=tmp_path, timeout=600)
    freeze = run(bin_ / "pip", "list", "--format", "freeze", cwd=tmp_path)
    installed = {
        canonicalize_name(name): Version(version) for name, version in re.findall(r"^(.+)==(.+)$", freeze, re.M)
    }
    for pin in floors():
        name, version = pin.split("==")
        assert installed.get(canonicalize_name(name)) == Version(version), f"{pin} not installed: {freeze}"
    from simulator import __version__

    assert run(bin_ / "gwsim", "--version", cwd=tmp_path).strip() == f"gwsim {__version__}"
    assert run(bin_ / "python", "-m", "simulator", "--version", cwd=tmp_path).strip() == f"gwsim {__version__}"
    listing = run(bin_ / "gwsim", "scenarios", cwd=tmp_path)
    assert re.search(r"^simulated_hour +One simulated hour", listing, re.M), listing
    ran = run(bin_ / "gwsim", "run", "--library", "queue_routing", cwd=tmp_path)
    assert "1 scenario runs: 1 passed, 0 failed" in ran, ran
    # the hour's contact-center file is installed beside it: check loads it (running it is an hour of traffic)
    checked = run(bin_ / "gwsim", "check", "--library", "simulated_hour", cwd=tmp_path)
    assert checked.strip() == "1 scenario file(s) OK", checked
    located = run(bin_ / "python", "-c", "import simulator; print(simulator.__file__)", cwd=tmp_path)
    assert located.startswith(str(venv)), located  # the installed package, not the checkout

    server = subprocess.Popen(
        [bin_ / "gwsim", "serve"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GWSIM_PORT": "0"},
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        port = re.search(r"http://127\.0\.0\.1:(\d+)/api/v2", banner)
        assert port, banner
        with urllib.request.urlopen(f"http://127.0.0.1:{port.group(1)}/health", timeout=10) as answer:
            assert answer.status == 200
            assert b'"status":"ok"' in answer.read()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_sdist_holds_the_tests_with_their_helpers_and_they_run(dist: Path, tmp_path: Path) -> None:
    sdist = next(dist.glob("*.tar.gz"))
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    tree = next(tmp_path.glob("gws_simulator-*"))
    for helper in [*ROOT.glob("tests/*.py"), *ROOT.glob("tests/support/*.py")]:  # conftest, clients and rigs
        where = helper.relative_to(ROOT)
        assert (tree / where).is_file(), f"{where} is missing from the sdist"
    assert (tree / "LICENSE").is_file()
    assert (tree / "simulator" / "library" / "centers" / "twenty_agents.yaml").is_file()
    out = run(
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/scenario/test_scenario_values.py",
        "tests/tool/test_yaml_nodes.py",
        cwd=tree,
    )
    assert re.search(r"\d+ passed", out) and "failed" not in out, out
    where = run(sys.executable, "-c", "import simulator; print(simulator.__file__)", cwd=tree)
    assert where.startswith(str(tree)), where  # the tests above ran on the sdist's own code
