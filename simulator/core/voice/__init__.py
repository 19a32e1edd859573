"""The voice core: calls, devices and agent states as state machines, with no I/O and no real time.

Build a `Telephony` over a `Directory` (who answers which number), a `Clock` and an event sink; post
operations through its entry points; render what it reports with `render_call` / `call_message`.
"""

from .call import CALL_OPERATIONS
from .clock import AsyncioClock, Clock, VirtualClock
from .device import AGENT_OPERATIONS, DEVICE_OPERATIONS
from .directory import DEFAULT_AGENT_STATES, AgentStateDefinition, Directory, Line, StaticDirectory
from .document import call_message, device_message, participant_info, render_call, render_device_state
from .events import (
    CallOperationFailed,
    CallStateChanged,
    CallView,
    DeviceStateChanged,
    DeviceView,
    VoiceEvent,
)
from .options import RemoteRule, VoiceOptions
from .refusal import VoiceRefusal
from .telephony import Telephony

__all__ = [
    "AGENT_OPERATIONS",
    "CALL_OPERATIONS",
    "DEFAULT_AGENT_STATES",
    "DEVICE_OPERATIONS",
    "AgentStateDefinition",
    "AsyncioClock",
    "CallOperationFailed",
    "CallStateChanged",
    "CallView",
    "Clock",
    "DeviceStateChanged",
    "DeviceView",
    "Directory",
    "Line",
    "RemoteRule",
    "StaticDirectory",
    "Telephony",
    "VirtualClock",
    "VoiceEvent",
    "VoiceOptions",
    "VoiceRefusal",
    "call_message",
    "device_message",
    "participant_info",
    "render_call",
    "render_device_state",
]
