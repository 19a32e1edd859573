"""A recording: a header line, then the World's events and the inputs that reached it, in order.

Every line is a JSON object with a `type`: `recording` (the header: format version, the contact-center
file, the clock's mode), `event` (one event of the stream, as `events.plain` makes it), `input` (a
request that reached the World, written when it was answered: method, path, query, the user, the body
sent, the HTTP status and the answer), `end` (when the recording stopped). Sequence numbers and times are
counted from the recording's start, so a recording started on a World that already ran compares with a
replay on a fresh one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from ..core.events import Event, plain
from ..core.voice import VirtualClock
from ..core.world import World

VERSION = 2
# Version 2: a CenterChanged event names every user the change concerns, the users it creates and those
# passed by keyword included; version 1 left some out, so its `user_ids` are not compared on replay.
VERSIONS = (1, 2)  # the formats replay reads
MAX_LINES = 200_000  # a recording kept in memory (POST /sim/recording) stops growing past this
Line = dict[str, Any]
Sink = Callable[[Line], None]


def encode(line: Line) -> bytes:
    """One line of a recording file (without its newline): anything not JSON becomes its text."""
    return orjson.dumps(line, default=str)


def normal(line: Line) -> Line:
    """A line as a file holds it (tuples as lists, every value JSON), so lines compare equal however made."""
    decoded: Line = orjson.loads(encode(line))
    return decoded


class Recorder:
    """Hands every event of `world` (from `start` to `stop`) and every input it is told of to `sink`."""

    def __init__(self, world: World, sink: Sink, contact_center: str | None = None) -> None:
        self.world = world
        self.sink = sink
        self.contact_center = contact_center
        self.events = 0
        self.inputs = 0
        self._seq0 = 0
        self._time0 = 0.0
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def recording(self) -> bool:
        return self._unsubscribe is not None

    def start(self) -> None:
        self._seq0 = self.world.events.seq
        self._time0 = self.world.clock.now()
        mode = "virtual" if isinstance(self.world.clock, VirtualClock) else "real"
        self.sink({"type": "recording", "version": VERSION, "contactCenter": self.contact_center, "clock": mode})
        self._unsubscribe = self.world.events.subscribe(self._event)

    def stop(self) -> None:
        if self._unsubscribe is None:
            return
        self._unsubscribe()
        self._unsubscribe = None
        self.sink({"type": "end", "time": self.now(), "events": self.events, "inputs": self.inputs})

    def now(self) -> float:
        """Simulated seconds since the recording started."""
        return self.world.clock.now() - self._time0

    def seq(self) -> int:
        """Events recorded so far."""
        return self.world.events.seq - self._seq0

    def _event(self, event: Event) -> None:
        self.events += 1
        line = plain(event)
        line["seq"] -= self._seq0
        line["time"] -= self._time0
        self.sink({"type": "event", **line})

    def input(self, request: Line, arrived: int) -> None:
        """A request that reached the World (`request`: method, path, query, user, body, status, answer),
        which arrived after `arrived` events of the recording and is answered now."""
        if self._unsubscribe is None:
            return
        self.inputs += 1
        self.sink({"type": "input", "seq": arrived, "time": self.now(), **request})


class Recording:
    """The application's recorder, if one runs: started from `gwsim record` on a file, or by
    `POST /sim/recording` in memory (read back with GET)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.contact_center: str | None = None  # the file the server loaded, named in the header
        self.recorder: Recorder | None = None
        self.lines: list[Line] = []  # the in-memory recording, the current or the last one

    @property
    def active(self) -> bool:
        return self.recorder is not None and self.recorder.recording

    def start_to(self, sink: Sink) -> Recorder:
        self.recorder = Recorder(self.world, sink, self.contact_center)
        self.recorder.start()
        return self.recorder

    def start_in_memory(self) -> Recorder:
        self.lines = []

        def keep(line: Line) -> None:
            if len(self.lines) < MAX_LINES or line["type"] == "end":
                self.lines.append(line)

        return self.start_to(keep)

    def stop(self) -> Recorder | None:
        recorder = self.recorder
        if recorder is not None:
            recorder.stop()
        return recorder

    def seq(self) -> int:
        return self.recorder.seq() if self.active and self.recorder is not None else 0

    def input(self, request: Line, arrived: int) -> None:
        if self.active and self.recorder is not None:
            self.recorder.input(request, arrived)
