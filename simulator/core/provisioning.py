"""What makes a method of the contact center a change of it: the revisions that indexes are keyed by, and
the `CenterChanged` its listener (the World's event stream) hears.

Two revisions, because the indexes read different things: `revision` moves with every change (routing's
skill index reads who holds which skill and device, and brings itself up to date from the change when it
hears it); `directory_revision` moves with every change but who holds a skill or a device (`assigns`),
as no lookup of names and numbers reads that: a session at a place, which gives the agent the place's
devices, rebuilds none of them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol

from .changes import CenterChanged


class Provisioned(Protocol):
    """What a change needs of the contact center it changes (contact_center.ContactCenter)."""

    revision: int
    directory_revision: int
    listener: Callable[[CenterChanged], None] | None
    _changing: int

    def _concerned(self, what: str, args: tuple[Any, ...]) -> tuple[str, ...]: ...


def provisions(method: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a method as a change of the contact center: once it succeeds, both revisions grow (so indexes
    built over the contact center know to rebuild) and the listener hears a `CenterChanged` naming the
    change and the users it concerns (those among its arguments, by position or by name, before the
    change and after it, and its result: a device's former owner and a new user are named too). A change
    made inside another (a setting that is an agent state) is reported once, as the outer one."""
    return _change(method, directory=True)


def assigns(method: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a method that gives a user a skill or a device, changes its level or takes it back: a change
    like any other, but `directory_revision` stays (no lookup of names or numbers reads who holds what)."""
    return _change(method, directory=False)


def _change(method: Callable[..., Any], *, directory: bool) -> Callable[..., Any]:
    @functools.wraps(method)
    def change(self: Provisioned, *args: Any, **kwargs: Any) -> Any:
        told = self._changing == 0 and self.listener is not None
        # asked before too: a change may take what names a user from its arguments (a device handed back)
        before = self._concerned(method.__name__, (*args, *kwargs.values())) if told else ()
        self._changing += 1
        try:
            result = method(self, *args, **kwargs)
        finally:
            self._changing -= 1
        self.revision += 1
        if directory:
            self.directory_revision += 1
        if told and self.listener is not None:
            after = self._concerned(method.__name__, (*args, *kwargs.values(), result))
            self.listener(CenterChanged(method.__name__, tuple(dict.fromkeys((*before, *after)))))
        return result

    return change
