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

    def _checked_assignment(self, model: Any, name: str, func: Any) -> None:
        if name in _GENERIC_HELPERS and hasattr(model, name):
            return
        super()._checked_assignment(model, name, func)
