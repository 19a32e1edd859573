"""The voice core: calls, devices and agent states as state machines, with no I/O and no real time.

A device's agent state and Do Not Disturb are the agent-state machine of every channel (`core.agent_state`);
forwarding and calls are the voice core's own.

Build a `Telephony` over a `Directory` (who answers which number), a `Clock` and an event sink, then:

- REST ``POST /devices/{id}/calls`` (Dial)          -> ``telephony.dial(user_id, device_id, destination, user_data)``
- REST ``POST /me/calls/{id}`` {operationName}      -> ``telephony.operate(user_id, call_id, name, body)``
- REST ``POST /devices/{id}``                     -> ``telephony.device_operate(user_id, device_id, name, body)``
- REST ``POST /me/channels/voice``                 -> ``telephony.user_operate(user_id, name, body)``
- REST ``POST /me`` (Ready, NotReady, DND, sessions) -> ``telephony.plan_user_operation`` then
  ``apply_user_plan``, planned beside the media channels by the World
- REST ``POST /devices/{id}`` by a supervisor        -> ``telephony.supervise(supervisor_id, device_id, name, body)``
  (ListenIn, Coach, Bargain, CancelSupervisorMonitoring: see ``monitoring``)
- REST ``GET /me/calls[/{id}]``                     -> ``render_call(view, base_url)`` over ``calls_of_user`` /
  ``call_view``
- the world (scenarios, control API)               -> ``inbound_call``, ``remote_answer``, ``remote_hangup``,
  ``remote_send_dtmf``
- CometD: every event reaching the sink            -> ``call_message`` (``/v2/me/calls``) or ``device_message``
  (``/v2/me/devices``), delivered to ``event.user_id``

`Telephony` (telephony.py: its entry points, device operations and objects) is composed of bases of one
concept each: the call operations (call_operations), supervision, the simulated network (network), the
read-only queries (queries) and the telling of what changed (telling).

A refused operation raises the core's `refusals.Refusal` (``code`` is the statusCode, ``message`` the statusMessage) and
changes nothing; an accepted one returns at once and reports through events, as the reference's
asynchronous operations do.
"""

from ..clock import AsyncioClock, Clock, VirtualClock
from .call import CALL_OPERATIONS, CALL_SPELLINGS
from .device import AGENT_OPERATIONS, DEVICE_OPERATIONS
from .directory import DEFAULT_AGENT_STATES, AgentStateDefinition, Directory, Line, StaticDirectory
from .document import (
    call_id,
    call_message,
    device_message,
    participant_info,
    render_call,
    render_device_state,
    user_state,
)
from .events import (
    CallOperationFailed,
    CallStateChanged,
    CallView,
    DeviceStateChanged,
    DeviceView,
    VoiceEvent,
)
from .options import RemoteRule, VoiceOptions
from .telephony import Telephony

__all__ = [
    "AGENT_OPERATIONS",
    "CALL_OPERATIONS",
    "CALL_SPELLINGS",
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
    "call_id",
    "call_message",
    "device_message",
    "participant_info",
    "render_call",
    "render_device_state",
    "user_state",
]
