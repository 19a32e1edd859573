"""Contacts: the directory an agent dials from. Custom contacts are stored; user and queue contacts are
derived from the users and queues, so they can never be stale."""

from __future__ import annotations

from dataclasses import dataclass

CUSTOM, QUEUE, USER = "Custom", "Queue", "User"
TYPES = (CUSTOM, QUEUE, USER)


@dataclass
class Contact:
    id: str
    name: str
    type: str
    phoneNumber: str | None = None
    userName: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    employeeId: str | None = None

    def document(self) -> dict[str, object]:
        doc: dict[str, object] = {"id": self.id, "name": self.name, "type": self.type}
        for name in ("phoneNumber", "userName", "firstName", "lastName", "employeeId"):
            value = getattr(self, name)
            if value is not None:
                doc[name] = value
        return doc
