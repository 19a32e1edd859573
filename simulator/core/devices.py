"""Devices: the phones agents log in on. The voice layer will hang call and device state on them."""

from __future__ import annotations

from dataclasses import dataclass

TELEPHONY_NETWORKS = ("Private", "Public")


@dataclass
class Device:
    id: str
    phoneNumber: str
    model: str | None = None
    vendor: str = "gws-simulator"
    telephonyNetwork: str = "Private"  # the reference's default when none is given
    user_id: str | None = None
    do_not_disturb: bool = False
    forward_to: str | None = None

    @property
    def capabilities(self) -> list[str]:
        """What the device accepts now, derived from its state so the two never disagree."""
        return [
            "DoNotDisturbOff" if self.do_not_disturb else "DoNotDisturbOn",
            "ForwardCallsOff" if self.forward_to else "ForwardCallsOn",
        ]

    def document(self) -> dict[str, object]:
        doc: dict[str, object] = {
            "id": self.id,
            "phoneNumber": self.phoneNumber,
            "e164Number": self.phoneNumber,
            "telephonyNetwork": self.telephonyNetwork,
            "vendor": self.vendor,
            "deviceState": "Active",
            "doNotDisturb": "On" if self.do_not_disturb else "Off",
            "capabilities": self.capabilities,
        }
        if self.model is not None:
            doc["model"] = self.model
        if self.forward_to is not None:
            doc["forwardTo"] = self.forward_to
        return doc
