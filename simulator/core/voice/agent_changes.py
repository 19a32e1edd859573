"""Agent-state and device operations read into the one change they ask of a device.

Reading is separate from applying so that an operation spanning several devices (or voice and media,
see `World.agent_operate`) is checked everywhere before it changes anything anywhere. Agent states and
Do Not Disturb read as on every channel (`agent_state.read_change`); forwarding is the device's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import params as read
from ..agent_state import AgentChange, read_change
from .directory import Directory
from .refusal import bad_parameter


@dataclass(frozen=True)
class DeviceChange(AgentChange):
    """A checked agent-state or device operation, ready to apply to one device; `forward_to` is where
    ForwardCallsOn sends calls."""

    forward_to: str | None = None


def read_device_change(directory: Directory, own_number: str, operation: Any, params: Mapping[str, Any]) -> AgentChange:
    """The change an agent-state or device operation asks for, its parameters read (1 naming the field);
    nothing is looked at but the directory's agent-state definitions and the device's own number."""
    if operation == "ForwardCallsOff":
        return DeviceChange(operation)
    if operation == "ForwardCallsOn":
        destination = read.number(params)
        if destination == own_number:
            raise bad_parameter("destination", f"{destination} is the device's own number")
        return DeviceChange(operation, forward_to=destination)
    change = read_change(directory.agent_states(), operation, params)
    if change is None:
        raise bad_parameter("operationName", f"{operation!r} is not a device or agent-state operation")
    return change
