"""The README's table of every route is the server's route table: no route missing, none invented, and
the methods of each path as the server has them."""

from __future__ import annotations

import re
from pathlib import Path

from simulator.api.routes import route_table

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_lists_every_route_with_its_methods():
    section = README.read_text(encoding="utf-8").split("### Every route", 1)[1].split("\n### ", 1)[0]
    documented = {
        path: methods.split(", ")
        for path, methods in re.findall(r"^\| `([^`]+)` \| ([A-Z, ]+) \|$", section, flags=re.MULTILINE)
    }
    served: dict[str, list[str]] = {}
    for route in route_table().routes:
        served.setdefault(route.full_path, []).append(route.method)
    assert documented == served
