"""What the voice core does when the contact center takes a device from its agent (unassigned, deleted,
or its user removed): the one change of a device that comes from provisioning rather than from an
operation, a call or the clock, and that must be told twice, once to the agent losing the device and
once to the stream as the device of nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .call import Leg
from .device import DeviceVoice
from .events import DeviceView
from .monitoring import Monitoring


class Handback:
    """`release_device` of `Telephony`, its base."""

    _devices: dict[str, DeviceVoice]
    _device_legs: dict[str, list[Leg]]
    _told_devices: dict[str, DeviceView]
    _monitorings: dict[str, Monitoring]
    _supervising: dict[str, dict[str, None]]
    _dirty_devices: dict[str, None]

    if TYPE_CHECKING:  # the engine's own helper (see telling.Telling)

        def _flush(self) -> None: ...
        def _end_monitoring(self, monitor: Monitoring, trigger: str) -> None: ...
        def _end_monitorings_by(self, device_id: str) -> None: ...

    def release_device(self, device_id: str, detach: Callable[[], None]) -> None:
        """The contact center takes the device from its agent with `detach`. The device logs out first (see
        `DeviceVoice.hand_back`), told to the agent still holding it; then the stream hears it is nobody's
        (a DeviceStateChanged for no user: statistics stop counting it the agent's, and nobody is sent it).
        A supervisor monitoring the agent stops, rather than go on to the device's next user's calls; so does
        every monitoring conducted from the device (its supervisor losing it, or removed), rather than have
        its next holder listen in on agents they never chose."""
        device = self._devices.get(device_id)
        monitor = self._monitorings.get(device_id)
        if monitor is not None and monitor.active:
            self._end_monitoring(monitor, "monitoring_over")
        self._end_monitorings_by(device_id)
        if device is not None and not device.untouched():
            device.hand_back()
            self._dirty_devices[device_id] = None
        if self._dirty_devices:
            self._flush()
        detach()
        if device is not None:
            self._dirty_devices[device_id] = None
            self._flush()

    def forget_device(self, device_id: str) -> None:
        """The contact center deleted the device (handed back first if it had a user, and with no call going
        on): it is dropped from every table of the engine, so that what the engine holds stays the size of
        the contact center as it is, however many devices came and went."""
        if self._device_legs.get(device_id):
            raise AssertionError(f"device {device_id} deleted with calls going on")
        tables = (self._devices, self._device_legs, self._told_devices, self._dirty_devices, self._monitorings)
        for table in tables:
            table.pop(device_id, None)
        if self._supervising.pop(device_id, None):
            raise AssertionError(f"device {device_id} deleted while it monitors")
