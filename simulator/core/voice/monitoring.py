"""Supervisor monitoring: ListenIn, Coach and Bargain on an agent's device, as a table, and the supervisor's
leg on the monitored calls.

The reference (Devices API) gives a device `supervisorMonitoringState` (ListenIn, Coach, Bargain; absent
when nobody monitors), `supervisorMonitoringMode` (NextCall, AllCalls) and `supervisorMonitoringScope`
(Call, Agent), offers ListenIn, Bargain, Coach and CancelSupervisorMonitoring to users with
ROLE_SUPERVISOR, and lets one supervisor at a time monitor a device. Readings chosen where it is silent:

- The reference's attribute table names the scope `supervisorMonitoringScopeString`, its type column
  run into its name; the attribute is `supervisorMonitoringScope`, like its two siblings.
- The operations are posted on the monitored (agent's) device, `/devices/{id}`, with the optional
  `supervisorMonitoringMode` (default AllCalls) and `supervisorMonitoringScope` (default Agent). The
  supervisor joins calls on their own first device.
- A call already established on the device is joined at once; later calls are joined when the agent's
  leg is established. NextCall monitors one call (the current one, or the next) and monitoring ends with
  it; AllCalls monitors every call until CancelSupervisorMonitoring.
- Scope Agent: the supervisor leaves the call when the agent does (a transfer away ends it); scope Call:
  the supervisor stays on the call to its end, whoever handles it.
- The supervisor's leg is Established as soon as it joins (the phone is auto-answered). Who sees whom:
  listening in, the supervisor hears everyone and nobody sees the supervisor among the participants;
  coaching, the monitored agent sees (hears) the supervisor and the customer does not; barging in, the
  supervisor is a party of a conference that everyone sees. A silent supervisor (listen, coach) does not
  count as a party: the call ends when the two talking parties are gone, and a two-party call stays
  two-party for SingleStepTransfer.
- The supervisor may switch between ListenIn and Coach, and from either to Bargain; once the customer
  has heard the supervisor (Bargain) only CancelSupervisorMonitoring remains. The supervisor's leg offers
  Hangup (leaving that one call: NextCall monitoring is over, AllCalls goes on with the next call), and
  MuteCall / UnmuteCall when barging in.
- Call documents: the supervisor's leg shows `monitoring` (the state, mode, scope and the monitored
  device) and `monitoredUserMuted` (the monitored agent's leg is muted); the agent's leg shows
  `monitoring` (the state, mode, scope and the supervisor's device) and `supervisorListeningIn` (true while
  the supervisor listens or coaches). Other calls show `monitoring: {}` and both flags false.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..machine import TableMachine
from .refusal import bad_parameter

OFF = "Off"  # not a value of the reference's: the attribute is absent then
LISTEN_IN, COACH, BARGAIN = "ListenIn", "Coach", "Bargain"
NEXT_CALL, ALL_CALLS = "NextCall", "AllCalls"
SCOPE_CALL, SCOPE_AGENT = "Call", "Agent"
CANCEL = "CancelSupervisorMonitoring"

# fmt: off
MONITORING_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": LISTEN_IN, "source": [OFF, COACH],                "dest": LISTEN_IN},
    {"trigger": COACH,     "source": [OFF, LISTEN_IN],            "dest": COACH},
    {"trigger": BARGAIN,   "source": [OFF, LISTEN_IN, COACH],     "dest": BARGAIN},
    {"trigger": CANCEL,    "source": [LISTEN_IN, COACH, BARGAIN], "dest": OFF},
    # NextCall monitoring whose call is over, or any whose device left the agent monitored
    {"trigger": "monitoring_over", "source": [LISTEN_IN, COACH, BARGAIN], "dest": OFF},
]
# fmt: on

MONITORING_MACHINE = TableMachine([OFF, LISTEN_IN, COACH, BARGAIN], MONITORING_TRANSITIONS, OFF, "state")
SUPERVISOR_OPERATIONS = (LISTEN_IN, COACH, BARGAIN, CANCEL)


@dataclass(frozen=True)
class MonitorParameter:
    """One parameter of a monitoring operation: its name in the request, its values and its default."""

    name: str
    choices: tuple[str, ...]
    default: str
    description: str


_MODE = MonitorParameter(
    "supervisorMonitoringMode", (NEXT_CALL, ALL_CALLS), ALL_CALLS, "NextCall: one call; AllCalls: every call"
)
_SCOPE = MonitorParameter(
    "supervisorMonitoringScope",
    (SCOPE_CALL, SCOPE_AGENT),
    SCOPE_AGENT,
    "Call: to the call's end; Agent: while the agent is on it",
)
# One row per operation: what it takes (read by the engine, published in the OpenAPI document).
MONITOR_PARAMETERS: dict[str, tuple[MonitorParameter, ...]] = {
    LISTEN_IN: (_MODE, _SCOPE),
    COACH: (_MODE, _SCOPE),
    BARGAIN: (_MODE, _SCOPE),
    CANCEL: (),
}
assert set(MONITOR_PARAMETERS) == set(SUPERVISOR_OPERATIONS)


def read_monitor_params(operation: str, params: Mapping[str, Any]) -> dict[str, str | None]:
    """The operation's parameters by name (None when not given); a bad one is refused (1), named."""
    values: dict[str, str | None] = {}
    for parameter in MONITOR_PARAMETERS[operation]:
        value = params.get(parameter.name)
        if value is not None and value not in parameter.choices:
            raise bad_parameter(parameter.name, f"{value!r} is not one of {', '.join(parameter.choices)}")
        values[parameter.name] = value
    return values


class Monitoring:
    """The supervisor monitoring of one device: the model of the table above."""

    state: str

    def __init__(self, device_id: str) -> None:
        self.device_id = device_id
        self.supervisor_id: str | None = None
        self.supervisor_device: str | None = None
        self.mode = ALL_CALLS
        self.scope = SCOPE_AGENT
        self.joined = False  # NextCall: its one call has been joined
        self.left: str | None = None  # the call the supervisor hung up on: not joined again
        MONITORING_MACHINE.attach(self, OFF)

    def may(self, operation: str) -> bool:
        return MONITORING_MACHINE.allows(self, operation)

    def fire(self, trigger: str) -> None:
        if not MONITORING_MACHINE.fire(self, trigger):
            raise AssertionError(f"{trigger} refused on the monitoring of device {self.device_id} in {self.state}")

    @property
    def active(self) -> bool:
        return self.state != OFF

    def leg_operations(self) -> tuple[str, ...]:
        """What the supervisor's leg of a monitored call offers."""
        return ("Hangup", "MuteCall", "UnmuteCall") if self.state == BARGAIN else ("Hangup",)

    def data(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "supervisor": self.supervisor_id,
            "supervisorDevice": self.supervisor_device,
            "mode": self.mode,
            "scope": self.scope,
            "joined": self.joined,
            "left": self.left,
        }


def silent(party: object) -> bool:
    """A supervisor listening in or coaching (a party whose `monitor` is not barging in): on the call, but
    not one of its talking parties."""
    monitor = getattr(party, "monitor", None)
    return monitor is not None and monitor.state != BARGAIN


def monitoring_document(monitor: Monitoring) -> dict[str, str]:
    return {
        "supervisorMonitoringState": monitor.state,
        "supervisorMonitoringMode": monitor.mode,
        "supervisorMonitoringScope": monitor.scope,
    }


def device_monitoring(monitor: Monitoring | None) -> dict[str, str]:
    """The device attributes of the reference while monitoring is in progress; empty otherwise."""
    if monitor is None or not monitor.active:
        return {}
    return monitoring_document(monitor)
