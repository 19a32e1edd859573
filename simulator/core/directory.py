"""The contact center as the voice core sees it: the `Directory` that `voice.Telephony` is built over.

The voice core asks only lookups (which device answers a number, who holds a device, which agent states
exist); answering them from the live `ContactCenter` means a device created, assigned or deleted through
the REST API is at once what the telephony sees, with no copy to keep in step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .contact_center import ContactCenter
from .settings import AgentState
from .voice.directory import Line


class CenterDirectory:
    """A `voice.Directory` over a contact center."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self._numbers: dict[str, str] = {}  # phone number -> device id, as of `_revision`
        self._revision = -1
        self._lines: dict[str, Line] = {}  # device id -> its line when last asked

    def line_of_number(self, number: str) -> Line | None:
        """A lookup in the numbering plan, rebuilt only when the contact center's names or numbers changed."""
        if self._revision != self.center.directory_revision:
            self._numbers = {}
            for device in self.center.devices.values():
                self._numbers.setdefault(device.phoneNumber, device.id)
            self._revision = self.center.directory_revision
        device_id = self._numbers.get(number)
        return None if device_id is None else self.line_of_device(device_id)

    def line_of_device(self, device_id: str) -> Line | None:
        """The device's line, live: the one made when last asked while its number and user are the same
        (every action asks for each device it touched, often more than once)."""
        device = self.center.devices.get(device_id)
        if device is None:
            self._lines.pop(device_id, None)
            return None
        line = self._lines.get(device_id)
        if line is None or line.phone_number != device.phoneNumber or line.user_id != device.user_id:
            line = self._lines[device_id] = Line(device.id, device.phoneNumber, device.user_id)
        return line

    def devices_of_user(self, user_id: str) -> Sequence[str]:
        user = self.center.users.get(user_id)
        return [] if user is None else list(user.device_ids)

    def agent_states(self) -> Mapping[str, AgentState]:
        """The contact center's own definitions, live: a definition added or changed is read at once."""
        return self.center.agent_states
