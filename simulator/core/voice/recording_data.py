"""The user data a recorded call carries, as the reference's recording examples show it.

`GSIP_RECORD` is ON while recording, PAUSED while paused and OFF once stopped; `GSIP_REC_FN` names the
recording's file, set when recording starts and kept when it stops (as in the Stop example), made of the
call's UUID, the numbers dialed and calling, the recording device's number, the date and time the
recording started (UTC), the recording host and the contact center. The examples leave the contact
center as the placeholder `%3Ccont_center_id%3E` (the URL-encoded `<cont_center_id>`), and so does the
simulator. Recording again after a stop starts a new file.
"""

from __future__ import annotations

import time

from .call import Leg

GSIP_RECORD = "GSIP_RECORD"
GSIP_REC_FN = "GSIP_REC_FN"
RECORD_VALUES = {"Recording": "ON", "Paused": "PAUSED", "Stopped": "OFF"}
HOST = "gws-simulator"
CONTACT_CENTER = "%3Ccont_center_id%3E"


def file_name(leg: Leg, wall_time: float) -> str:
    started = time.strftime("%Y-%m-%d_%H-%M-%S", time.gmtime(wall_time))
    call = leg.call
    return f"{call.uuid}_{call.dnis}_{call.ani}_{leg.number}_{started}_{HOST}__{CONTACT_CENTER}"


def record_user_data(leg: Leg, started: bool, wall_time: float) -> None:
    """Set the call's recording user data after a recording operation on `leg` (`started`: a new file)."""
    data = leg.call.user_data
    data[GSIP_RECORD] = RECORD_VALUES[leg.recording_state]
    if started or GSIP_REC_FN not in data:
        data[GSIP_REC_FN] = file_name(leg, wall_time)
