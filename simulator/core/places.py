"""Places: the desks of Configuration Server, each a named set of devices, where an agent may start a
contact-center session (`StartContactCenterSession` with `place`).

As the reference describes the operation: the place's devices must be free or the agent's already (a
device of the place assigned to another user refuses the session), all of them are assigned to the
agent for the session, and EndContactCenterSession unassigns them again. What the session assigned is
the World's to remember (`SessionPlaces`); the place itself is configuration, loaded with the contact
center."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Place:
    name: str
    device_ids: list[str] = field(default_factory=list)


@dataclass
class SessionPlaces:
    """The devices each agent's current session took from a place, to give back when it ends."""

    taken: dict[str, list[str]] = field(default_factory=dict)  # user id -> device ids
