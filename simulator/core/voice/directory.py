"""What the voice core needs to know about the contact center, as a small interface.

The contact-center model (users, devices, phone numbers, agent-state settings) lives elsewhere; an
adapter implements `Directory` over it. The core only asks: which internal device answers this number,
which user holds a device, which devices a user holds, and which agent states are defined.
`StaticDirectory` is a plain implementation for tests and scenarios.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..settings import BUILTIN_AGENT_STATES, AgentState


@dataclass(frozen=True)
class Line:
    """An internal device as the voice core sees it: its id, its phone number and its user (if any)."""

    device_id: str
    phone_number: str
    user_id: str | None


# The contact center's agent-state definitions are the voice core's too (one reading of them for every
# channel, see `agent_state`); under these names the voice core's users build a directory.
AgentStateDefinition = AgentState
DEFAULT_AGENT_STATES = BUILTIN_AGENT_STATES


class Directory(Protocol):
    """The contact center seen from the voice core. Every method is a pure lookup."""

    def line_of_number(self, number: str) -> Line | None:
        """The internal device answering `number`, or None: the number is external."""
        ...

    def line_of_device(self, device_id: str) -> Line | None:
        """The device with this id, or None if there is none."""
        ...

    def devices_of_user(self, user_id: str) -> Sequence[str]:
        """The ids of the devices the user holds, in a stable order."""
        ...

    def agent_states(self) -> Mapping[str, AgentState]:
        """The agent-state definitions of the contact center by operationName (at least the five defaults)."""
        ...


class StaticDirectory:
    """A fixed set of lines, for tests, scenarios and the property machine."""

    def __init__(self, lines: Iterable[Line], agent_states: Sequence[AgentState] = BUILTIN_AGENT_STATES) -> None:
        self._lines = list(lines)
        self._by_number = {line.phone_number: line for line in self._lines}
        self._by_device = {line.device_id: line for line in self._lines}
        self._agent_states = {state.operationName: state for state in agent_states}

    def line_of_number(self, number: str) -> Line | None:
        return self._by_number.get(number)

    def line_of_device(self, device_id: str) -> Line | None:
        return self._by_device.get(device_id)

    def devices_of_user(self, user_id: str) -> Sequence[str]:
        return [line.device_id for line in self._lines if line.user_id == user_id]

    def agent_states(self) -> Mapping[str, AgentState]:
        return self._agent_states
