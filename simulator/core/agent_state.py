"""One agent-state machine for every channel: an agent's voice devices, chat and e-mail.

An agent is in the same kind of state on every channel: Logout; NotReady, with a reason and a work mode;
Ready, with a work mode; AfterCallWork; and in or out of Do Not Disturb. A voice device
(`voice.device.DeviceVoice`) and a chat or e-mail channel (`channels.Channel`) are both `AgentStateModel`s,
models of the two machines below, so an operation is allowed on one channel exactly when it is allowed
on another in the same state, and an operation posted on /me reads and renders the same everywhere.

Readings of the reference chosen here:

- A channel starts Logout; StartContactCenterSession moves it to NotReady ("NotReady is the default
  state when a channel is Online again"), EndContactCenterSession (or any agent-state definition whose
  state is "Logout", e.g. Offline) back to Logout.
- AfterCallWork is its own machine state but is shown as the reference's definition shows it:
  `state: NotReady, workMode: AfterCallWork`. The AfterCallWork operation (or NotReady with that work
  mode and no reason) enters it on any channel; only calls enter and leave it on the clock
  (`wrap_up_started` / `wrap_up_ended`, voice); any manual state change ends it.
- The contact center's agent-state definitions (`settings.AgentState`, AfterCallWork, AuxWork, NotReady,
  Offline, Ready and the custom ones) are read here and only here: an operation named after one sets
  its state, work mode and reason (`read_change`), and a `userState` carries the id and displayName of
  the first definition matching the combination (`AgentStateModel.render_user_state`), as the reference says of
  devices and shows of channels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from . import params as read
from .machine import TableMachine
from .settings import WORK_MODES, AgentState

LOGGED_OUT = "Logout"  # the reference's state of the Offline definition
NOT_READY = "NotReady"
READY = "Ready"
AFTER_CALL_WORK = "AfterCallWork"
LOGGED_IN = (NOT_READY, READY, AFTER_CALL_WORK)

READY_WORK_MODES = WORK_MODES[READY]
NOT_READY_WORK_MODES = WORK_MODES[NOT_READY]

DND_OFF, DND_ON = "Off", "On"

# fmt: off
AGENT_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "StartContactCenterSession", "source": LOGGED_OUT,       "dest": NOT_READY},
    {"trigger": "EndContactCenterSession",   "source": list(LOGGED_IN),  "dest": LOGGED_OUT},
    {"trigger": "Ready",                     "source": list(LOGGED_IN),  "dest": READY},
    {"trigger": "NotReady",                  "source": list(LOGGED_IN),  "dest": NOT_READY},
    {"trigger": "AfterCallWork",             "source": list(LOGGED_IN),  "dest": AFTER_CALL_WORK},
    # what calls and the clock do (voice)
    {"trigger": "wrap_up_started",           "source": [READY, AFTER_CALL_WORK], "dest": AFTER_CALL_WORK},
    {"trigger": "wrap_up_ended",             "source": AFTER_CALL_WORK,  "dest": READY},
]

DND_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "DoNotDisturbOn",  "source": DND_OFF, "dest": DND_ON},
    {"trigger": "DoNotDisturbOff", "source": DND_ON,  "dest": DND_OFF},
]
# fmt: on

AGENT_MACHINE = TableMachine([LOGGED_OUT, *LOGGED_IN], AGENT_TRANSITIONS, LOGGED_OUT, "agent_state")
DND_MACHINE = TableMachine([DND_OFF, DND_ON], DND_TRANSITIONS, DND_OFF, "dnd")

AGENT_OPERATIONS = ("StartContactCenterSession", "EndContactCenterSession", "Ready", "NotReady", "AfterCallWork")
DND_OPERATIONS = ("DoNotDisturbOn", "DoNotDisturbOff")


TEXT, CHOICE, TEXT_LIST = "text", "choice", "text list"  # the kinds of an agent-state parameter


@dataclass(frozen=True)
class StateParameter:
    """One optional parameter of an agent-state operation: its name in the request, its kind, the values a
    choice allows, and what it is for."""

    name: str
    kind: str
    description: str
    choices: tuple[str, ...] = ()


# The one declaration of what the agent-state operations take: `read_change` reads a request through it
# and the REST layer publishes it in the OpenAPI document.
STATE_PARAMETERS: dict[str, tuple[StateParameter, ...]] = {
    "StartContactCenterSession": (
        StateParameter("channels", TEXT_LIST, "The channels to log in on, e.g. [voice]"),
        StateParameter("place", TEXT, "The place (of the contact center's places) whose devices the session takes"),
        StateParameter("loginCode", TEXT, "The agent login to use (accepted, not simulated)"),
        StateParameter("queue", TEXT, "The queue to log in to (accepted, not simulated)"),
    ),
    READY: (StateParameter("workMode", CHOICE, "How the next call is taken", READY_WORK_MODES),),
    NOT_READY: (
        StateParameter("reason", TEXT, "Why the agent is not ready"),
        StateParameter("workMode", CHOICE, "What the agent does meanwhile", NOT_READY_WORK_MODES),
    ),
}


def _read_parameters(operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The operation's parameters by name, each read by its kind (statusCode 1 naming a wrong one)."""
    values: dict[str, Any] = {}
    for parameter in STATE_PARAMETERS[operation]:
        if parameter.kind == TEXT_LIST:
            values[parameter.name] = read.string_list(params, parameter.name)
        elif parameter.kind == CHOICE:
            values[parameter.name] = read.choice(params, parameter.name, parameter.choices)
        else:
            values[parameter.name] = read.text(params, parameter.name, required=False)
    return values


@dataclass(frozen=True)
class AgentChange:
    """A checked agent-state or Do Not Disturb operation: the machine's trigger, and the reason and work
    mode the agent is in after it (an agent-state trigger sets both, None included)."""

    trigger: str
    reason: str | None = None
    work_mode: str | None = None


def read_change(definitions: Mapping[str, AgentState], operation: Any, params: Mapping[str, Any]) -> AgentChange | None:
    """The change an agent-state or Do Not Disturb operation asks for, its parameters read (statusCode 1
    naming the field); None when `operation` is neither. `definitions` are the contact center's, by
    operationName."""
    if operation in DND_OPERATIONS or operation == "EndContactCenterSession":
        return AgentChange(operation)
    if operation == "StartContactCenterSession":
        _read_parameters(operation, params)
        return AgentChange(operation)
    if operation == READY:
        return AgentChange(READY, work_mode=_read_parameters(READY, params)["workMode"])
    if operation == NOT_READY:
        values = _read_parameters(NOT_READY, params)
        return _not_ready(values["reason"], values["workMode"])
    if operation == AFTER_CALL_WORK:
        return AgentChange(AFTER_CALL_WORK)
    definition = definitions.get(operation) if isinstance(operation, str) else None
    return None if definition is None else _change_of(definition)


def _change_of(definition: AgentState) -> AgentChange:
    """What setting a definition's state does: Logout ends the session, the others set the reason and mode."""
    if definition.state == LOGGED_OUT:
        return AgentChange("EndContactCenterSession")
    if definition.state == READY:
        return AgentChange(READY, reason=definition.reason, work_mode=definition.workMode)
    return _not_ready(definition.reason, definition.workMode)


def _not_ready(reason: str | None, work_mode: str | None) -> AgentChange:
    """NotReady in AfterCallWork mode with no reason is the AfterCallWork state itself."""
    if work_mode == AFTER_CALL_WORK and reason is None:
        return AgentChange(AFTER_CALL_WORK)
    return AgentChange(NOT_READY, reason=reason, work_mode=work_mode)


_MACHINE_OF = {trigger: machine for machine in (AGENT_MACHINE, DND_MACHINE) for trigger in machine.events}
# The state each change a definition asks for leads to from any state logged in, read from the table.
_DESTINATION = {
    row["trigger"]: row["dest"]
    for row in AGENT_TRANSITIONS
    if row["trigger"] in ("EndContactCenterSession", READY, NOT_READY, AFTER_CALL_WORK)
}


class AgentStateModel:
    """The agent state and Do Not Disturb of one channel of an agent: the model of both machines.

    `reason` and `work_mode` complete the machine's state: NotReady for lunch, Ready in AutoIn. What an
    operation may do is the machines' answer (`may`), the same for every kind of channel.
    """

    agent_state: str
    dnd: str
    # the machine of each operation: a kind of channel with a machine of its own (forwarding) adds it
    machines: ClassVar[Mapping[str, TableMachine]] = _MACHINE_OF

    def __init__(self) -> None:
        self.reason: str | None = None
        self.work_mode: str | None = None
        AGENT_MACHINE.attach(self, LOGGED_OUT)
        DND_MACHINE.attach(self, DND_OFF)

    def may(self, operation: str) -> bool:
        """Whether the machine of `operation` has a transition for it now."""
        machine = self.machines.get(operation)
        return machine is not None and machine.allows(self, operation)

    def fire(self, trigger: str) -> None:
        if not self.machines[trigger].fire(self, trigger):
            raise AssertionError(f"{trigger} refused in {self.agent_state} (Do Not Disturb {self.dnd})")

    def apply(self, change: AgentChange) -> None:
        """Make a change the machine allows: the transition, then the reason and work mode it sets."""
        self.fire(change.trigger)
        if change.trigger in AGENT_OPERATIONS:
            self.reason, self.work_mode = change.reason, change.work_mode

    def place(self, definition: AgentState) -> None:
        """Put the channel in a definition's state directly, without a transition: the state a channel
        starts in, as a contact-center file or a benchmark may set it."""
        change = _change_of(definition)
        self.agent_state, self.reason, self.work_mode = _DESTINATION[change.trigger], change.reason, change.work_mode

    @property
    def logged_in(self) -> bool:
        return self.agent_state != LOGGED_OUT

    @property
    def available(self) -> bool:
        """Ready and not in Do Not Disturb: what routing asks before anything else of an agent."""
        return self.agent_state == READY and self.dnd == DND_OFF

    @property
    def shown(self) -> tuple[str, str | None, str | None]:
        """(state, workMode, reason) as the reference shows them: AfterCallWork is NotReady in that mode."""
        if self.agent_state == LOGGED_OUT:
            return LOGGED_OUT, None, None
        if self.agent_state == AFTER_CALL_WORK:
            return NOT_READY, AFTER_CALL_WORK, None
        return self.agent_state, self.work_mode, self.reason

    def definition(self, definitions: Iterable[AgentState]) -> AgentState | None:
        """The first definition whose state, workMode and reason are the model's, if any."""
        return _matching(definitions, self.shown)

    def render_user_state(self, definitions: Iterable[AgentState]) -> dict[str, str]:
        """The reference's `userState`: state, workMode and reason, plus id and displayName when a definition
        matches the combination."""
        shown = state, work_mode, reason = self.shown
        definition = _matching(definitions, shown)
        document = {} if definition is None else {"id": definition.id, "displayName": definition.displayName}
        document["state"] = state
        if work_mode is not None:
            document["workMode"] = work_mode
        if reason is not None:
            document["reason"] = reason
        return document


def _matching(definitions: Iterable[AgentState], shown: tuple[str, str | None, str | None]) -> AgentState | None:
    for definition in definitions:
        if (definition.state, definition.workMode, definition.reason) == shown:
            return definition
    return None
