"""What the system offers whatever the contact center: features, services, routing templates.

The reference says the feature set "is defined by Web Services and is not modifiable"; these are
read-only data, and a contact center chooses which features it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Feature:
    id: str
    displayName: str
    description: str

    def document(self) -> dict[str, object]:
        return {"id": self.id, "displayName": self.displayName, "description": self.description}


MONITORING_FEATURE = "api-supervisor-monitoring"  # without it no supervisor monitors, nor goes on monitoring

SYSTEM_FEATURES = (
    Feature("api-voice", "Voice", "Phone calls on agents' devices: call control, DND, forwarding."),
    Feature("api-voice-recording", "Call recording", "Recording of calls and per-queue recording settings."),
    Feature(MONITORING_FEATURE, "Supervisor monitoring", "Listen-in, coaching and barge-in."),
    Feature("api-multimedia-chat", "Chat", "Chat interactions on the chat channel."),
    Feature("api-multimedia-email", "E-mail", "E-mail interactions on the email channel."),
    Feature("api-provisioning", "Provisioning", "Users, skills, devices, queues, contacts and settings."),
    Feature("api-reporting", "Real-time reporting", "Statistics of queues, skills and agents."),
)

SERVICE_TYPES = ("Provisioning", "Voice", "Reporting", "Media")
SERVICE_STATES = ("Active", "Inactive", "ReadOnly")


@dataclass
class Service:
    id: str
    name: str
    type: str
    state: str = "Active"

    def document(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "type": self.type, "state": self.state}


DEFAULT_SERVICES = (
    ("Provisioning", "Provisioning"),
    ("SIPS1", "Voice"),
    ("StatServer", "Reporting"),
    ("InteractionServer", "Media"),
)


@dataclass(frozen=True)
class RoutingTemplate:
    id: str
    name: str
    description: str
    channel: str
    dependencies: tuple[str, ...]
    enabled: bool = True
    version: str = "1.0.0"

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "version": self.version,
            "channel": self.channel,
            "dependencies": list(self.dependencies),
            "enabled": self.enabled,
            "schema": [{"name": name, "type": "string", "required": True} for name in self.dependencies],
        }


ROUTING_TEMPLATES = (
    RoutingTemplate(
        "00_RouteToSpecDestination",
        "Route Call to Specified Destination",
        "Routes calls to a skill or queue",
        "voice",
        ("media", "destination"),
    ),
    RoutingTemplate(
        "07_SegmentCallerRouteToSpecDestination",
        "Play Greeting, Segment Caller, and Route To Specified Destination",
        "Plays a user-configured greeting, segments the caller and routes to a destination",
        "voice",
        ("media", "destination", "data_record_type"),
        enabled=False,
    ),
    RoutingTemplate(
        "20_RouteChatToSkill", "Route Chat to Skill", "Routes chats to agents with a skill", "chat", ("destination",)
    ),
    RoutingTemplate(
        "30_RouteEmailToSkill",
        "Route E-mail to Skill",
        "Routes e-mails to agents with a skill",
        "email",
        ("destination",),
    ),
)
DEFAULT_TEMPLATE_OF_CHANNEL = {
    "voice": "00_RouteToSpecDestination",
    "chat": "20_RouteChatToSkill",
    "email": "30_RouteEmailToSkill",
}
