"""The media channels an agent works on (voice, chat, email) and the agent state on each.

The voice channel holds no state of its own: its agent state and Do Not Disturb are the voice core's
state of the agent's devices, read when asked, so `/me/channels`, the devices' `userState` and the
`/v2/me/devices` notifications cannot disagree. Chat and e-mail keep their agent state here until the
multimedia channels get machines of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .settings import AgentState


class VoiceStates(Protocol):
    """Where a voice channel reads its agent state from (contact_center.ContactCenter)."""

    def voice_state_of(self, user_id: str) -> tuple[dict[str, Any], str]: ...


CHANNELS = ("voice", "chat", "email")
CHANNEL_FEATURES = {"voice": "api-voice", "chat": "api-multimedia-chat", "email": "api-multimedia-email"}
VOICE = "voice"


@dataclass
class Channel:
    """A multimedia channel (chat or e-mail) and the agent state on it."""

    name: str
    user_state: AgentState
    do_not_disturb: bool = False

    def document(self, center: VoiceStates) -> dict[str, Any]:
        return {
            "id": self.name,
            "channel": self.name,
            "userState": self.user_state.user_state(),
            "dndState": "On" if self.do_not_disturb else "Off",
        }


@dataclass
class VoiceChannel:
    """The voice channel of one agent: a window on the voice core's state of the agent's devices."""

    user_id: str
    name: str = VOICE

    def document(self, center: VoiceStates) -> dict[str, Any]:
        user_state, dnd = center.voice_state_of(self.user_id)
        return {"id": self.name, "channel": self.name, "userState": user_state, "dndState": dnd}
