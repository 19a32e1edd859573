"""The media channels an agent works on (voice, chat, email) and the agent state on each.

The agent-state machines will live here later; for now a channel holds its current agent state and its
do-not-disturb flag, which is what `/me/channels` and the devices' `userState` show.
"""

from __future__ import annotations

from dataclasses import dataclass

from .settings import AgentState

CHANNELS = ("voice", "chat", "email")
CHANNEL_FEATURES = {"voice": "api-voice", "chat": "api-multimedia-chat", "email": "api-multimedia-email"}


@dataclass
class Channel:
    name: str
    user_state: AgentState
    do_not_disturb: bool = False

    def document(self) -> dict[str, object]:
        return {
            "id": self.name,
            "channel": self.name,
            "userState": self.user_state.user_state(),
            "dndState": "On" if self.do_not_disturb else "Off",
        }
