"""The `transitions` Machine every table of the core is built with: calls, devices, agent states, interactions.

A leg is the model of three machines (call state, mute, recording), a voice device of three more (agent
state, Do Not Disturb, forwarding) and a chat or e-mail channel of two (agent state, Do Not Disturb).
Each machine would bind its own generic `trigger` / `may_trigger`
helpers to the model and log a warning when the previous machine already did; the core never uses those
helpers (it calls the per-operation `may_<Operation>` and `<Operation>` methods), so the first binding
is kept silently. Everything else is plain `transitions`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from transitions import Machine

_GENERIC_HELPERS = ("trigger", "may_trigger")
_MODEL = object()  # stands for the model in a recorded binding


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
        # (trigger, source) -> each row's conditions (method name, value required), in the table's order
        self._rows: dict[tuple[str, str], list[tuple[tuple[str, bool], ...]]] = {}
        self._dests: dict[tuple[str, str], list[str | None]] = {}  # and each row's destination (None: stays)
        # whether any transition or state has a callback, which only transitions' own triggers run
        self._callbacks = False
        for name, event in self.events.items():
            for source, transitions in event.transitions.items():
                for transition in transitions:
                    conditions = tuple(
                        (_method_name(condition.func), condition.target) for condition in transition.conditions
                    )
                    self._rows.setdefault((name, source), []).append(conditions)
                    self._dests.setdefault((name, source), []).append(transition.dest)
                    self._callbacks |= bool(transition.prepare or transition.before or transition.after)
        # per model class: the bindings add_model made on its first model, or None if they cannot be replayed
        self._bindings: dict[type, list[tuple[str, Any, tuple[Any, ...]]] | None] = {}

    def attach(self, model: Any, initial: str) -> None:
        """Bind the table's trigger methods to `model` and set its initial state, without registering it.

        A registered model stays in the machine's `models` list until removed, and the list is searched
        on every registration: with machines shared by every engine, legs and devices would pile up for
        the life of the process. Nothing the core uses needs the registration (firing a bound trigger
        reads the state from the model itself), so the model is bound and then let go.

        `add_model` was a sixth of the simulator's time under a load of call cycles (every call makes
        legs, every leg attaches three machines): for each event and state it formats names, resolves
        callables and probes the model for enter/exit methods, and the answer is the same for every model
        of a class. So the first model of a class goes through `add_model`, which also registers any
        enter/exit callbacks on the states, and its bindings (partials of the model) are recorded; later
        models of the class get the same partials of themselves, the same attributes `add_model` would
        have set. The tables are fixed once built, so the recording cannot go stale. The recorded
        bindings become attributes of the class that bind to the model on access, as methods do: a leg
        is made per party of every call, and storing dozens of partials on each was a twentieth of the
        time of a simulated hour. So a model holds only its state: copying one (a contact center's
        channels are copied at reset) copies no machine.
        """
        kind = type(model)
        bindings = self._bindings.get(kind, ())
        if bindings:
            setattr(model, self.model_attribute, self.get_state(initial).value)
            return
        before = dict(vars(model))
        self.add_model(model, initial=initial)
        # the model's on_enter_<state> / on_exit_<state> methods, if it has any, are now the states' callbacks
        self._callbacks |= any(state.on_enter or state.on_exit for state in self.states.values())
        if self.models and self.models[-1] is model:
            del self.models[-1]
        if bindings is None:
            return
        recorded = self._bindings[kind] = self._recorded(model, before)
        for name, func, args in recorded or ():
            setattr(kind, name, _Binding(func, args))
            delattr(model, name)  # the first model holds no more than the later ones (a copy stays plain)

    def _recorded(self, model: Any, before: dict[str, Any]) -> list[tuple[str, Any, tuple[Any, ...]]] | None:
        """What add_model set on `model`, as (name, function, arguments with the model marked), or None when
        it set anything but plain partials of the model (then every model goes through add_model)."""
        recorded = []
        for name, value in vars(model).items():
            if name == self.model_attribute or before.get(name, _MODEL) is value:
                continue
            if not isinstance(value, partial) or value.keywords or model not in value.args:
                return None
            recorded.append((name, value.func, tuple(_MODEL if arg is model else arg for arg in value.args)))
        return recorded

    def allows(self, model: Any, trigger: str, known: dict[str, bool] | None = None) -> bool:
        """Whether `trigger` has a transition from the model's current state whose conditions all hold.

        The same answer as transitions' `may_<trigger>()`, read straight from the table: that helper
        lists every trigger of the state on each call, which made capabilities the engine's hot spot.
        The tables' conditions are model method names taking no argument, so they are called directly.
        `known` carries the conditions already evaluated on this model while nothing changed, so asking
        for every operation of a leg (its capabilities, in every notification) evaluates each condition
        once, not once per operation that names it.
        """
        for conditions in self._rows.get((trigger, getattr(model, self.model_attribute)), ()):
            for name, target in conditions:
                if known is None:
                    holds = bool(getattr(model, name)())
                else:
                    holds = known.get(name)  # type: ignore[assignment]
                    if holds is None:
                        holds = known[name] = bool(getattr(model, name)())
                if holds != target:
                    break
            else:
                return True
        return False

    def fire(self, model: Any, trigger: str) -> bool:
        """Run `trigger` on the model, with the answer of transitions' own `<trigger>()`: the first row from
        the current state whose conditions hold sets its destination (an internal row, none), else False.

        Read straight from the table, as `allows` is: transitions' trigger builds its event data and
        walks the machine's empty callback lists on every call, and the engine fires a transition for
        most operations. A machine with callbacks (none of the tables has any) and a trigger with no
        row from the current state (transitions raises its MachineError) go to transitions itself."""
        state = getattr(model, self.model_attribute)
        key = (trigger, state)
        rows = self._rows.get(key)
        if rows is None or self._callbacks:
            return bool(getattr(model, trigger)())
        for conditions, dest in zip(rows, self._dests[key], strict=True):
            for name, target in conditions:  # most rows have none: no generator for them
                if getattr(model, name)() != target:
                    break
            else:
                if dest is not None:
                    setattr(model, self.model_attribute, dest)
                return True
        return False

    def conditions(self, trigger: str, state: str) -> tuple[str, ...]:
        """The names of the conditions of `trigger`'s rows from `state`, each once, in the table's order."""
        rows = self._rows.get((trigger, state), ())
        return tuple(dict.fromkeys(name for conditions in rows for name, _ in conditions))

    def leaves(self, state: str, trigger: str) -> bool:
        """Whether the table has any row for `trigger` from `state`, conditions aside."""
        return (trigger, state) in self._rows

    def _checked_assignment(self, model: Any, name: str, func: Any) -> None:
        if name in _GENERIC_HELPERS and hasattr(model, name):
            return
        super()._checked_assignment(model, name, func)


class _Binding:
    """One binding `add_model` made, as a class attribute: read on a model, it is the same partial of that
    model `add_model` would have stored on it."""

    __slots__ = ("func", "args")

    def __init__(self, func: Any, args: tuple[Any, ...]) -> None:
        self.func = func
        self.args = args

    def __get__(self, model: Any, owner: type | None = None) -> Any:
        if model is None:
            return self
        return partial(self.func, *[model if arg is _MODEL else arg for arg in self.args])


def _method_name(condition: object) -> str:
    """The tables name their conditions as model methods, which `allows` calls by name."""
    if not isinstance(condition, str):
        raise TypeError(f"a condition of the tables must be a model method's name, not {condition!r}")
    return condition
