"""Workbins: each agent's private places to park interactions and pull them back later.

Reading of the reference: the workbins an agent sees (GetWorkbinTypesInfo) are private views, named
`<workbin>/PrivateView`, whose `workbinId` is that view name in base64 as in the reference's example; a
parked interaction is Queued in the workbin's queue `<workbin>/PrivateQueue`. Only the agent whose
workbin it is reads, adds to, pulls from and subscribes to it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

DEFAULT_WORKBINS = ("InProgress", "Drafts")


def workbin_id(name: str) -> str:
    return base64.b64encode(f"{name}/PrivateView".encode()).decode("ascii")


@dataclass
class Workbin:
    """One agent's workbin: the ids of the interactions parked in it, oldest first, and who listens."""

    name: str
    owner: str  # user id
    interaction_ids: list[str] = field(default_factory=list)
    subscribed: bool = False

    @property
    def id(self) -> str:
        return workbin_id(self.name)

    @property
    def queue(self) -> str:
        return f"{self.name}/PrivateQueue"

    def info(self) -> dict[str, object]:
        """The reference's GetWorkbinTypesInfo entry."""
        return {
            "workbinId": self.id,
            "active": 1,
            "workbinName": self.name,
            "viewName": f"{self.name}/PrivateView",
            "workbinType": 1,
        }
