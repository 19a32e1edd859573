"""Random operation sequences against the voice core: three agents, customers and remote numbers.

Every rule is an operation a client, the world or time could perform. A rule whose operation is advertised
in the leg's capabilities must be accepted; one that is not must be refused with statusCode 2 and change
nothing. After every step the invariants check that both ends of each call agree, that conference
participants agree on every leg, that released legs have left their device's call list, and that the
last notification each user got equals what a GET would show. A failure shrinks to a short list of
`state.<rule>(...)` steps that replays against a fresh rig.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from voice_rig import ANSWERS, BUSY, CUSTOMER, NUMBERS, SILENT, Rig

from simulator.core.refusals import Refusal
from simulator.core.voice import (
    AGENT_OPERATIONS,
    CALL_OPERATIONS,
    DEVICE_OPERATIONS,
    CallStateChanged,
    CallView,
    DeviceStateChanged,
)

AGENTS = st.sampled_from((1, 2, 3))
PICK = st.integers(min_value=0, max_value=3)
DESTINATIONS = ("5001", "5002", "5003", ANSWERS, BUSY, SILENT, "+15557777")
CUSTOMERS = (CUSTOMER, "+15558888")
NOWHERE = "ffffffffffffffff"
USER_DATA_OPS = ("AttachUserData", "UpdateUserData", "DeleteUserData", "DeleteUserDataPair")
QUIET_OPS = (*USER_DATA_OPS, "Hangup", "ClearCall", "SendDtmf")
DEVICE_OPS = (*DEVICE_OPERATIONS, *AGENT_OPERATIONS, "AuxWork", "Offline")
# What a custom agent-state operation name stands for, to know whether it is valid now.
DEVICE_OP_TRIGGER = {"AuxWork": "NotReady", "Offline": "EndContactCenterSession"}


# The switches of VoiceOptions worth exploring: the defaults, the reference's exact lists, and no timers.
OPTION_SETS: tuple[dict[str, Any], ...] = (
    {},
    {"mute": False, "clear_call": False},
    {"recording": False},
    {"no_answer_timeout": None, "busy_delay": 0.0, "wrap_up_seconds": None},
)
MUTATING = {"dial", "operate", "device_operate", "user_operate", "inbound_call", "remote_answer", "remote_hangup"}
MUTATING |= {"remote_send_dtmf", "advance"}


class Recording:
    """Passes calls through to the engine or clock, noting every accepted one that may change something."""

    def __init__(self, target: Any, name: str, log: list[tuple[str, str, tuple[Any, ...]]]) -> None:
        self._target, self._name, self._log = target, name, log

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._target, attribute)
        if attribute not in MUTATING:
            return value

        def recorded(*args: Any) -> Any:
            result = value(*args)  # a refusal changes nothing, so only what went through is noted
            self._log.append((self._name, attribute, args))
            return result

        return recorded


class VoiceMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.build({})

    def build(self, options: dict[str, Any]) -> None:
        """A fresh rig whose engine and clock inputs are recorded for the replay in `teardown`."""
        self.options = {"wrap_up_seconds": 5.0, **options}
        self.rig = Rig(**self.options)
        self.log: list[tuple[str, str, tuple[Any, ...]]] = []
        self.told_calls: dict[tuple[str, str], CallView] = {}  # the last notification per (device, call)
        self.told_devices: dict[str, DeviceStateChanged] = {}
        self.read = 0  # how many events were taken into told_* so far
        self.rig.engine = Recording(self.rig.engine, "engine", self.log)  # type: ignore[assignment]
        self.rig.clock = Recording(self.rig.clock, "clock", self.log)  # type: ignore[assignment]

    def teardown(self) -> None:
        """Determinism: the same inputs replayed on a fresh engine give the very same notifications."""
        replay = Rig(**self.options)
        for target, name, args in self.log:
            getattr(getattr(replay, target), name)(*args)
        assert replay.events == self.rig.events

    @initialize(
        agents_ready=st.booleans(),
        calls=st.sampled_from(("none", "customer", "customer and internal")),
        options=st.sampled_from(OPTION_SETS),
    )
    def start(self, agents_ready: bool, calls: str, options: dict[str, Any]) -> None:
        """Pick the engine's options, then optionally begin with logged-in Ready agents and established
        calls, so runs start mid-shift."""
        self.build(options)
        if agents_ready:
            for agent in (1, 2, 3):
                self.rig.device_op(agent, "StartContactCenterSession", channels=["voice"])
                self.rig.device_op(agent, "Ready")
        if calls != "none":
            self.rig.inbound(1, CUSTOMER)
        if calls == "customer and internal":
            self.rig.connect(2, 3)

    # ----- helpers

    def _params(self, agent: int, view: CallView, operation: str, choice: int) -> dict[str, Any]:
        """Parameters a careful client would send for the operation on this leg (see `_no_valid_params`)."""
        engine = self.rig.engine
        if operation in ("SingleStepTransfer", "SingleStepConference", "InitiateTransfer", "InitiateConference"):
            free = [n for n in DESTINATIONS if n != NUMBERS[agent] and n not in view.participants]
            return {"destination": free[choice % len(free)] if free else NUMBERS[agent]}
        if operation in ("CompleteTransfer", "CompleteConference"):
            pair = engine.consultation(f"u{agent}", view.id)
            if pair is None:
                return {"consultCallUri": NOWHERE}
            if operation == "CompleteTransfer" and choice % 2:
                return {}
            return {"consultCallUri": f"http://localhost/api/v2/me/calls/{pair[1]}"}
        if operation == "RemoveParticipantFromConference":
            return {"participant": view.participants[choice % len(view.participants)] if view.participants else "5009"}
        if operation == "SendDtmf":
            return {"digits": "12#"[: 1 + choice % 3]}
        if operation in ("SwapCalls", "MergeWithOtherCall"):
            held = [v.id for v in self.rig.calls(agent) if v.state == "Held" and v.id != view.id]
            return {"otherCallUri": held[choice % len(held)] if held else NOWHERE}
        if operation in ("AttachUserData", "UpdateUserData"):
            return {"userData": {f"k{choice}": choice}}
        if operation == "DeleteUserData":
            return {"userData": {f"k{choice}": None}} if choice % 2 else {}
        if operation == "DeleteUserDataPair":
            keys = sorted(view.user_data)
            return {"key": keys[choice % len(keys)] if keys else "k0"}
        return {}

    @staticmethod
    def _no_valid_params(agent: int, view: CallView, operation: str) -> bool:
        """No key to delete, or every destination the machine knows is already on the call."""
        if operation == "DeleteUserDataPair":
            return not view.user_data
        if operation in ("SingleStepTransfer", "SingleStepConference", "InitiateTransfer", "InitiateConference"):
            return all(n == NUMBERS[agent] or n in view.participants for n in DESTINATIONS)
        return False

    def _perform(self, agent: int, view: CallView, operation: str, choice: int) -> None:
        params = self._params(agent, view, operation, choice)
        action = lambda: self.rig.op(agent, view.id, operation, **params)  # noqa: E731
        if operation not in view.capabilities:
            error = self.rig.refused(action, 2)
            assert error.state == view.state, error
        elif self._no_valid_params(agent, view, operation):
            self.rig.refused(action, 1)  # advertised, but there is nothing valid a client could name
        else:
            action()

    # ----- rules: agents

    @rule(agent=AGENTS, pick=PICK, operation=st.sampled_from(CALL_OPERATIONS), choice=PICK)
    def call_operation(self, agent: int, pick: int, operation: str, choice: int) -> None:
        calls = self.rig.calls(agent)
        if not calls:
            others = [v.id for n in (1, 2, 3) if n != agent for v in self.rig.calls(n)]
            if others and not any(v.id == others[0] for v in calls):
                self.rig.refused(lambda: self.rig.op(agent, others[0], operation, **{}), 6)
            return
        self._perform(agent, calls[pick % len(calls)], operation, choice)

    @rule(agent=AGENTS, pick=PICK, index=st.integers(min_value=0, max_value=30), choice=PICK)
    def use_a_capability(self, agent: int, pick: int, index: int, choice: int) -> None:
        """Pick an advertised operation that moves the call along.

        Ending a call, user data and DTMF are left to `call_operation`, so calls live long enough to reach
        transfers and conferences instead of being hung up as soon as they start.
        """
        calls = self.rig.calls(agent)
        if calls:
            view = calls[pick % len(calls)]
            control = [name for name in view.capabilities if name not in QUIET_OPS] or list(view.capabilities)
            self._perform(agent, view, control[index % len(control)], choice)

    @rule(agent=AGENTS)
    def answer_what_rings(self, agent: int) -> None:
        """Agents pick up: without it most consultations never get far enough to be completed."""
        for view in self.rig.calls(agent):
            if "Answer" in view.capabilities:
                self.rig.op(agent, view.id, "Answer")
                return

    @rule(agent=AGENTS, destination=st.sampled_from(DESTINATIONS))
    def dial(self, agent: int, destination: str) -> None:
        if destination == NUMBERS[agent]:
            self.rig.refused(lambda: self.rig.dial(agent, destination), 1)
        elif any(v.state in ("Dialing", "Established") for v in self.rig.calls(agent)):
            self.rig.refused(lambda: self.rig.dial(agent, destination), 2)
        else:
            call_id = self.rig.dial(agent, destination)
            assert self.rig.state(agent, call_id) in ("Dialing", None)

    @rule(agent=AGENTS, destination=st.sampled_from(DESTINATIONS))
    def hold_and_dial_again(self, agent: int, destination: str) -> None:
        """An agent puts the active call on hold and makes another: the road to SwapCalls and Merge."""
        for view in self.rig.calls(agent):
            if "Hold" in view.capabilities:
                self.rig.op(agent, view.id, "Hold")
        if destination != NUMBERS[agent] and not any(v.state == "Dialing" for v in self.rig.calls(agent)):
            self.rig.dial(agent, destination)

    @rule(agent=AGENTS, operation=st.sampled_from(DEVICE_OPS), choice=PICK)
    def device_operation(self, agent: int, operation: str, choice: int) -> None:
        params: dict[str, Any] = {}
        if operation == "ForwardCallsOn":
            targets = [n for n in DESTINATIONS if n != NUMBERS[agent]]
            params = {"destination": targets[choice % len(targets)]}
        device = self.rig.engine.device_view(f"d{agent}")
        valid = set(device.capabilities) | set(self.rig.engine.operations_of_device(f"d{agent}"))
        action = lambda: self.rig.device_op(agent, operation, **params)  # noqa: E731
        if DEVICE_OP_TRIGGER.get(operation, operation) in valid:
            action()
        else:
            self.rig.refused(action, 2)

    # ----- rules: the world and time

    @rule(agent=AGENTS, customer=st.sampled_from(CUSTOMERS))
    def customer_calls(self, agent: int, customer: str) -> None:
        self.rig.engine.inbound_call(customer, NUMBERS[agent])

    @rule(pick=st.integers(min_value=0, max_value=7), action=st.sampled_from(("answer", "hangup", "dtmf")))
    def remote_party_acts(self, pick: int, action: str) -> None:
        engine = self.rig.engine
        parties = [(call_id, n, s) for call_id in engine.call_ids() for n, s in engine.remote_parties(call_id)]
        if not parties:
            return
        call_id, number, state = parties[pick % len(parties)]
        if action == "hangup":
            engine.remote_hangup(call_id, number)
        elif action == "answer":
            if state == "Ringing":
                engine.remote_answer(call_id, number)
            else:
                self.rig.refused(lambda: engine.remote_answer(call_id, number), 2)
        elif state == "Established":
            engine.remote_send_dtmf(call_id, number, "5")
        else:
            self.rig.refused(lambda: engine.remote_send_dtmf(call_id, number, "5"), 2)

    @rule(seconds=st.sampled_from((0.5, 1.0, 2.0, 5.0, 30.0)))
    def time_passes(self, seconds: float) -> None:
        self.rig.clock.advance(seconds)

    # ----- invariants

    @invariant()
    def the_model_holds(self) -> None:
        """Every property, after every step, on one look at each device's calls (looking is the costly part)."""
        views = {agent: self.rig.calls(agent) for agent in (1, 2, 3)}
        by_call: dict[str, list[CallView]] = {}
        for agent_views in views.values():
            for view in agent_views:
                by_call.setdefault(view.id, []).append(view)
        self.only_capabilities_are_accepted(views)
        self.both_ends_agree(by_call)
        self.participants_agree(by_call)
        self.released_legs_leave_the_device(views)
        self.notifications_tell_the_truth(views)

    def only_capabilities_are_accepted(self, views: dict[int, list[CallView]]) -> None:
        """Every operation missing from a leg's capabilities is refused with statusCode 2, changing nothing."""
        before = self.rig.engine.snapshot()
        emitted = len(self.rig.events)
        for agent, agent_views in views.items():
            for view in agent_views:
                for operation in CALL_OPERATIONS:
                    if operation in view.capabilities:
                        continue
                    params = self._params(agent, view, operation, 0)
                    try:
                        self.rig.op(agent, view.id, operation, **params)
                    except Refusal as error:
                        assert error.code == 2, (operation, error)
                    else:
                        raise AssertionError(f"{operation} accepted on {view} without being advertised")
        assert self.rig.engine.snapshot() == before
        assert len(self.rig.events) == emitted

    def both_ends_agree(self, by_call: dict[str, list[CallView]]) -> None:
        engine = self.rig.engine
        for call_id, legs in by_call.items():
            remote = engine.remote_parties(call_id)
            states = [leg.state for leg in legs] + [state for _, state in remote]
            assert set(states) != {"Ringing"}, (legs, remote)  # someone is on the line for a phone to ring
            for leg in legs:
                if leg.state == "Dialing":
                    others = [other.state for other in legs if other is not leg] + [state for _, state in remote]
                    assert all(state == "Ringing" for state in others), (leg, others)
            if len(legs) == 2 and not remote and len(legs[0].participants) == 1:
                # dialing/ringing, or both answered, or (after a single-step transfer) one answered party
                # waiting for the one ringing
                states = sorted(leg.state for leg in legs)
                assert (
                    states == ["Dialing", "Ringing"]
                    or set(states) <= {"Established", "Held"}
                    or (states.count("Ringing") == 1 and "Dialing" not in states)
                ), legs

    def participants_agree(self, by_call: dict[str, list[CallView]]) -> None:
        engine = self.rig.engine
        for call_id, legs in by_call.items():
            everyone = {frozenset((*leg.participants, leg.phone_number)) for leg in legs}
            assert len(everyone) == 1, legs
            for leg in legs:
                assert len(set(leg.participants)) == len(leg.participants), leg
                assert leg.phone_number not in leg.participants
                assert {number for number, _ in engine.remote_parties(call_id)} <= set(leg.participants)
            assert {leg.call_uuid for leg in legs} == {legs[0].call_uuid}
            assert len({(leg.device_id, leg.id) for leg in legs}) == len(legs)

    def released_legs_leave_the_device(self, views: dict[int, list[CallView]]) -> None:
        for agent_views in views.values():
            assert all(view.state != "Released" for view in agent_views)
            assert len({view.id for view in agent_views}) == len(agent_views)
            assert sum(view.state in ("Dialing", "Established") for view in agent_views) <= 1

    def notifications_tell_the_truth(self, views: dict[int, list[CallView]]) -> None:
        """The last notification per leg is what a GET shows now; a leg told Released is gone."""
        for event in self.rig.events[self.read :]:
            if isinstance(event, CallStateChanged):
                self.told_calls[(event.device_id, event.call.id)] = event.call
            elif isinstance(event, DeviceStateChanged):
                self.told_devices[event.device.device_id] = event
        self.read = len(self.rig.events)
        live = {(f"d{agent}", view.id): view for agent, agent_views in views.items() for view in agent_views}
        for key, view in live.items():
            told = self.told_calls.get(key)
            assert told is not None and told.same_but_duration(view), key
        for key, told in self.told_calls.items():
            assert (told.state == "Released") == (key not in live), (key, told)
        for device_id, event in self.told_devices.items():
            assert event.device == self.rig.engine.device_view(device_id)


VoiceMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_voice_state_machine = VoiceMachine.TestCase
