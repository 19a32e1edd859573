"""TableMachine answers from its table as transitions itself would: `fire` moves a model exactly as the
model's own `<trigger>()` does (conditions, internal rows, the first row that holds, a trigger with no row
from the state refused with MachineError), and `allows` says beforehand which it will be."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from transitions import MachineError

from simulator.core.machine import TableMachine

STATES = ["idle", "busy", "held"]
TABLE = [
    {"trigger": "take", "source": "idle", "dest": "busy", "conditions": "open"},
    {"trigger": "take", "source": "idle", "dest": "held", "unless": "open"},
    {"trigger": "hold", "source": "busy", "dest": "held", "conditions": ["open", "willing"]},
    {"trigger": "hold", "source": "busy", "dest": None, "conditions": "willing"},  # internal: stays
    {"trigger": "drop", "source": ["busy", "held"], "dest": "idle"},
    {"trigger": "wait", "source": "held", "dest": None},
]
TRIGGERS = ["take", "hold", "drop", "wait"]


class Model:
    def __init__(self, flags: tuple[bool, bool]) -> None:
        self.state = ""
        self.flags = flags

    def open(self) -> bool:
        return self.flags[0]

    def willing(self) -> bool:
        return self.flags[1]


MACHINE = TableMachine(STATES, TABLE, "idle", "state")


def _outcome(run: object) -> object:
    try:
        return run()  # type: ignore[operator]
    except MachineError:
        return MachineError


@given(st.lists(st.tuples(st.sampled_from(TRIGGERS), st.booleans(), st.booleans()), max_size=30))
def test_fire_moves_a_model_as_its_own_trigger_does(steps: list[tuple[str, bool, bool]]) -> None:
    ours, theirs = Model((True, True)), Model((True, True))
    MACHINE.attach(ours, "idle")
    MACHINE.attach(theirs, "idle")
    for trigger, is_open, willing in steps:
        ours.flags = theirs.flags = (is_open, willing)
        allowed = MACHINE.allows(ours, trigger)
        fired = _outcome(lambda trigger=trigger: MACHINE.fire(ours, trigger))
        assert fired == _outcome(getattr(theirs, trigger))
        assert ours.state == theirs.state
        assert allowed == (fired is True)


def test_a_trigger_without_a_row_from_the_state_is_refused_as_transitions_refuses_it() -> None:
    model = Model((True, True))
    MACHINE.attach(model, "idle")
    with pytest.raises(MachineError):
        MACHINE.fire(model, "hold")
    assert model.state == "idle"
    assert MACHINE.fire(model, "take") is True and model.state == "busy"
    assert MACHINE.fire(model, "hold") is True and model.state == "held"
    assert MACHINE.fire(model, "wait") is True and model.state == "held"  # an internal row
