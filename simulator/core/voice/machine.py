"""The `transitions` Machine the voice tables are built with.

A leg is the model of three machines (call state, mute, recording) and a device of three more (agent
state, Do Not Disturb, forwarding). Each machine would bind its own generic `trigger` / `may_trigger`
helpers to the model and log a warning when the previous machine already did; the core never uses those
helpers (it calls the per-operation `may_<Operation>` and `<Operation>` methods), so the first binding
is kept silently. Everything else is plain `transitions`.
"""

from __future__ import annotations

from typing import Any

from transitions import Machine

_GENERIC_HELPERS = ("trigger", "may_trigger")


class TableMachine(Machine):  # type: ignore[misc]
    """A machine without auto transitions, declared from a table, that shares its models quietly."""

    def __init__(self, states: list[str], table: list[dict[str, Any]], initial: str, attribute: str) -> None:
        super().__init__(
            model=None,
            states=states,
            transitions=table,
            initial=initial,
            auto_transitions=False,
            model_attribute=attribute,
        )
        self._rows: dict[tuple[str, str], list[tuple[tuple[str, bool], ...]]] = {}
        for name, event in self.events.items():
            for source, transitions in event.transitions.items():
                for transition in transitions:
                    conditions = tuple((condition.func, condition.target) for condition in transition.conditions)
                    self._rows.setdefault((name, source), []).append(conditions)

    def attach(self, model: Any, initial: str) -> None:
        """Bind the table's trigger methods to `model` and set its initial state, without registering it.

        A registered model stays in the machine's `models` list until removed, and the list is searched
        on every registration: with machines shared by every engine, legs and devices would pile up for
        the life of the process. Nothing the core uses needs the registration (firing a bound trigger
        reads the state from the model itself), so the model is bound and then let go.
        """
        self.add_model(model, initial=initial)
        if self.models and self.models[-1] is model:
            del self.models[-1]

    def allows(self, model: Any, trigger: str) -> bool:
        """Whether `trigger` has a transition from the model's current state whose conditions all hold.

        The same answer as transitions' `may_<trigger>()`, read straight from the table: that helper
        lists every trigger of the state on each call, which made capabilities the engine's hot spot.
        The tables' conditions are model method names taking no argument, so they are called directly.
        """
        for conditions in self._rows.get((trigger, getattr(model, self.model_attribute)), ()):
            if all(bool(getattr(model, name)()) == target for name, target in conditions):
                return True
        return False

    def leaves(self, state: str, trigger: str) -> bool:
        """Whether the table has any row for `trigger` from `state`, conditions aside."""
        return (trigger, state) in self._rows

    def _checked_assignment(self, model: Any, name: str, func: Any) -> None:
        if name in _GENERIC_HELPERS and hasattr(model, name):
            return
        super()._checked_assignment(model, name, func)
