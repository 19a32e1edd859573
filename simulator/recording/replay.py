"""Replay: the inputs of a recording played on a fresh simulator, and its event stream compared.

The simulator runs in this process on a virtual clock, served on a loopback port, and every input goes
through HTTP as it did when recorded, with the credentials of the user who sent it (the password the
replaying contact center holds for that user now). Before each input the clock moves to the input's
recorded time, so timers fire where they fired while recording; clock moves are not sent, the times
carry them. Events compare field by field, times exactly when the recording's clock was virtual and
within `REAL_TOLERANCE` when it was real (real timers fire a little late).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from ..center_file import load, load_default
from ..core.contact_center import ContactCenter
from ..core.voice import VirtualClock
from ..core.world import World
from ..scenario.agent import basic_auth
from .recorder import VERSION, VERSIONS, Line, Recorder, normal

REAL_TOLERANCE = 0.5  # seconds an event's time may differ when the recording ran on real time
# fields a format version wrote incompletely, by event kind: a replay does not compare them
UNCOMPARED = {1: {"CenterChanged": frozenset({"user_ids"})}}
CLOCK = "/sim/clock"


class RecordingError(Exception):
    """A file that is not a recording (or not one this version reads): the message says where."""


@dataclass
class Recorded:
    header: Line
    inputs: list[Line]
    events: list[Line]
    end: Line | None

    @property
    def duration(self) -> float:
        if self.end is not None:
            return float(self.end["time"])
        times = [float(line["time"]) for line in (*self.inputs, *self.events)]
        return max(times, default=0.0)


@dataclass
class Outcome:
    """What the replay found: `difference` is None when every event matched."""

    events: int  # events compared (of the longer stream)
    difference: str | None
    skipped: list[str]  # inputs that could not be played (uploads), said so

    @property
    def identical(self) -> bool:
        return self.difference is None


def read(path: str | Path) -> Recorded:
    return parse(Path(path).read_text(encoding="utf-8").splitlines(), str(path))


def parse(lines: Iterable[str], source: str = "recording") -> Recorded:
    header: Line | None = None
    inputs: list[Line] = []
    events: list[Line] = []
    end: Line | None = None
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            line = orjson.loads(text)
        except orjson.JSONDecodeError as problem:
            raise RecordingError(f"{source}:{number}: not JSON: {problem}") from None
        kind = line.get("type") if isinstance(line, dict) else None
        if header is None:
            if kind != "recording":
                raise RecordingError(f"{source}:{number}: the first line must be the recording header")
            version = line.get("version")
            if type(version) is not int or version not in VERSIONS:
                raise RecordingError(
                    f"{source}:{number}: version {version!r} is not a recording format this simulator reads"
                    f" (versions {VERSIONS[0]} to {VERSION})"
                )
            header = line
        elif kind == "input":
            inputs.append(line)
        elif kind == "event":
            events.append(line)
        elif kind == "end":
            end = line
        else:
            raise RecordingError(f"{source}:{number}: unknown line type {kind!r}")
    if header is None:
        raise RecordingError(f"{source}: empty: no recording header")
    return Recorded(header, inputs, events, end)


async def replay(recorded: Recorded, contact_center: str | None = None) -> Outcome:
    """Play `recorded`'s inputs on a fresh simulator over `contact_center` (default: the recording's)."""
    from ..api.keys import WORLD
    from ..app import create_app  # the application imports the whole API: only replays need it

    path = contact_center if contact_center is not None else recorded.header.get("contactCenter")
    center = load(path) if path else load_default()
    clock = VirtualClock()
    app = create_app(center, clock=clock)
    world = app[WORLD]
    lines: list[Line] = []
    recorder = Recorder(world, lines.append)
    recorder.start()
    runner = web.AppRunner(app, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    skipped: list[str] = []
    try:
        async with aiohttp.ClientSession() as http:
            for entry in recorded.inputs:
                _move_clock(world, recorder, float(entry["time"]))
                if entry["path"] == CLOCK:
                    continue
                if "upload" in entry:
                    skipped.append(f"{entry['method']} {entry['path']} (a file upload)")
                    continue
                await _send(http, f"http://127.0.0.1:{port}", entry, center)
            _move_clock(world, recorder, recorded.duration)
    finally:
        recorder.stop()
        await runner.cleanup()
    replayed = [normal(line) for line in lines if line["type"] == "event"]
    tolerance = REAL_TOLERANCE if recorded.header.get("clock") == "real" else 0.0
    return Outcome(max(len(replayed), len(recorded.events)), compare(recorded, replayed, tolerance), skipped)


def _move_clock(world: World, recorder: Recorder, to: float) -> None:
    ahead = to - recorder.now()
    if ahead > 0:
        world.advance(ahead)


async def _send(http: aiohttp.ClientSession, base: str, entry: Line, center: ContactCenter) -> None:
    url = base + entry["path"] + (f"?{entry['query']}" if entry.get("query") else "")
    user = center.user_named(entry["user"]) if entry.get("user") else None
    headers = basic_auth(user.userName, user.password) if user is not None else {}
    data = None
    if "body" in entry:
        data = orjson.dumps(entry["body"])
    elif "bodyBase64" in entry:
        data = base64.b64decode(entry["bodyBase64"])
    if data is not None:
        headers["Content-Type"] = "application/json"
    async with http.request(entry["method"], url, data=data, headers=headers) as response:
        await response.read()


def compare(recorded: Recorded, replayed: list[Line], tolerance: float = 0.0) -> str | None:
    """Where the replayed events first differ from the recorded ones, said for a person; None if nowhere."""
    uncompared = UNCOMPARED.get(recorded.header.get("version", VERSION), {})
    for index, (was, now) in enumerate(zip(recorded.events, replayed, strict=False)):
        problem = _difference(was, now, tolerance, uncompared.get(str(was.get("kind")), frozenset()))
        if problem is not None:
            where = f"event {index + 1} differs ({problem}){_after(recorded, was)}"
            return f"{where}\n  recorded: {_show(was)}\n  replayed: {_show(now)}"
    if len(recorded.events) > len(replayed):
        was = recorded.events[len(replayed)]
        return f"event {len(replayed) + 1} is missing from the replay{_after(recorded, was)}\n  recorded: {_show(was)}"
    if len(replayed) > len(recorded.events):
        return f"event {len(recorded.events) + 1} was not recorded\n  replayed: {_show(replayed[len(recorded.events)])}"
    return None


def _difference(was: Line, now: Line, tolerance: float, uncompared: frozenset[str]) -> str | None:
    if was.get("kind") != now.get("kind"):
        return f"kind {was.get('kind')} recorded, {now.get('kind')} replayed"
    if abs(float(was["time"]) - float(now["time"])) > tolerance:
        return f"time {was['time']} recorded, {now['time']} replayed"
    for key in sorted(set(was) | set(now)):
        if key in ("time", "type") or key in uncompared:
            continue
        if was.get(key) != now.get(key):
            return f"{key}{_path_of(was.get(key), now.get(key))}"
    return None


def _path_of(was: Any, now: Any) -> str:
    """The dotted path inside a field where two values first differ ('' when they differ as a whole)."""
    if isinstance(was, dict) and isinstance(now, dict):
        for key in sorted(set(was) | set(now), key=str):
            if was.get(key) != now.get(key):
                return f".{key}{_path_of(was.get(key), now.get(key))}"
    if isinstance(was, list) and isinstance(now, list) and len(was) == len(now):
        for index, (a, b) in enumerate(zip(was, now, strict=True)):
            if a != b:
                return f".{index}{_path_of(a, b)}"
    return ""


def _after(recorded: Recorded, event: Line) -> str:
    """The input the event followed, to find its cause."""
    before = [entry for entry in recorded.inputs if entry["seq"] < event["seq"]]
    if not before:
        return ""
    entry = before[-1]
    return f", after input {recorded.inputs.index(entry) + 1}: {entry['method']} {entry['path']} at t={entry['time']:g}"


def _show(line: Line) -> str:
    shown = {key: value for key, value in line.items() if key != "type"}
    text = orjson.dumps(shown).decode()
    return text if len(text) <= 600 else text[:597] + "..."
