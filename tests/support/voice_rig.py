"""A voice core on a virtual clock with three agents, and helpers the voice tests share.

Agents 1-3 are users u1-u3 on devices d1-d3 with numbers 5001-5003. External numbers: ANSWERS picks up
after 2 s, BUSY is busy after 1 s, SILENT never answers (the 30 s no-answer timeout ends the attempt).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from simulator.core.refusals import Refusal
from simulator.core.voice import (
    CallOperationFailed,
    CallStateChanged,
    CallView,
    DeviceStateChanged,
    Line,
    RemoteRule,
    StaticDirectory,
    Telephony,
    VirtualClock,
    VoiceEvent,
    VoiceOptions,
)

ANSWERS = "+15550001"
BUSY = "+15550002"
SILENT = "+15550003"
CUSTOMER = "+15559999"
NUMBERS = {1: "5001", 2: "5002", 3: "5003"}

RULES = (RemoteRule(BUSY, "busy", 1.0), RemoteRule(SILENT, "no_answer"), RemoteRule("*", "answer", 2.0))


class Rig:
    """An engine, its clock and every event it emitted, addressed by agent number (1, 2, 3)."""

    def __init__(self, **options: Any) -> None:
        self.directory = StaticDirectory(Line(f"d{n}", NUMBERS[n], f"u{n}") for n in (1, 2, 3))
        self.clock = VirtualClock()
        self.events: list[VoiceEvent] = []
        self.engine = Telephony(self.directory, self.clock, self.events, VoiceOptions(remote_rules=RULES, **options))

    # driving

    def dial(self, agent: int, destination: str, user_data: Any = None) -> str:
        return self.engine.dial(f"u{agent}", f"d{agent}", destination, user_data)

    def op(self, agent: int, call_id: str, operation: str, **params: Any) -> None:
        self.engine.operate(f"u{agent}", call_id, operation, params)

    def device_op(self, agent: int, operation: str, **params: Any) -> None:
        self.engine.device_operate(f"u{agent}", f"d{agent}", operation, params)

    def connect(self, caller: int, callee: int) -> str:
        """An established internal call from one agent to another."""
        call_id = self.dial(caller, NUMBERS[callee])
        self.op(callee, call_id, "Answer")
        return call_id

    def inbound(self, agent: int, customer: str = CUSTOMER) -> str:
        """An established inbound call from a customer to an agent."""
        call_id = self.engine.inbound_call(customer, NUMBERS[agent])
        self.op(agent, call_id, "Answer")
        return call_id

    # looking

    def view(self, agent: int, call_id: str) -> CallView:
        return self.engine.call_view(f"u{agent}", call_id)

    def state(self, agent: int, call_id: str) -> str | None:
        """The agent's leg state on the call, or None when the agent is not on it."""
        for view in self.engine.calls_of_device(f"d{agent}"):
            if view.id == call_id:
                return view.state
        return None

    def calls(self, agent: int) -> list[CallView]:
        return self.engine.calls_of_device(f"d{agent}")

    def call_events(self, agent: int | None = None, kind: str | None = None) -> list[CallStateChanged]:
        return [
            event
            for event in self.events
            if isinstance(event, CallStateChanged)
            and (agent is None or event.device_id == f"d{agent}")
            and (kind is None or event.notification_type == kind)
        ]

    def errors(self) -> list[CallOperationFailed]:
        return [event for event in self.events if isinstance(event, CallOperationFailed)]

    def device_events(self, agent: int) -> list[DeviceStateChanged]:
        return [e for e in self.events if isinstance(e, DeviceStateChanged) and e.device.device_id == f"d{agent}"]

    def refused(self, action: Callable[[], object], code: int) -> Refusal:
        """Run an action that must be refused with `code`, and check it changed nothing and told nobody."""
        before = self.engine.snapshot()
        emitted = len(self.events)
        with pytest.raises(Refusal) as caught:
            action()
        assert caught.value.code == code, caught.value
        assert self.engine.snapshot() == before
        assert len(self.events) == emitted
        return caught.value
