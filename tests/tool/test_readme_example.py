"""The pytest example in README.md runs as written, in a fresh pytest process that loads the `gwsim`
plugin through the package's entry point (as a team's own project would)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).parents[2] / "README.md"


def example() -> str:
    section = README.read_text(encoding="utf-8").split("## Testing your client with pytest", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None, "the README has no python example under 'Testing your client with pytest'"
    return match.group(1)


def test_the_readme_example_passes_with_the_installed_plugin(tmp_path: Path) -> None:
    (tmp_path / "test_example.py").write_text(example(), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
