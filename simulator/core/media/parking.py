"""Parking interactions in the agents' workbins and pulling them back out, and the workbins' reads and
notifications (`workbin.py` holds a workbin itself)."""

from __future__ import annotations

from typing import Any

from ..refusals import INVALID, MISSING, NOT_FOUND, Refusal
from . import params as read
from .document import interaction_document, interaction_message, workbin_item, workbin_message
from .events import InteractionMessage, WorkbinMessage
from .interaction import (
    PULLED,
    Handling,
    Interaction,
)
from .workbin import Workbin


class Parking:
    """Workbins: placing interactions in them, reading them, pulling interactions back."""

    def workbins_of(self, user_id: str) -> list[Workbin]:
        self.center.user(user_id)
        return [self._workbin(user_id, name) for name in self.options.workbins]

    def _workbin(self, user_id: str, name: str) -> Workbin:
        key = (user_id, name)
        if key not in self._workbins:
            self._workbins[key] = Workbin(name, user_id)
        return self._workbins[key]

    def workbin(self, user_id: str, reference: str) -> Workbin:
        """One of the agent's workbins by id (or name): statusCode 6 otherwise."""
        for workbin in self.workbins_of(user_id):
            if reference in (workbin.id, workbin.name):
                return workbin
        raise Refusal(NOT_FOUND, f"workbin {reference!r} is not one of your workbins")

    def _workbin_param(self, user_id: str, reference: Any, name: str) -> Workbin:
        if reference is None:
            raise Refusal(MISSING, f"{name} is required: the id of one of your workbins")
        if not isinstance(reference, str):
            raise Refusal(INVALID, f"{name} must be a workbin id")
        try:
            return self.workbin(user_id, reference)
        except Refusal:
            raise Refusal(INVALID, f"{name}: {reference!r} is not one of your workbins") from None

    def workbin_content(self, user_id: str, reference: str) -> list[dict[str, Any]]:
        workbin = self.workbin(user_id, reference)
        name = self._user_name(user_id)
        return [workbin_item(self.interactions[ix], workbin.name, name) for ix in workbin.interaction_ids]

    def tell_workbin_content(self, user_id: str, reference: Any) -> None:
        """GetWorkbinContent as an operation: "the content comes as a CometD message", an
        InteractionStateMessage on /v2/me/interactions for each interaction in the workbin, as anyone
        not handling it sees it (Queued in the workbin's queue)."""
        workbin = self._workbin_param(user_id, reference, "workbin")
        for interaction_id in workbin.interaction_ids:
            document = interaction_document(self.interactions[interaction_id], None)
            self.sink(InteractionMessage(user_id, interaction_message(document)))

    def place_in_workbin(self, user_id: str, reference: str, interaction_id: Any) -> None:
        """AddInteractionToWorkbin: the same as PlaceInWorkbin on the interaction."""
        workbin = self.workbin(user_id, reference)
        if not isinstance(interaction_id, str):
            raise Refusal(MISSING if interaction_id is None else INVALID, "interactionId is required (a string)")
        handling = self._handling(user_id, interaction_id)
        if not handling.may("PlaceInWorkbin"):
            raise read.refused("PlaceInWorkbin", handling)
        self._park(handling, workbin)
        self._route()

    def subscribe(self, user_id: str, reference: str, on: bool) -> None:
        self.workbin(user_id, reference).subscribed = on

    def _place_in_workbin(self, handling: Handling, params: dict[str, Any]) -> None:
        workbin = self._workbin_param(handling.user_id, params.get("workbin"), "workbin")
        self._park(handling, workbin)

    def _park(self, handling: Handling, workbin: Workbin) -> None:
        interaction = handling.interaction
        self._leave_chat(handling)
        handling.fire("PlaceInWorkbin")
        interaction.queue = workbin.queue
        interaction.workbin = (workbin.owner, workbin.name)
        interaction.parked_at = self.clock.now()
        workbin.interaction_ids.append(interaction.id)
        self._tell(handling, brief=True)
        self._workbin_told(workbin, interaction, placed_in=True, state="Queued")

    def _workbin_told(self, workbin: Workbin, interaction: Interaction, placed_in: bool, state: str) -> None:
        if workbin.subscribed:
            name = self._user_name(workbin.owner)
            self.sink(WorkbinMessage(workbin.owner, workbin_message(interaction, workbin.name, name, placed_in, state)))

    def pull(self, user_id: str, workbin_ref: Any, interaction_id: Any) -> None:
        """PullInteractionFromWorkbin: the interaction leaves the agent's workbin and is theirs (Pulled)."""
        workbin = self._workbin_param(user_id, workbin_ref, "uri")
        if interaction_id not in workbin.interaction_ids:
            raise Refusal(NOT_FOUND, f"uri: interaction {interaction_id!r} is not in workbin {workbin.name}")
        interaction = self.interactions[interaction_id]
        workbin.interaction_ids.remove(interaction_id)
        interaction.workbin = None
        handling = Handling(interaction, user_id, PULLED)
        interaction.handlings.append(handling)
        if interaction.chat is not None and interaction.chat.open:
            handling.nickname = self._user_name(user_id)
            self._join(handling)
            handling.told = interaction.chat.latest_event_id
        self._tell(handling)
        self._workbin_told(workbin, interaction, placed_in=False, state=PULLED)
        if interaction.chat is not None:
            self._broadcast(interaction, but=handling)
        self._route()
