"""Users of the contact center: who they are, their roles, the skills and devices they hold."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from .channels import Channel, VoiceChannel

ADMIN = "ROLE_ADMIN"
SUPERVISOR = "ROLE_SUPERVISOR"
AGENT = "ROLE_AGENT"
ROLES = (AGENT, SUPERVISOR, ADMIN)


@dataclass
class User:
    id: str
    userName: str
    password: str = field(repr=False)
    firstName: str = ""
    lastName: str = ""
    roles: list[str] = field(default_factory=lambda: [AGENT])
    employeeId: str | None = None
    changePasswordOnFirstLogin: bool = False
    # skill id -> level, in assignment order; devices by id. The contact center keeps both sides consistent.
    skill_levels: dict[str, int] = field(default_factory=dict)
    device_ids: list[str] = field(default_factory=list)
    channels: dict[str, Channel | VoiceChannel] = field(default_factory=dict)

    def has_password(self, candidate: str) -> bool:
        return hmac.compare_digest(self.password.encode(), candidate.encode())

    def has_role(self, *roles: str) -> bool:
        for role in roles:  # noqa: SIM110 (asked for every request: a loop costs less than a generator)
            if role in self.roles:
                return True
        return False

    @property
    def display_name(self) -> str:
        return f"{self.firstName} {self.lastName}".strip() or self.userName

    def document(self, do_not_disturb: str) -> dict[str, object]:
        """The user as the REST API shows it (never the password); Do Not Disturb is the contact center's
        to say, as it comes from the channels' and devices' state."""
        doc: dict[str, object] = {
            "id": self.id,
            "userName": self.userName,
            "firstName": self.firstName,
            "lastName": self.lastName,
            "roles": list(self.roles),
            "doNotDisturb": do_not_disturb,
            "changePasswordOnFirstLogin": self.changePasswordOnFirstLogin,
        }
        if self.employeeId is not None:
            doc["employeeId"] = self.employeeId
        return doc
