"""The releases of the real service the simulator can imitate where they disagree.

The reference document describes 8.5.1; real 8.5.2 servers send some documents differently, and desktops
written against them read those shapes. Each difference is one field of `Profile`, one row of this table:

| difference                | 8.5.1 (the reference, default)         | 8.5.2 (real servers)                       |
| ------------------------- | -------------------------------------- | ------------------------------------------ |
| call `participants`       | strings, with `participantsInfo`       | objects `{phoneNumber, formattedPhoneNumber,|
|                           | `{country, formattedPhoneNumber,       | e164Number, digits}`, `participantsInfo`   |
|                           | location, E164digits, isValidNumber}`  | `{digits, e164Number, formattedPhoneNumber}`|
| logged-out agent's state  | `Logout`                               | `LoggedOut` (device: `deviceState: Active`)|
| no credentials            | 401, statusCode 3, `WWW-Authenticate`  | 403 `{"statusCode":20,"statusMessage":     |
|                           |                                        | "Access denied"}`, no `WWW-Authenticate`   |
| a call's `id`             | the leg's own id; `connId` the same    | the `callUuid`; the leg's id is `connId`   |
| /diagnostics/version      | `8.5.100.00`                           | `8.5.202.96`                               |
"""

from __future__ import annotations

from dataclasses import dataclass

REFERENCE = "8.5.1"


@dataclass(frozen=True)
class Profile:
    name: str
    participant_objects: bool  # participants as objects (8.5.2) rather than strings
    logged_out_state: str  # the state a logged-out agent's channels and devices show
    access_denied: bool  # no credentials: 403/20 "Access denied" without WWW-Authenticate (8.5.2)
    id_is_call_uuid: bool  # a call's id is its callUuid, its leg id is connId (8.5.2)
    version: str  # what GET /diagnostics/version answers


PROFILES: dict[str, Profile] = {
    "8.5.1": Profile("8.5.1", participant_objects=False, logged_out_state="Logout", access_denied=False,
                     id_is_call_uuid=False, version="8.5.100.00"),
    "8.5.2": Profile("8.5.2", participant_objects=True, logged_out_state="LoggedOut", access_denied=True,
                     id_is_call_uuid=True, version="8.5.202.96"),
}  # fmt: skip
