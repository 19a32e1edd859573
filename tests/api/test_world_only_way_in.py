"""The REST layer changes the contact center only through the World.

mypy refuses a write on `Context.center` (a `CenterReads`), which the first test shows on a probe
module; the others hold the same line where types do not reach (a parameter typed `Any`, a function
left unannotated) by reading the source of every module of simulator.api, and of the modules adding
routes with it: whatever is called or read on the contact center is one of the reads `CenterReads`
lists, and nothing reaches the contact center the World holds (`world.center`).
"""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pytest
from mypy import api as mypy

import simulator.api
from simulator.api.resources import Context
from simulator.core.center_reads import CenterReads
from simulator.core.contact_center import ContactCenter
from simulator.core.world import World

PACKAGE = Path(simulator.__file__).parent
# simulator.api, and the modules elsewhere that add REST routes with it (/sim/faults, /sim/recording...)
API_MODULES = sorted(Path(simulator.api.__file__).parent.glob("*.py")) + sorted(
    path
    for path in PACKAGE.glob("*/*.py")
    if path.parent.name != "api" and "from ..api.route_factories import" in path.read_text()
)
READS = frozenset(name for name in vars(CenterReads) if not name.startswith("_"))
# Every change of the contact center: what @provisions wraps, and the passwords (changed without a revision).
WRITES = frozenset(
    name
    for name, member in inspect.getmembers(ContactCenter)
    if not name.startswith("_") and hasattr(member, "__wrapped__")
) | {"change_password", "reset_password"}


# What the World holds and runs: the API asks the World, never these directly.
ENGINES = frozenset({"center", "telephony", "media", "router", "places", "events"})


def _is_center(node: ast.expr) -> bool:
    """`center`, `ctx.center`, `self.center` or `app[CENTER]`: the contact center as the API holds it."""
    if isinstance(node, ast.Name):
        return node.id == "center"
    if isinstance(node, ast.Attribute):
        return node.attr == "center"
    return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name) and node.slice.id == "CENTER"


def _is_world(node: ast.expr) -> bool:
    """`world`, `ctx.world` or `app[WORLD]`."""
    if isinstance(node, ast.Name):
        return node.id == "world"
    if isinstance(node, ast.Attribute):
        return node.attr == "world"
    return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name) and node.slice.id == "WORLD"


def _offences(source: str) -> list[str]:
    offences = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        if _is_center(node.value) and node.attr not in READS:
            offences.append(f"line {node.lineno}: .{node.attr} on the contact center is not a read of CenterReads")
        if node.attr in ENGINES and _is_world(node.value):
            offences.append(f"line {node.lineno}: reaches past the World to its {node.attr}")
    return offences


PROBE = """
from simulator.api.resources import Context


def create(ctx: Context, values: dict) -> None:
    ctx.world.add_user(**values)
    ctx.center.user_named("ann@example.com")
    ctx.center.add_user(**values)
"""


def test_mypy_refuses_a_write_on_the_request_context_center(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    out, _err, status = mypy.run(
        ["--cache-dir", str(tmp_path / "cache"), "--follow-imports=silent", "--no-error-summary", str(probe)]
    )
    assert status == 1
    assert out.splitlines() == [f'{probe}:8: error: "CenterReads" has no attribute "add_user"  [attr-defined]']


def test_the_writes_are_known_and_none_is_a_read() -> None:
    assert {"add_user", "assign_device", "update_setting", "set_features", "remove_queue"} <= WRITES
    assert not READS & WRITES
    assert "telephony" not in READS  # the voice core's state is read through the World


def test_the_contact_center_offers_every_read() -> None:
    center = ContactCenter()
    assert all(hasattr(center, name) for name in READS)


def test_every_write_the_api_needs_is_a_method_of_the_world() -> None:
    used = {
        node.attr
        for path in API_MODULES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr in WRITES and _is_world(node.value)
    }
    assert {"add_user", "remove_device", "update_setting", "add_queue", "change_password"} <= used
    assert all(callable(getattr(World, name, None)) for name in used)


def test_the_route_modules_outside_the_api_are_read_too() -> None:
    assert {"faults/control.py", "statistics/api.py", "recording/control.py"} <= {
        str(path.relative_to(PACKAGE)) for path in API_MODULES
    }


def test_the_request_context_holds_the_contact_center_read_only() -> None:
    hints = typing.get_type_hints(Context)
    assert hints["center"] is CenterReads
    assert hints["world"] is World


@pytest.mark.parametrize("path", API_MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_api_module_changes_the_contact_center_past_the_world(path: Path) -> None:
    assert _offences(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "ctx.center.add_user(**values)",
        "lambda center, user: center.remove_user(user)",
        "self.center.set_features([])",
        "request.app[CENTER].assign_skill(user, skill)",
        "ctx.world.center.add_device(**values)",
        "request.app[WORLD].center.users",
        "center.telephony.calls_of_user(user.id)",
    ],
)
def test_a_bypass_is_caught(source: str) -> None:
    assert _offences(source)


def test_reads_and_changes_through_the_world_pass() -> None:
    assert _offences("ctx.world.add_user(**values); ctx.center.user(user_id); center.devices_of(user)") == []
