"""What the voice core needs to know about the contact center, as a small interface.

The contact-center model (users, devices, phone numbers, agent-state settings) lives elsewhere; an
adapter implements `Directory` over it. The core only asks: which internal device answers this number,
which user holds a device, which devices a user holds, and which agent states are defined.
`StaticDirectory` is a plain implementation for tests and scenarios.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Line:
    """An internal device as the voice core sees it: its id, its phone number and its user (if any)."""

    device_id: str
    phone_number: str
    user_id: str | None


@dataclass(frozen=True)
class AgentStateDefinition:
    """One entry of /settings/agent-states: the operation that sets it and the state it stands for.

    `state` is the reference's value: "Ready", "NotReady" or "Logout".
    """

    id: str
    operation_name: str
    display_name: str
    state: str
    work_mode: str | None = None
    reason: str | None = None


# The five read-only definitions every contact center starts with (reference, "Agent States").
DEFAULT_AGENT_STATES: tuple[AgentStateDefinition, ...] = (
    AgentStateDefinition(
        "D3663509-3D82-4DD3-A82E-2EA8EFA02AEF", "AfterCallWork", "AfterCallWork", "NotReady", "AfterCallWork"
    ),
    AgentStateDefinition("2B36138D-C564-4562-A8CB-3C32D564F296", "AuxWork", "AuxWork", "NotReady", "AuxWork"),
    AgentStateDefinition("900D55CC-2BB0-431F-8BF9-D3525B383BE6", "NotReady", "Not Ready", "NotReady"),
    AgentStateDefinition("0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB", "Offline", "Offline", "Logout"),
    AgentStateDefinition("9430250E-0A1B-421F-B372-F29E69366DED", "Ready", "Ready", "Ready"),
)


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

    def agent_states(self) -> Sequence[AgentStateDefinition]:
        """The agent-state definitions of the contact center (at least the five defaults)."""
        ...


class StaticDirectory:
    """A fixed set of lines, for tests, scenarios and the property machine."""

    def __init__(
        self, lines: Iterable[Line], agent_states: Sequence[AgentStateDefinition] = DEFAULT_AGENT_STATES
    ) -> None:
        self._lines = list(lines)
        self._by_number = {line.phone_number: line for line in self._lines}
        self._by_device = {line.device_id: line for line in self._lines}
        self._agent_states = tuple(agent_states)

    def line_of_number(self, number: str) -> Line | None:
        return self._by_number.get(number)

    def line_of_device(self, device_id: str) -> Line | None:
        return self._by_device.get(device_id)

    def devices_of_user(self, user_id: str) -> Sequence[str]:
        return [line.device_id for line in self._lines if line.user_id == user_id]

    def agent_states(self) -> Sequence[AgentStateDefinition]:
        return self._agent_states
