"""The contact center as the voice core sees it: the `Directory` that `voice.Telephony` is built over.

The voice core asks only lookups (which device answers a number, who holds a device, which agent states
exist); answering them from the live `ContactCenter` means a device created, assigned or deleted through
the REST API is at once what the telephony sees, with no copy to keep in step.
"""

from __future__ import annotations

from collections.abc import Sequence

from .contact_center import ContactCenter
from .voice.directory import AgentStateDefinition, Line


class CenterDirectory:
    """A `voice.Directory` over a contact center."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self._numbers: dict[str, str] = {}  # phone number -> device id, as of `_revision`
        self._revision = -1
        self._states: tuple[AgentStateDefinition, ...] = ()  # as of `_states_revision`
        self._states_revision = -1

    def line_of_number(self, number: str) -> Line | None:
        """A lookup in the numbering plan, rebuilt only when the contact center changed."""
        if self._revision != self.center.revision:
            self._numbers = {}
            for device in self.center.devices.values():
                self._numbers.setdefault(device.phoneNumber, device.id)
            self._revision = self.center.revision
        device_id = self._numbers.get(number)
        return None if device_id is None else self.line_of_device(device_id)

    def line_of_device(self, device_id: str) -> Line | None:
        device = self.center.devices.get(device_id)
        return None if device is None else Line(device.id, device.phoneNumber, device.user_id)

    def devices_of_user(self, user_id: str) -> Sequence[str]:
        user = self.center.users.get(user_id)
        return [] if user is None else list(user.device_ids)

    def agent_states(self) -> Sequence[AgentStateDefinition]:
        """Every device document matches its state against these: rebuilt only when the contact center
        changed, not for each document."""
        if self._states_revision != self.center.revision:
            self._states = tuple(
                AgentStateDefinition(
                    state.id, state.operationName, state.displayName, state.state, state.workMode, state.reason
                )
                for state in self.center.agent_states.values()
            )
            self._states_revision = self.center.revision
        return self._states
