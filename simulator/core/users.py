"""Users of the contact center and how their passwords are checked."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

ROLES = ("ROLE_AGENT", "ROLE_SUPERVISOR", "ROLE_ADMIN")


@dataclass
class User:
    id: str
    userName: str
    password: str = field(repr=False)
    firstName: str = ""
    lastName: str = ""
    roles: list[str] = field(default_factory=lambda: ["ROLE_AGENT"])

    def has_password(self, candidate: str) -> bool:
        return hmac.compare_digest(self.password.encode(), candidate.encode())

    def document(self) -> dict[str, object]:
        """The user as the REST API shows it (never the password)."""
        return {
            "id": self.id,
            "userName": self.userName,
            "firstName": self.firstName,
            "lastName": self.lastName,
            "roles": list(self.roles),
            "uri": f"/api/v2/users/{self.id}",
        }
