"""The library of ready scenarios installed with the package (the `scenarios/` folder of the source tree),
found by name so `gwsim run --library queue_routing` works wherever the package is installed."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import yaml

FOLDER = Path(__file__).resolve().parent.parent / "library"


class UnknownScenario(LookupError):
    """A name or pattern that matches no scenario of the library."""


def names() -> list[str]:
    """Every scenario of the library, by name (its file name without `.yaml`), sorted."""
    return sorted(path.stem for path in FOLDER.glob("*.yaml"))


def find(pattern: str) -> list[Path]:
    """The files of the scenarios whose names match `pattern` (a name, or a shell pattern such as `chat_*`)."""
    found = [FOLDER / f"{name}.yaml" for name in names() if fnmatch.fnmatchcase(name, pattern)]
    if not found:
        raise UnknownScenario(f"no library scenario {pattern!r} (gwsim scenarios lists them)")
    return found


def title(name: str) -> str:
    """The one-line `name:` a library scenario declares, read without checking the whole file."""
    with open(FOLDER / f"{name}.yaml", encoding="utf-8") as file:
        for line in file:
            if line.startswith("name:"):
                return str(yaml.safe_load(line)["name"])
    return ""
