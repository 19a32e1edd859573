"""Queues: the numbers and channels customers reach, with their routing template and call recording."""

from __future__ import annotations

from dataclasses import dataclass, field

INTERNAL_NUMBERS = range(4000, 10000)  # internal queues get "0XXXX", XXXX in 4000..9999 (reference)


@dataclass
class Queue:
    id: str
    name: str
    channel: str
    phoneNumber: str
    internal: bool = False
    description: str | None = None
    skill_ids: list[str] = field(default_factory=list)
    routing_template_id: str | None = None
    recording_percentage: int = 0
    ring_timeout: float | None = None  # seconds routing rings an agent with a call (None: the center's default)

    def document(self) -> dict[str, object]:
        doc: dict[str, object] = {
            "id": self.id,
            "name": self.name,
            "channel": self.channel,
            "phoneNumber": self.phoneNumber,
            "internal": self.internal,
        }
        if self.description is not None:
            doc["description"] = self.description
        return doc

    def call_recording(self) -> dict[str, object]:
        return {"callRecording": {"percentage": self.recording_percentage}}
