"""A call and its parties, and the state machines of one internal party's leg, declared as tables.

Reading of the reference: a call (Genesys "connection") has one `id` shared by every device on it, so an
internal call between two agents is one call seen from two devices. Each internal device on the call has
its own leg with its own `state`, `mute` and `recordingState`; external parties (customers, remote numbers)
are `RemoteParty` objects the simulated world drives.

Three machines act on a leg, each a table a reviewer can check against the reference:

- `LEG_TRANSITIONS`: the call state (Dialing, Ringing, Established, Held, Released). The capitalised
  triggers are the operations a client may post; lower-case triggers are what the network does to the leg
  (the far end answered, the call was released) and are never advertised.
- `MUTE_TRANSITIONS`: MuteCall / UnmuteCall, only while Established.
- `RECORDING_TRANSITIONS`: Stopped / Recording / Paused, with the four recording operations, only while
  Established (the reference's recording examples are all Established calls).

A leg's `capabilities` are the operations whose transition is valid from the current states and whose
conditions hold now; they are computed, never listed by hand, so they cannot disagree with what is accepted.

Further readings chosen where the reference is silent (each checked by tests/core/test_voice_calls.py):

- `participants` lists every other party still on the call, in joining order, ringing ones included (the
  reference's Dialing example already lists the party being rung). Every leg of a call therefore sees the
  same set of parties, itself excepted.
- Hold is seen only by the holder: the other end stays Established, as in the platform's own events.
- One active leg per device: Answer, Retrieve and Dial need every other leg of the device held (or
  ringing); the client holds first. The capability lists say so.
- A consultation is made for one purpose: a consult started with InitiateTransfer completes with
  CompleteTransfer, one started with InitiateConference with CompleteConference, once the consulted
  party has answered. Either completion may be posted on the held original or on the consult call.
- Recording is per leg (each agent records their own side); it stops when the leg is released and is
  kept, without operations, while the leg is held.
- Ringing offers Answer, the user-data operations and (optionally) ClearCall, which a real 8.5 server
  shows on ringing and established calls; Dialing offers exactly the reference example's list (Hangup,
  SendDtmf and user data).
- userData belongs to the call: every leg shows the same data and is told when it changes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..machine import TableMachine
from .monitoring import silent

if TYPE_CHECKING:
    from .monitoring import Monitoring

DIALING = "Dialing"
RINGING = "Ringing"
ESTABLISHED = "Established"
HELD = "Held"
RELEASED = "Released"
LEG_STATES = (DIALING, RINGING, ESTABLISHED, HELD, RELEASED)
LIVE = (DIALING, RINGING, ESTABLISHED, HELD)

INBOUND = "Inbound"
OUTBOUND = "Outbound"
INTERNAL = "Internal"
CONSULT = "Consult"

TRANSFER = "Transfer"
CONFERENCE = "Conference"

USER_DATA_OPERATIONS = ("AttachUserData", "UpdateUserData", "DeleteUserData", "DeleteUserDataPair")

# fmt: off
LEG_TRANSITIONS: list[dict[str, Any]] = [
    # operation                          from                                   to           only if
    {"trigger": "Answer",               "source": RINGING,                     "dest": ESTABLISHED, "conditions": "device_free"},  # noqa: E501
    {"trigger": "ClearCall",            "source": [RINGING, ESTABLISHED],      "dest": RELEASED,    "conditions": "clear_call_enabled"},  # noqa: E501
    {"trigger": "Hangup",               "source": [DIALING, ESTABLISHED, HELD], "dest": RELEASED},
    {"trigger": "Hold",                 "source": ESTABLISHED,                 "dest": HELD},
    {"trigger": "Retrieve",             "source": HELD,                        "dest": ESTABLISHED, "conditions": "device_free"},  # noqa: E501
    {"trigger": "SingleStepTransfer",   "source": ESTABLISHED,                 "dest": RELEASED,    "conditions": "two_party"},  # noqa: E501
    {"trigger": "SingleStepConference", "source": ESTABLISHED,                 "dest": None},
    {"trigger": "InitiateTransfer",     "source": ESTABLISHED,                 "dest": HELD,        "conditions": "can_consult"},  # noqa: E501
    {"trigger": "InitiateConference",   "source": ESTABLISHED,                 "dest": HELD,        "conditions": "can_consult"},  # noqa: E501
    {"trigger": "CompleteTransfer",     "source": HELD,                        "dest": RELEASED,    "conditions": "transfer_original_ready"},  # noqa: E501
    {"trigger": "CompleteTransfer",     "source": ESTABLISHED,                 "dest": RELEASED,    "conditions": "transfer_consult_ready"},  # noqa: E501
    {"trigger": "CompleteConference",   "source": HELD,                        "dest": ESTABLISHED, "conditions": "conference_original_ready"},  # noqa: E501
    {"trigger": "CompleteConference",   "source": ESTABLISHED,                 "dest": RELEASED,    "conditions": "conference_consult_ready"},  # noqa: E501
    {"trigger": "RemoveParticipantFromConference", "source": ESTABLISHED,      "dest": None,        "conditions": "is_conference"},  # noqa: E501
    {"trigger": "SendDtmf",             "source": [DIALING, ESTABLISHED],      "dest": None},
    {"trigger": "SwapCalls",            "source": ESTABLISHED,                 "dest": HELD,        "conditions": "has_other_held"},  # noqa: E501
    {"trigger": "MergeWithOtherCall",   "source": ESTABLISHED,                 "dest": None,        "conditions": "has_other_held"},  # noqa: E501
    {"trigger": "AttachUserData",       "source": list(LIVE),                  "dest": None},
    {"trigger": "UpdateUserData",       "source": list(LIVE),                  "dest": None},
    {"trigger": "DeleteUserData",       "source": list(LIVE),                  "dest": None},
    {"trigger": "DeleteUserDataPair",   "source": list(LIVE),                  "dest": None},
    # what the network does to the leg
    {"trigger": "connected",            "source": DIALING,                     "dest": ESTABLISHED},
    {"trigger": "held",                 "source": ESTABLISHED,                 "dest": HELD},
    {"trigger": "retrieved",            "source": HELD,                        "dest": ESTABLISHED},
    {"trigger": "released",             "source": list(LIVE),                  "dest": RELEASED},
]

MUTE_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "MuteCall",   "source": "Off", "dest": "On",  "conditions": ["mute_enabled", "is_established"]},
    {"trigger": "UnmuteCall", "source": "On",  "dest": "Off", "conditions": ["mute_enabled", "is_established"]},
]

RECORDING_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "StartCallRecording",  "source": "Stopped",               "dest": "Recording", "conditions": ["recording_enabled", "is_established"]},  # noqa: E501
    {"trigger": "PauseCallRecording",  "source": "Recording",             "dest": "Paused",    "conditions": ["recording_enabled", "is_established"]},  # noqa: E501
    {"trigger": "ResumeCallRecording", "source": "Paused",                "dest": "Recording", "conditions": ["recording_enabled", "is_established"]},  # noqa: E501
    {"trigger": "StopCallRecording",   "source": ["Recording", "Paused"], "dest": "Stopped",   "conditions": ["recording_enabled", "is_established"]},  # noqa: E501
    {"trigger": "call_ended",          "source": ["Recording", "Paused"], "dest": "Stopped"},
]
# fmt: on


LEG_MACHINE = TableMachine(list(LEG_STATES), LEG_TRANSITIONS, DIALING, "state")
MUTE_MACHINE = TableMachine(["Off", "On"], MUTE_TRANSITIONS, "Off", "mute")
RECORDING_MACHINE = TableMachine(
    ["Stopped", "Recording", "Paused"], RECORDING_TRANSITIONS, "Stopped", "recording_state"
)


_MACHINE_OF = {
    trigger: machine for machine in (LEG_MACHINE, MUTE_MACHINE, RECORDING_MACHINE) for trigger in machine.events
}


def _operations(*tables: list[dict[str, Any]]) -> tuple[str, ...]:
    names: list[str] = []
    for table in tables:
        for row in table:
            if row["trigger"][0].isupper() and row["trigger"] not in names:
                names.append(row["trigger"])
    return tuple(names)


# Every operation a client may post on /me/calls/{id}, in the order capabilities are listed.
CALL_OPERATIONS: tuple[str, ...] = _operations(LEG_TRANSITIONS, MUTE_TRANSITIONS, RECORDING_TRANSITIONS)
# The reference's own spellings of call operations (its prose lists `HangUp`), each accepted as the operation
# it names; capabilities keep the spelling of the reference's JSON examples.
CALL_SPELLINGS: dict[str, str] = {"HangUp": "Hangup"}


@functools.cache
def _candidates(state: str, mute: str, recording: str) -> tuple[str, ...]:
    """The operations with a row from these states, in CALL_OPERATIONS order: only their conditions need
    checking, which keeps capabilities cheap enough to compute for every notification."""
    current = {LEG_MACHINE: state, MUTE_MACHINE: mute, RECORDING_MACHINE: recording}
    return tuple(name for name in CALL_OPERATIONS if _MACHINE_OF[name].leaves(current[_MACHINE_OF[name]], name))


@functools.cache
def _conditions(state: str, mute: str, recording: str) -> tuple[str, ...]:
    """The conditions the candidates from these states name, each once: what their answer depends on."""
    current = {LEG_MACHINE: state, MUTE_MACHINE: mute, RECORDING_MACHINE: recording}
    names = (
        name
        for operation in _candidates(state, mute, recording)
        for name in _MACHINE_OF[operation].conditions(operation, current[_MACHINE_OF[operation]])
    )
    return tuple(dict.fromkeys(names))


# A leg's capabilities by everything they depend on: its three states, what its monitor offers, and the
# value of each condition its candidates name. A handful of combinations occur: every notification of
# every leg lists capabilities, and the answer for a combination is always the same.
_CAPABILITIES: dict[tuple[str, str, str, tuple[str, ...] | None, tuple[bool, ...]], tuple[str, ...]] = {}


@dataclass(frozen=True)
class LegOptions:
    """The switches that decide which optional operations a leg offers (see `VoiceOptions`)."""

    mute: bool = True
    recording: bool = True
    clear_call: bool = True


class RemoteParty:
    """A party outside the contact center: its number, its state, and what it will do when rung."""

    def __init__(self, call: Call, number: str, seq: int, state: str, placed_by: str | None) -> None:
        self.call = call  # changes when a transfer or conference moves the party to another call
        self.number = number
        self.seq = seq
        self.state = state  # Ringing, Established or Released
        self.placed_by = placed_by  # the device whose operation brought it in, told if it fails
        self.unreachable = False  # an internal number that cannot ring (Do Not Disturb, forward loop)

    @property
    def live(self) -> bool:
        return self.state != RELEASED


class Leg:
    """One internal device's part in a call; the model of the three machines above.

    The conditions below are what the tables reference by name; they read only the call, the device's
    other legs and the options, so capabilities are a pure function of the object graph.
    """

    state: str
    mute: str
    recording_state: str

    def __init__(
        self,
        call: Call,
        device_id: str,
        number: str,
        seq: int,
        started_at: float,
        device_legs: list[Leg],
        options: LegOptions,
        initial: str,
        *,
        mute: str = "Off",
        recording: str = "Stopped",
        placed_by: str | None = None,
    ) -> None:
        self.call = call
        self.device_id = device_id
        self.number = number
        self.seq = seq
        self.started_at = started_at
        self.device_legs = device_legs  # the live legs of this device, shared with the engine
        self.options = options
        self.placed_by = placed_by  # the device whose operation rang this leg, told if it is not answered
        self.ever_established = initial == ESTABLISHED
        self.final_participants: tuple[str, ...] = ()  # who was on the call when this leg left it
        self.monitor: Monitoring | None = None  # set on a supervisor's leg: the monitoring it serves
        LEG_MACHINE.attach(self, initial)
        MUTE_MACHINE.attach(self, mute)
        RECORDING_MACHINE.attach(self, recording)

    @property
    def live(self) -> bool:
        return self.state != RELEASED

    def may(self, operation: str, known: dict[str, bool] | None = None) -> bool:
        """Whether the operation's transition is valid now, conditions included (`known`: conditions
        already evaluated since the last change, see `TableMachine.allows`)."""
        machine = _MACHINE_OF.get(operation)
        if self.monitor is not None and operation not in self.monitor.leg_operations():
            return False
        return machine is not None and machine.allows(self, operation, known)

    def fire(self, trigger: str) -> None:
        """Run a transition the engine has already checked; a refusal here is a bug, not a client error."""
        if not _MACHINE_OF[trigger].fire(self, trigger):
            raise AssertionError(f"{trigger} refused on leg {self.device_id} of call {self.call.id} in {self.state}")

    @property
    def capabilities(self) -> tuple[str, ...]:
        """Every operation `may` allows now. Conditions are pure reads of the call, the device's legs and
        the options, so their values (each evaluated once) and the states decide the answer, which is
        computed once per combination (see `_CAPABILITIES`)."""
        if not self.live:
            return ()
        state, mute, recording = self.state, self.mute, self.recording_state
        conditions = _conditions(state, mute, recording)
        values = tuple(bool(getattr(self, name)()) for name in conditions)
        offered = self.monitor.leg_operations() if self.monitor is not None else None
        key = (state, mute, recording, offered, values)
        found = _CAPABILITIES.get(key)
        if found is None:
            known = dict(zip(conditions, values, strict=True))
            found = _CAPABILITIES[key] = tuple(
                name
                for name in _candidates(state, mute, recording)
                if (offered is None or name in offered) and _MACHINE_OF[name].allows(self, name, known)
            )
        return found

    # conditions named in the tables

    def device_free(self) -> bool:
        """One active leg per device: answering or retrieving needs every other leg held or ringing."""
        return not any(other is not self and other.state in (DIALING, ESTABLISHED) for other in self.device_legs)

    def two_party(self) -> bool:
        """A supervisor listening in or coaching is not a party here (see `monitoring`)."""
        return self.call.talking_count() == 2

    def is_conference(self) -> bool:
        return self.call.talking_count() >= 3

    def can_consult(self) -> bool:
        """One consultation at a time per call and device, and none started from a consult call itself."""
        return self.device_id not in self.call.consults and self.call.consult_of is None

    def _original_ready(self, purpose: str) -> bool:
        consult = self.call.consults.get(self.device_id)
        if consult is None or consult.purpose != purpose:
            return False
        leg = consult.leg_of(self.device_id)
        return leg is not None and leg.state == ESTABLISHED

    def _consult_ready(self, purpose: str) -> bool:
        original = self.call.consult_of
        if original is None or self.call.consult_device != self.device_id or self.call.purpose != purpose:
            return False
        leg = original.leg_of(self.device_id)
        return leg is not None and leg.state == HELD

    def transfer_original_ready(self) -> bool:
        return self._original_ready(TRANSFER)

    def transfer_consult_ready(self) -> bool:
        return self._consult_ready(TRANSFER)

    def conference_original_ready(self) -> bool:
        return self._original_ready(CONFERENCE)

    def conference_consult_ready(self) -> bool:
        return self._consult_ready(CONFERENCE)

    def has_other_held(self) -> bool:
        return any(other is not self and other.state == HELD for other in self.device_legs)

    def is_established(self) -> bool:
        return self.state == ESTABLISHED

    def mute_enabled(self) -> bool:
        return self.options.mute

    def recording_enabled(self) -> bool:
        return self.options.recording

    def clear_call_enabled(self) -> bool:
        return self.options.clear_call


@dataclass(eq=False)
class Call:
    """One connection: its identity, its attached data, its parties in joining order, and consult links.

    `consult_of` / `consult_device` / `purpose` are set on a consult call made by InitiateTransfer or
    InitiateConference; `consults` maps a device to the consult call it started from this call.
    """

    id: str
    uuid: str
    call_type: str
    ani: str
    dnis: str
    seq: int
    user_data: dict[str, Any] = field(default_factory=dict)
    parties: list[Leg | RemoteParty] = field(default_factory=list)
    consult_of: Call | None = None
    consult_device: str | None = None
    purpose: str | None = None
    consults: dict[str, Call] = field(default_factory=dict)

    def live_parties(self) -> list[Leg | RemoteParty]:
        return [party for party in self.parties if party.live]

    def talking_count(self) -> int:
        """The live parties that talk: a supervisor listening in or coaching is on the call but silent."""
        count = 0
        for party in self.parties:
            if party.live and not silent(party):
                count += 1
        return count

    def legs(self) -> list[Leg]:
        return [party for party in self.parties if isinstance(party, Leg)]

    def leg_of(self, device_id: str) -> Leg | None:
        """The device's live leg on this call, if it has one."""
        for party in self.parties:
            if isinstance(party, Leg) and party.device_id == device_id and party.live:
                return party
        return None

    def party_numbered(self, number: str) -> Leg | RemoteParty | None:
        for party in self.parties:
            if party.live and party.number == number:
                return party
        return None
