"""A device's voice state: agent state, Do Not Disturb and call forwarding, each a machine declared as a table.

Readings of the reference chosen here:

- Agent state is kept per device (the reference's `devices[].userState`). A device starts Logout;
  StartContactCenterSession moves it to NotReady ("NotReady is the default state when a channel is Online
  again"), EndContactCenterSession (or any agent-state definition whose state is "Logout", e.g. Offline)
  back to Logout.
- AfterCallWork is its own machine state but is shown as the reference's definition shows it:
  `state: NotReady, workMode: AfterCallWork`. After a call that was established ends, an agent who was
  Ready (or already in after-call work) enters AfterCallWork for the configured wrap-up time, then returns
  to Ready on the clock; any manual state change ends the wrap-up.
- Calls ring a device whatever its agent state (a direct call to a number is not routing); Do Not Disturb
  is what keeps a device from ringing.
- `capabilities` lists only the device operations the reference names for agents (DoNotDisturbOn/Off,
  ForwardCallsOn/Off); agent-state operations are offered by `agent_operations`, derived the same way.
"""

from __future__ import annotations

from typing import Any

from .directory import AgentStateDefinition
from .machine import TableMachine

LOGGED_OUT = "Logout"  # the reference's state of the Offline definition
NOT_READY = "NotReady"
READY = "Ready"
AFTER_CALL_WORK = "AfterCallWork"
LOGGED_IN = (NOT_READY, READY, AFTER_CALL_WORK)

READY_WORK_MODES = ("ManualIn", "AutoIn", "ReturnBack")
NOT_READY_WORK_MODES = ("AfterCallWork", "AuxWork", "LegalGuard", "NoCallDisconnect", "WalkAway")

# fmt: off
AGENT_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "StartContactCenterSession", "source": LOGGED_OUT,       "dest": NOT_READY},
    {"trigger": "EndContactCenterSession",   "source": list(LOGGED_IN),  "dest": LOGGED_OUT},
    {"trigger": "Ready",                     "source": list(LOGGED_IN),  "dest": READY},
    {"trigger": "NotReady",                  "source": list(LOGGED_IN),  "dest": NOT_READY},
    {"trigger": "AfterCallWork",             "source": list(LOGGED_IN),  "dest": AFTER_CALL_WORK},
    # what calls and the clock do
    {"trigger": "wrap_up_started",           "source": [READY, AFTER_CALL_WORK], "dest": AFTER_CALL_WORK},
    {"trigger": "wrap_up_ended",             "source": AFTER_CALL_WORK,  "dest": READY},
]

DND_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "DoNotDisturbOn",  "source": "Off", "dest": "On"},
    {"trigger": "DoNotDisturbOff", "source": "On",  "dest": "Off"},
]

FORWARD_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "ForwardCallsOn",  "source": "Off", "dest": "On"},
    {"trigger": "ForwardCallsOff", "source": "On",  "dest": "Off"},
]
# fmt: on

AGENT_MACHINE = TableMachine(
    [LOGGED_OUT, NOT_READY, READY, AFTER_CALL_WORK], AGENT_TRANSITIONS, LOGGED_OUT, "agent_state"
)
DND_MACHINE = TableMachine(["Off", "On"], DND_TRANSITIONS, "Off", "dnd")
FORWARD_MACHINE = TableMachine(["Off", "On"], FORWARD_TRANSITIONS, "Off", "forwarding")

_MACHINE_OF = {
    trigger: machine for machine in (AGENT_MACHINE, DND_MACHINE, FORWARD_MACHINE) for trigger in machine.events
}

DEVICE_OPERATIONS = ("DoNotDisturbOn", "DoNotDisturbOff", "ForwardCallsOn", "ForwardCallsOff")
AGENT_OPERATIONS = ("StartContactCenterSession", "EndContactCenterSession", "Ready", "NotReady", "AfterCallWork")


class DeviceVoice:
    """The voice state of one device; the model of the agent, DND and forwarding machines."""

    agent_state: str
    dnd: str
    forwarding: str

    def __init__(self, device_id: str) -> None:
        self.device_id = device_id
        self.forward_to: str | None = None
        self.reason: str | None = None
        self.work_mode: str | None = None
        self.wrap_up_token = 0  # bumped on every agent-state change, so a stale wrap-up timer does nothing
        AGENT_MACHINE.attach(self, LOGGED_OUT)
        DND_MACHINE.attach(self, "Off")
        FORWARD_MACHINE.attach(self, "Off")

    def untouched(self) -> bool:
        """Still as created: looking a device up must not count as changing it."""
        return (self.agent_state, self.dnd, self.forwarding, self.wrap_up_token) == (LOGGED_OUT, "Off", "Off", 0)

    def may(self, operation: str) -> bool:
        machine = _MACHINE_OF.get(operation)
        return machine is not None and machine.allows(self, operation)

    def fire(self, trigger: str) -> None:
        if not getattr(self, trigger)():
            raise AssertionError(f"{trigger} refused on device {self.device_id} in {self.agent_state}")

    @property
    def capabilities(self) -> tuple[str, ...]:
        return tuple(name for name in DEVICE_OPERATIONS if self.may(name))

    @property
    def agent_operations(self) -> tuple[str, ...]:
        return tuple(name for name in AGENT_OPERATIONS if self.may(name))

    @property
    def device_state(self) -> str:
        """Active while an agent session runs on the device, Inactive otherwise (the reference's two values)."""
        return "Inactive" if self.agent_state == LOGGED_OUT else "Active"

    def user_state(self, definitions: list[AgentStateDefinition] | tuple[AgentStateDefinition, ...]) -> dict[str, str]:
        """The reference's `userState`: state, workMode and reason, plus id and displayName when a definition
        matches the combination."""
        if self.agent_state == LOGGED_OUT:
            state, work_mode, reason, defined = LOGGED_OUT, None, None, LOGGED_OUT
        elif self.agent_state == AFTER_CALL_WORK:
            state, work_mode, reason, defined = NOT_READY, "AfterCallWork", None, NOT_READY
        else:
            state, work_mode, reason, defined = self.agent_state, self.work_mode, self.reason, self.agent_state
        document: dict[str, str] = {}
        for definition in definitions:
            if (definition.state, definition.work_mode, definition.reason) == (defined, work_mode, reason):
                document = {"id": definition.id, "displayName": definition.display_name}
                break
        document["state"] = state
        if work_mode is not None:
            document["workMode"] = work_mode
        if reason is not None:
            document["reason"] = reason
        return document
