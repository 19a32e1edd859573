"""The tables: markdown, printed while running and written to bench/results/ with the machine and command.

Ratios are always ours divided by theirs, so for delivered messages per second more than 1 means ours
delivers more, and for latencies less than 1 means ours is faster.
"""

from __future__ import annotations

import datetime
import os
import platform
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import psutil

from .fanout import KNEE_P99_MS, Load, StepResult
from .memory import MemoryResult

OURS = "bayeux (ours)"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _ms(value: float) -> str:
    return f"{value:.1f}"


def fanout_table(results: Sequence[StepResult]) -> str:
    rows = [
        [
            r.server,
            r.transport,
            f"{r.published_per_second:.0f}",
            f"{r.delivered_per_second:.0f}",
            f"{100 * r.delivered_share:.1f}",
            _ms(r.ms(50)),
            _ms(r.ms(99)),
            _ms(r.ms(99.9)),
            f"{r.server_cpu_percent:.0f}",
            f"{r.server_us_per_delivery:.0f}",
            f"{r.driver_cpu_percent:.0f}",
            f"{r.others_cpu_percent:.0f}",
            r.errors + r.publish_failures,
        ]
        for r in results
    ]
    header = ["server", "transport", "published/s", "delivered/s", "delivered %", "p50 ms", "p99 ms", "p99.9 ms"]
    cpu = ["server CPU %", "server CPU us/msg", "driver CPU %", "others' CPU %"]
    return table([*header, *cpu, "errors"], rows)


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs > 0 else "n/a"


def _knee_ratio(knees: dict[tuple[str, str], StepResult | None], ours: tuple[str, str], theirs: tuple[str, str]) -> str:
    """A ratio of knees only when both held somewhere; otherwise which side held none."""
    if ours not in knees or theirs not in knees:
        return ""
    knee_ours, knee_theirs = knees[ours], knees[theirs]
    if knee_ours and knee_theirs:
        return _ratio(knee_ours.rate, knee_theirs.rate)
    if knee_theirs:
        return f"ours none, theirs {knee_theirs.rate:.0f}"
    if knee_ours:
        return f"ours {knee_ours.rate:.0f}, theirs none"
    return "neither held"


def ratio_table(results: Sequence[StepResult], knees: dict[tuple[str, str], StepResult | None]) -> str:
    """Ours against each peer on the same transport."""
    rows = []
    for ours in (r for r in results if r.server == OURS):
        for theirs in (r for r in results if r.server != OURS and r.transport == ours.transport):
            knee = _knee_ratio(knees, (ours.server, ours.transport), (theirs.server, theirs.transport))
            rows.append(
                [
                    ours.transport,
                    f"ours / {theirs.server}",
                    _ratio(ours.delivered_per_second, theirs.delivered_per_second),
                    _ratio(ours.ms(50), theirs.ms(50)),
                    _ratio(ours.ms(99), theirs.ms(99)),
                    _ratio(ours.ms(99.9), theirs.ms(99.9)),
                    _ratio(ours.server_us_per_delivery, theirs.server_us_per_delivery),
                    knee,
                ]
            )
    header = ["transport", "ratio", "delivered/s", "p50", "p99", "p99.9", "server CPU per msg", "knee rate"]
    return table(header, rows)


def knee_table(knees: dict[tuple[str, str], StepResult | None], tried: dict[tuple[str, str], list[StepResult]]) -> str:
    rows = []
    for (server, transport), knee in knees.items():
        steps = tried[(server, transport)]
        last = steps[-1] if steps else None
        rows.append(
            [
                server,
                transport,
                f"{knee.rate:.0f}" if knee else "none held",
                f"{knee.delivered_per_second:.0f}" if knee else "",
                _ms(knee.ms(99)) if knee else "",
                _over(last),
                f"{max(s.driver_cpu_percent for s in steps):.0f}" if steps else "",
                f"{sum(s.others_cpu_percent for s in steps) / len(steps):.0f}" if steps else "",
            ]
        )
    header = ["server", "transport", f"knee msg/s (p99 < {KNEE_P99_MS:.0f} ms)", "delivered/s there", "p99 ms there"]
    return table([*header, "search ended at", "max driver CPU %", "mean others' CPU %"], rows)


def _over(last: StepResult | None) -> str:
    """The step that ended the search."""
    if last is None:
        return ""
    if last.holds():
        return "none: every step held"
    return f"{last.rate:.0f} msg/s: p99 {_ms(last.ms(99))} ms, {100 * last.delivered_share:.0f}% delivered"


def memory_table(results: Sequence[MemoryResult]) -> str:
    rows = [
        [
            m.server,
            m.transport,
            f"{m.connected}/{m.sessions}",
            f"{m.rss_before / 2**20:.1f}",
            f"{m.rss_after / 2**20:.1f}",
            f"{m.per_session / 1024:.2f}",
        ]
        for m in results
    ]
    return table(["server", "transport", "sessions", "RSS before MiB", "RSS after MiB", "KiB per session"], rows)


def machine() -> str:
    memory = psutil.virtual_memory().total / 2**30
    cpu = platform.processor() or platform.machine()
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.1f} GiB memory, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def header(load: Load, rate: float, duration: float) -> str:
    now = datetime.datetime.now(datetime.UTC)
    command = shlex.join(["python", "-m", "bench", *sys.argv[1:]])
    return "\n".join(
        [
            f"date: {now:%Y-%m-%d %H:%M} UTC",
            f"machine: {machine()}",
            f"command: `{command}`",
            f"load: {load.clients} clients, {load.rooms} rooms, {load.per_client} rooms per client, batches of "
            f"{load.batch} messages of 50 bytes, {load.drivers} driver process(es); fan-out at {rate:.0f} msg/s "
            f"for {duration:.0f} s",
        ]
    )


def save(text: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d-%H%M}.md"
    path.write_text(text + "\n")
    return path
