"""The running simulation: one contact center, the voice core over it, the clock they share, and the
simulated world outside the agents (external callers).

Everything that changes the simulation at run time goes through a `World`: REST handlers, the control
API under /sim, scenario steps and timers. It stays synchronous and free of I/O: events leave through
the sink it was given (the notifier), and time comes from its clock.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from .contact_center import ContactCenter
from .directory import CenterDirectory
from .media import MediaEvent, MediaOptions, Multimedia
from .queues import Queue
from .refusals import INVALID, Refusal
from .routing import Router
from .voice import Clock, Telephony, VirtualClock, VoiceEvent


class World:
    """A contact center brought to life. `reset` returns it to what was loaded, with no call going on."""

    def __init__(self, center: ContactCenter, clock: Clock, sink: Callable[[VoiceEvent | MediaEvent], None]) -> None:
        self.center = center
        self.clock = clock
        self._sink = sink
        self._loaded = copy.deepcopy(center)
        self._generation = 0
        self.telephony = self._start_telephony()
        self.media = self._start_media()

    def _start_media(self, options: MediaOptions | None = None) -> Multimedia:
        """A fresh multimedia core (chat, e-mail, workbins) on the same clock, dropped with the telephony
        it was started with: its events reach the sink only while that generation lives."""
        generation = self._generation

        def emit(event: MediaEvent) -> None:
            if generation == self._generation:
                self._sink(event)

        media = Multimedia(self.center, self.clock, emit, options)
        media.configure(self.center.multimedia)
        return media

    def _start_telephony(self) -> Telephony:
        """A fresh voice core; events of an older one (its timers may still fire) are dropped."""
        self._generation += 1
        generation = self._generation

        def emit(event: VoiceEvent) -> None:
            if generation == self._generation:
                self._sink(event)

        # "In contact centers where call recording is enabled": without the feature, calls have no
        # recordingState and no recording operations (read when the voice core starts, and at reset).
        recording = "api-voice-recording" in self.center.feature_ids
        options = dataclasses.replace(
            self.center.voice_options, recording=self.center.voice_options.recording and recording
        )
        telephony = Telephony(CenterDirectory(self.center), self.clock, emit, options, seed=self.center.seed)
        self.center.attach(telephony)
        self.router = Router(self.center, telephony, self.clock)
        return telephony

    def reset(self) -> None:
        """Back to the contact center as loaded (users, devices, settings) and a voice core with no calls.

        The contact center is restored in place, so everything holding it (the authenticator, the API)
        sees the restored one; clients are not notified, as after a server restart.
        """
        restored = copy.deepcopy(self._loaded)
        self.center.__dict__.update(restored.__dict__)
        self.telephony = self._start_telephony()
        self.media = self._start_media()

    # ------------------------------------------------------------------ the world outside the agents

    def place_call(self, from_number: Any, to_number: Any, user_data: Any = None) -> str:
        """An external caller dials `to_number`: an agent's number rings that device, a queue's number is
        handed to queue routing. Returns the call id."""
        queue = self._queue_numbered(to_number)
        if queue is not None:
            return self.route_to_queue(queue, from_number, user_data)
        return self.telephony.inbound_call(from_number, to_number, user_data)

    def route_to_queue(self, queue: Queue, from_number: Any, user_data: Any) -> str:
        """The one place a call to a queue number enters queue routing."""
        if queue.channel != "voice":
            raise Refusal(INVALID, f"to: {queue.phoneNumber} is queue {queue.name!r} of the {queue.channel} channel")
        return self.telephony.inbound_call(from_number, queue.phoneNumber, user_data)

    def _queue_numbered(self, number: Any) -> Queue | None:
        if not isinstance(number, str):
            return None
        return next((queue for queue in self.center.queues.values() if queue.phoneNumber == number), None)

    # ------------------------------------------------------------------ time

    def advance(self, seconds: float) -> None:
        """Move a virtual clock forward, running every timer due on the way."""
        if not isinstance(self.clock, VirtualClock):
            raise Refusal(INVALID, "advance: the clock runs in real time; only a virtual clock can be advanced")
        self.clock.advance(seconds)

    # ------------------------------------------------------------------ debugging

    def calls(self) -> list[dict[str, Any]]:
        """Every call still going on, with all its parties. Each party has a `role`: `agent` (a device's
        leg), `external` (a number outside, which POST /sim/calls/{id} can act as) or `unreachable` (a
        number being played busy: Do Not Disturb, a forwarding loop)."""
        listed = []
        for call_id, call in self.telephony.snapshot()["calls"].items():
            external = {number for number, _state in self.telephony.remote_parties(call_id)}
            parties = [
                {**party, "role": "agent" if "device" in party else
                 "external" if party["number"] in external else "unreachable"}
                for party in call["parties"]
            ]  # fmt: skip
            listed.append({"id": call_id, **call, "parties": parties})
        return listed

    def state(self) -> dict[str, Any]:
        """The whole simulated state as plain data."""
        return {
            "clock": {
                "mode": "virtual" if isinstance(self.clock, VirtualClock) else "real",
                "now": self.clock.now(),
            },
            "voice": self.telephony.snapshot(),
            "routing": self.router.statistics(),
            "media": self.media.snapshot(),
            "users": {
                user.id: {"userName": user.userName, "devices": list(user.device_ids)}
                for user in self.center.users.values()
            },
        }
