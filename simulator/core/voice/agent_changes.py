"""Agent-state and device operations read into the one change they ask of a device.

Reading is separate from applying so that an operation spanning several devices (or voice and media,
see `World.agent_operate`) is checked everywhere before it changes anything anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import params as read
from .device import AFTER_CALL_WORK, NOT_READY_WORK_MODES, READY_WORK_MODES
from .directory import Directory
from .refusal import bad_parameter


@dataclass(frozen=True)
class AgentChange:
    """A checked agent-state or device operation, ready to apply to one device."""

    trigger: str
    reason: str | None = None
    work_mode: str | None = None
    forward_to: str | None = None


def read_device_change(directory: Directory, own_number: str, operation: Any, params: Mapping[str, Any]) -> AgentChange:
    """The change an agent-state or device operation asks for, its parameters read (1 naming the field);
    nothing is looked at but the directory's agent-state definitions and the device's own number."""
    if operation in ("DoNotDisturbOn", "DoNotDisturbOff", "ForwardCallsOff", "EndContactCenterSession"):
        return AgentChange(operation)
    if operation == "ForwardCallsOn":
        destination = read.number(params)
        if destination == own_number:
            raise bad_parameter("destination", f"{destination} is the device's own number")
        return AgentChange(operation, forward_to=destination)
    if operation == "StartContactCenterSession":
        read.string_list(params, "channels")
        for name in ("place", "loginCode", "queue"):
            read.text(params, name, required=False)
        return AgentChange(operation)
    if operation == "Ready":
        return AgentChange(operation, work_mode=read.choice(params, "workMode", READY_WORK_MODES))
    if operation == "NotReady":
        work_mode = read.choice(params, "workMode", NOT_READY_WORK_MODES)
        reason = read.text(params, "reason", required=False)
        if work_mode == "AfterCallWork" and reason is None:
            return AgentChange(AFTER_CALL_WORK)
        return AgentChange(operation, reason=reason, work_mode=work_mode)
    if operation == "AfterCallWork":
        return AgentChange(operation)
    for definition in directory.agent_states():
        if definition.operation_name == operation:
            if definition.state == "Logout":
                return AgentChange("EndContactCenterSession")
            if definition.state == "Ready":
                return AgentChange("Ready", reason=definition.reason, work_mode=definition.work_mode)
            if definition.work_mode == "AfterCallWork" and definition.reason is None:
                return AgentChange(AFTER_CALL_WORK)
            return AgentChange("NotReady", reason=definition.reason, work_mode=definition.work_mode)
    raise bad_parameter("operationName", f"{operation!r} is not a device or agent-state operation")
