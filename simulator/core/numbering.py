"""The numbering plan as the reference's `/phone-numbers` and `/voice-environments` show it.

Devices and queues share one numbering plan; each number in use is a phone-number object of its own
(`phoneNumberUri` on devices and queues points at it), derived from the device or queue that holds it, so
it can never disagree with them. Its id is derived from the number (a name-based UUID), so the same
contact center shows the same ids at every start. A voice environment is the switch a T-Server serves:
one per Voice service of the contact center, under the service's id.

The index from id to number is rebuilt only when the contact center's names or numbers changed (its
`directory_revision`: who holds a device is not the numbering plan), so a lookup by id is not a scan of
every device.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from .catalog import Service
from .refusals import not_found

if TYPE_CHECKING:
    from .devices import Device
    from .queues import Queue


class NumberedCenter(Protocol):
    """What the numbering reads of the contact center (contact_center.ContactCenter)."""

    directory_revision: int
    devices: dict[str, Device]
    queues: dict[str, Queue]
    services: dict[str, Service]
    tserver: dict[str, str]

    def country_of(self, number: str) -> dict[str, str]: ...


_NAMESPACE = uuid.UUID("6f1c1c5e-5b8e-4b7a-9d3c-2a8f0e6f5a10")
# `type` of a device's number: the DeviceStateChangeMessage example's PSTNPhone for a phone on the public
# network; a private one (an extension of the switch) is a SIP phone.
DEVICE_TYPES = {"Public": "PSTNPhone", "Private": "SIPPhone"}
QUEUE_TYPE = "RoutingPoint"
SWITCH = "SIP_Switch"  # the switch of every DN unless the contact center's telephony.tserver names another


@lru_cache(maxsize=65_536)
def phone_number_id(number: str) -> str:
    """A number's id is a name-based UUID, the same on every run; every device document asks for it,
    and hashing it anew each time showed in profiles. The cache is larger than any contact center's
    numbers, so the index's rebuild, which asks for every one in turn, does not evict them as it goes."""
    return str(uuid.uuid5(_NAMESPACE, number))


@dataclass(frozen=True)
class PhoneNumber:
    """A number in use, and the device or queue holding it."""

    id: str
    number: str
    holder: Device | Queue

    @property
    def type(self) -> str:
        network = getattr(self.holder, "telephonyNetwork", None)
        return QUEUE_TYPE if network is None else DEVICE_TYPES.get(network, "SIPPhone")


@dataclass(frozen=True)
class VoiceEnvironment:
    """The switch of one Voice service (T-Server), named as the DNs' T-Server settings name it."""

    service: Service
    switch_name: str

    @property
    def id(self) -> str:
        return self.service.id

    def document(self) -> dict[str, Any]:
        return {
            "id": self.service.id,
            "name": self.switch_name,
            "switchName": self.switch_name,
            "tserverName": self.service.name,
            "state": self.service.state,
        }


class Numbering:
    """Every phone number of a contact center, found by id; and its voice environments."""

    def __init__(self, center: NumberedCenter) -> None:
        self.center = center
        self._index: dict[str, PhoneNumber] = {}
        self._revision = -1

    def _numbers(self) -> dict[str, PhoneNumber]:
        if self._revision != self.center.directory_revision:
            holders: list[Device | Queue] = [*self.center.devices.values(), *self.center.queues.values()]
            numbers = (PhoneNumber(phone_number_id(h.phoneNumber), h.phoneNumber, h) for h in holders)
            self._index = {number.id: number for number in numbers}
            self._revision = self.center.directory_revision
        return self._index

    def all(self) -> list[PhoneNumber]:
        return list(self._numbers().values())

    def get(self, number_id: str) -> PhoneNumber:
        found = self._numbers().get(number_id)
        if found is None:
            raise not_found("phone number", number_id)
        return found

    def of(self, holder: Device | Queue) -> PhoneNumber:
        return PhoneNumber(phone_number_id(holder.phoneNumber), holder.phoneNumber, holder)

    def details(self, number: str, location: str | None = None) -> dict[str, Any]:
        """What a number says of itself: `e164Number`, `localNumber` (without the country's calling code when
        it is in the contact center's country), `country`, and `location` when the simulator knows it (the
        device's own, from the contact-center file; else the country's name, for a number of that country;
        nothing for an internal number)."""
        country = self.center.country_of(number)
        local = number
        if country["callingCode"]:
            local = number.removeprefix("+" + country["callingCode"])
        details: dict[str, Any] = {"e164Number": number, "localNumber": local, "country": country}
        if location or country["name"]:
            details["location"] = location or country["name"]
        return details

    def document(self, phone_number: PhoneNumber) -> dict[str, Any]:
        return {
            "id": phone_number.id,
            "phoneNumber": phone_number.number,
            **self.details(phone_number.number, getattr(phone_number.holder, "location", None)),
            "type": phone_number.type,
        }

    def voice_environments(self) -> list[VoiceEnvironment]:
        switch = self.center.tserver.get("switchName", SWITCH)
        return [
            VoiceEnvironment(service, switch) for service in self.center.services.values() if service.type == "Voice"
        ]

    def voice_environment(self, environment_id: str) -> VoiceEnvironment:
        for environment in self.voice_environments():
            if environment.id == environment_id:
                return environment
        raise not_found("voice environment", environment_id)

    def voice_environment_of(self, device: Device) -> VoiceEnvironment | None:
        """The environment a device is on: the contact center's first Voice service, as real servers show it."""
        return next(iter(self.voice_environments()), None)
