"""The recordings of the calls recorded in the simulation, kept from the World's event stream, for
`GET /api/v2/recordings`.

A recording begins when a leg's recordingState leaves Stopped (StartCallRecording) and ends when it is
Stopped again: StopCallRecording on the call or on the device, or the leg leaving the call. Pausing and
resuming stay within one recording. Times are milliseconds since the epoch in simulated time, as the
Statistics API's are; the file name is the call's `GSIP_REC_FN` when recording began.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .core.center_reads import CenterReads
from .core.changes import WorldReset
from .core.events import Event
from .core.voice.events import CallStateChanged
from .core.voice.recording_data import GSIP_REC_FN

RECORDING_STATES = ("Recording", "Paused")


@dataclass
class Recording:
    """One recording of one agent's side of a call."""

    id: str
    call_uuid: str
    phone_number: str  # the recording device's
    user_id: str | None
    caller: str  # the call's ani
    dialed: str  # the call's dnis
    file_name: str
    start_time: int
    end_time: int | None = None
    state: str = "Recording"

    def document(self, center: CenterReads) -> dict[str, Any]:
        user = center.users.get(self.user_id or "")
        document: dict[str, Any] = {
            "id": self.id,
            "callUuid": self.call_uuid,
            "fileName": self.file_name,
            "callerPhoneNumber": self.caller,
            "dialedPhoneNumber": self.dialed,
            "phoneNumber": self.phone_number,
            "userName": user.userName if user is not None else None,
            "startTime": self.start_time,
            "recordingState": self.state,
        }
        if self.end_time is not None:
            document["endTime"] = self.end_time
        return document


class RecordedCalls:
    """Every recording since the World started or was reset, oldest first."""

    def __init__(self, center: CenterReads, wall_time: Callable[[], float]) -> None:
        self.center = center
        self._wall_time = wall_time  # seconds since the epoch in simulated time, now
        self.recordings: list[Recording] = []
        self._open: dict[tuple[str, str], Recording] = {}  # (device, call) -> its recording under way

    def __call__(self, event: Event) -> None:
        change = event.change
        if isinstance(change, CallStateChanged):
            self._call(change)
        elif isinstance(change, WorldReset):
            self.recordings.clear()
            self._open.clear()

    def _call(self, change: CallStateChanged) -> None:
        call = change.call
        key = (change.device_id, call.id)
        recording = self._open.get(key)
        recording_now = call.recording_state in RECORDING_STATES and call.state != "Released"
        if recording_now and recording is None:
            recording = Recording(
                id=f"{len(self.recordings) + 1:08d}",
                call_uuid=call.call_uuid,
                phone_number=change.phone_number,
                user_id=change.user_id,
                caller=call.ani,
                dialed=call.dnis,
                file_name=str(call.user_data.get(GSIP_REC_FN, "")),
                start_time=self._now(),
            )
            self.recordings.append(recording)
            self._open[key] = recording
        if recording is None:
            return
        if recording_now:
            recording.state = str(call.recording_state)
        else:
            recording.state, recording.end_time = "Stopped", self._now()
            del self._open[key]

    def _now(self) -> int:
        return round(self._wall_time() * 1000)
