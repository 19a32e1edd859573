"""Devices: the phones agents log in on. What they are here; what they are doing (agent state, Do Not
Disturb, forwarding, capabilities) is the voice core's, merged into the document by the contact center."""

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
    location: str | None = None  # where the phone is (from the contact-center file; GET only in the reference)

    def document(self) -> dict[str, object]:
        """The fields the device itself holds; the voice state is added by `ContactCenter.device_document`."""
        doc: dict[str, object] = {
            "id": self.id,
            "phoneNumber": self.phoneNumber,
            "e164Number": self.phoneNumber,
            "telephonyNetwork": self.telephonyNetwork,
            "vendor": self.vendor,
        }
        if self.model is not None:
            doc["model"] = self.model
        return doc
