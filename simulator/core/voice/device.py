"""A device's voice state: the agent state and Do Not Disturb every channel has (`agent_state`), and call
forwarding, which only a voice device has.

Readings of the reference chosen here:

- Agent state is kept per device (the reference's `devices[].userState`), by the one agent-state machine
  of every channel (`core.agent_state`: the states, the definitions, AfterCallWork).
- After a call that was established ends, an agent who was Ready (or already in after-call work) enters
  AfterCallWork for the configured wrap-up time, then returns to Ready on the clock.
- Calls ring a device whatever its agent state (a direct call to a number is not routing); Do Not Disturb
  is what keeps a device from ringing.
- `capabilities` lists only the device operations the reference names for agents (DoNotDisturbOn/Off,
  ForwardCallsOn/Off); agent-state operations are offered by `agent_operations`, derived the same way.
"""

from __future__ import annotations

from typing import Any

from ..agent_state import AGENT_OPERATIONS, DND_OFF, LOGGED_OUT, AgentStateModel
from ..machine import TableMachine

# fmt: off
FORWARD_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "ForwardCallsOn",  "source": "Off", "dest": "On"},
    {"trigger": "ForwardCallsOff", "source": "On",  "dest": "Off"},
]
# fmt: on

FORWARD_MACHINE = TableMachine(["Off", "On"], FORWARD_TRANSITIONS, "Off", "forwarding")

DEVICE_OPERATIONS = ("DoNotDisturbOn", "DoNotDisturbOff", "ForwardCallsOn", "ForwardCallsOff")


class DeviceVoice(AgentStateModel):
    """The voice state of one device; the model of the agent, DND and forwarding machines."""

    forwarding: str
    machines = {**AgentStateModel.machines, **dict.fromkeys(FORWARD_MACHINE.events, FORWARD_MACHINE)}

    def __init__(self, device_id: str) -> None:
        super().__init__()
        self.device_id = device_id
        self.forward_to: str | None = None
        self.wrap_up_token = 0  # bumped on every agent-state change, so a stale wrap-up timer does nothing
        FORWARD_MACHINE.attach(self, "Off")

    def untouched(self) -> bool:
        """Still as created: looking a device up must not count as changing it."""
        return (self.agent_state, self.dnd, self.forwarding, self.wrap_up_token) == (LOGGED_OUT, DND_OFF, "Off", 0)

    def hand_back(self) -> None:
        """The device leaves its agent (unassigned, or its user removed): logged out, with no Do Not Disturb
        or forwarding, as a new device, so that whoever holds it next starts afresh rather than in the last
        agent's state or forwarding to the last agent's number. A running wrap-up ends with it."""
        self.agent_state, self.dnd, self.forwarding = LOGGED_OUT, DND_OFF, "Off"
        self.reason = self.work_mode = self.forward_to = None
        self.wrap_up_token += 1

    @property
    def capabilities(self) -> tuple[str, ...]:
        """The device operations its machines allow, by their two states: these operations' rows have no
        conditions (`_UNCONDITIONAL`), so a pair of states always has the same answer."""
        key = (self.dnd, self.forwarding)
        found = _DEVICE_CAPABILITIES.get(key)
        if found is None:
            found = tuple(name for name in DEVICE_OPERATIONS if self.may(name))
            if _UNCONDITIONAL:
                _DEVICE_CAPABILITIES[key] = found
        return found

    @property
    def agent_operations(self) -> tuple[str, ...]:
        return tuple(name for name in AGENT_OPERATIONS if self.may(name))

    @property
    def device_state(self) -> str:
        """Active while an agent session runs on the device, Inactive otherwise (the reference's two values)."""
        return "Inactive" if self.agent_state == LOGGED_OUT else "Active"


_UNCONDITIONAL = not any(
    DeviceVoice.machines[name].conditions(name, state)
    for name in DEVICE_OPERATIONS
    for state in DeviceVoice.machines[name].states
)
_DEVICE_CAPABILITIES: dict[tuple[str, str], tuple[str, ...]] = {}  # (Do Not Disturb, forwarding) -> capabilities
