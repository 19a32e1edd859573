"""The media channels an agent works on (voice, chat, email) and the agent state on each.

Every channel's agent state and Do Not Disturb are those of the one agent-state machine
(`agent_state`). The voice channel holds no state of its own: its agent state and Do Not Disturb are the
voice core's state of the agent's devices (each a model of that machine), read when asked, so
`/me/channels`, the devices' `userState` and the `/v2/me/devices` notifications cannot disagree. A chat or
e-mail channel is itself a model of the machine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .agent_state import DND_ON, AgentStateModel
from .settings import AgentState


class VoiceStates(Protocol):
    """Where a voice channel reads its agent state from (contact_center.ContactCenter)."""

    def voice_state_of(self, user_id: str) -> tuple[dict[str, Any], str]: ...


CHANNELS = ("voice", "chat", "email")
CHANNEL_FEATURES = {"voice": "api-voice", "chat": "api-multimedia-chat", "email": "api-multimedia-email"}
VOICE = "voice"


class Channel(AgentStateModel):
    """A multimedia channel (chat or e-mail): the model of the agent-state machine on it.

    `definitions` are the contact center's agent-state definitions by operationName (its own mapping,
    so a definition added, renamed or removed is what the channel shows at once).
    """

    def __init__(self, name: str, definitions: Mapping[str, AgentState]) -> None:
        super().__init__()
        self.name = name
        self.definitions = definitions

    def _key(self) -> tuple[str, str, str, str | None, str | None]:
        return self.name, self.agent_state, self.dnd, self.reason, self.work_mode

    def __eq__(self, other: object) -> bool:
        """Equal in the same state: a copy of a contact center equals the original."""
        return self._key() == other._key() if isinstance(other, Channel) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a channel changes state

    def __repr__(self) -> str:
        return f"Channel{self._key()!r}"

    @property
    def user_state(self) -> AgentState:
        """The state as a definition: the one matching it, or an unnamed one (no id) when none does."""
        found = self.definition(self.definitions.values())
        return found if found is not None else AgentState("", "", "", *self.shown)

    @user_state.setter
    def user_state(self, definition: AgentState) -> None:
        self.place(definition)

    @property
    def do_not_disturb(self) -> bool:
        return self.dnd == DND_ON

    def document(self, center: VoiceStates) -> dict[str, Any]:
        return {
            "id": self.name,
            "channel": self.name,
            "userState": self.render_user_state(self.definitions.values()),
            "dndState": self.dnd,
        }


@dataclass
class VoiceChannel:
    """The voice channel of one agent: a window on the voice core's state of the agent's devices."""

    user_id: str
    name: str = VOICE

    def document(self, center: VoiceStates) -> dict[str, Any]:
        return self.document_of(*center.voice_state_of(self.user_id))

    def document_of(self, user_state: dict[str, Any], dnd: str) -> dict[str, Any]:
        """The document of the channel in this state (`voice_state_of`'s answer)."""
        return {"id": self.name, "channel": self.name, "userState": user_state, "dndState": dnd}
