"""What the multimedia core hands the notifier: finished documents for one user, each for one topic.

The core renders its documents itself (they hold no URIs), so an event is the message to deliver; a
frozen event with a copied document can be delivered later, or twice, and say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

INTERACTIONS = "/v2/me/interactions"
WORKBINS = "/v2/me/workbins"


@dataclass(frozen=True)
class InteractionMessage:
    """An InteractionStateMessage on /v2/me/interactions for one agent."""

    user_id: str
    data: dict[str, Any]
    topic: str = INTERACTIONS


@dataclass(frozen=True)
class WorkbinMessage:
    """A workbinNotificationResource on /v2/me/workbins for the agent subscribed to the workbin."""

    user_id: str
    data: dict[str, Any]
    topic: str = WORKBINS


@dataclass(frozen=True)
class ChannelChanged:
    """An agent's chat or e-mail channel changed state; the notifier renders the channel document."""

    user_id: str
    channel: str


MediaEvent = InteractionMessage | WorkbinMessage | ChannelChanged
