"""Telling agents about their interactions: an InteractionStateMessage for every change to their part,
and PropertiesChanged when someone else's action changed their capabilities."""

from __future__ import annotations

from typing import Any

from .document import interaction_document, interaction_message
from .engine_state import MediaEngine
from .events import InteractionMessage
from .interaction import (
    INVITED,
    Handling,
    Interaction,
)

PROPERTIES_CHANGED = "PropertiesChanged"


class Telling(MediaEngine):
    """What each agent is told about their interactions."""

    def _tell(
        self,
        handling: Handling,
        *,
        state: str | None = None,
        events: list[dict[str, Any]] | None = None,
        brief: bool = False,
    ) -> None:
        self._touch(handling.interaction)
        doc = interaction_document(handling.interaction, handling, state=state, events=events, brief=brief)
        handling.told_capabilities = tuple(doc["capabilities"])
        self.sink(InteractionMessage(handling.user_id, interaction_message(doc)))

    def _refresh_capabilities(self) -> None:
        """Tell every agent whose capabilities changed through someone else's action (a conference
        invitation pending, the session ended by the visitor) their new list, as PropertiesChanged. A
        handling's capabilities depend on its own interaction only, so only those changed are looked at."""
        changed = list(self._refresh.values())
        self._refresh.clear()
        for interaction in changed:
            if interaction.done:
                continue
            for handling in interaction.live_handlings():
                if handling.state != INVITED and handling.capabilities != handling.told_capabilities:
                    events: list[dict[str, Any]] | None = [] if interaction.chat is not None else None
                    self._tell(handling, state=PROPERTIES_CHANGED, events=events)

    def _properties_changed(self, interaction: Interaction) -> None:
        for handling in interaction.live_handlings():
            if handling.state != INVITED:
                events: list[dict[str, Any]] | None = [] if interaction.chat is not None else None
                self._tell(handling, state=PROPERTIES_CHANGED, events=events)

    def _user_name(self, user_id: str) -> str:
        user = self.center.users.get(user_id)
        return user.userName if user is not None else user_id
