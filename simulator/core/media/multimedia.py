"""The multimedia engine: chat and e-mail interactions, agents' chat and e-mail channels, routing from
the chat and e-mail queues, invitations revoked on the clock, and workbins.

Like the voice core it is synchronous, deterministic and free of I/O. Every change enters through one of
the entry points below, is checked completely before anything changes (a refusal raises `Refusal` with
the reference's statusCode and a message naming the field), and reports through the sink:

- REST ``POST /me/channels/{chat|email}``                 -> ``channel_operate``
- REST ``POST /me``                                       -> ``plan_user_operation`` then ``apply_user_plan``,
  planned beside voice by the World
- REST ``POST /me/interactions/{id}`` {operationName}      -> ``operate``
- REST ``POST /me/interactions`` (Create, Pull)            -> ``create``, ``pull``
- REST attachments                                         -> ``add_attachment``, ``attachment``,
  ``delete_attachment``
- REST ``/me/workbins...``                                 -> ``workbins_of``, ``workbin_content``,
  ``place_in_workbin``, ``subscribe``
- the world (control API, scenarios)                      -> ``start_chat``, ``visitor_send``,
  ``visitor_typing``, ``visitor_leave``, ``receive_email``
- the contact center removing a user                      -> ``check_removable``, ``revoke_invitations``
- timers                                                  -> an invitation's revocation

Routing (`routing.interactions`) follows the voice router's rules: an agent is free for a channel when Ready on
it, not in Do Not Disturb and holding fewer than `capacity` interactions of it; the queue's skills and
levels decide, then who has been free longest. An invitation not accepted within `invite_timeout`
seconds is revoked and offered to the next agent.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from typing import Any

from ..changes import QueueCallChanged
from ..clock import Clock
from ..contact_center import ContactCenter
from ..refusals import INVALID, NOT_FOUND, Refusal
from ..routing.interactions import InteractionQueues
from .agent_channels import AgentChannels
from .chat_work import ChatWork
from .departure import Departure
from .document import interaction_document
from .email_work import EmailWork
from .events import MediaEvent
from .holdings import Holdings
from .interaction import (
    MEDIA_CHANNELS,
    Handling,
    Interaction,
)
from .invitations import Invitations
from .operations import InteractionOperations
from .options import MediaOptions
from .parking import Parking
from .queue_changes import QueueChanges
from .telling import Telling


class Multimedia(
    AgentChannels,
    InteractionOperations,
    ChatWork,
    EmailWork,
    Parking,
    Departure,
    Invitations,
    QueueChanges,
    Holdings,
    Telling,
):
    """Chat and e-mail for the agents of `center`, on `clock`, reporting to `sink`: the one way in."""

    def __init__(
        self,
        center: ContactCenter,
        clock: Clock,
        sink: Callable[[MediaEvent | QueueCallChanged], None],
        options: MediaOptions | None = None,
    ) -> None:
        self.center = center
        self.clock = clock
        self.sink = sink
        self.options = options or MediaOptions()
        # The state each part reads, declared in engine_state.MediaEngine. Indexes are kept from each
        # change, so no operation visits every interaction or agent.
        self.interactions = {}
        self._live = {}
        self._holders = {}
        self._held = {}
        self._held_count = {}
        self._touched = {}
        self._refresh = {}
        self._observe = set()
        self.outbox = []
        self._ids = itertools.count(1)
        self.queues = InteractionQueues(center, clock, self._free, MEDIA_CHANNELS)
        self._workbins = {}
        self._routing = False
        self._offered = {}

    def configure(self, values: dict[str, Any]) -> MediaOptions:
        """Change options by their control-API names (inviteTimeout, attachmentLimit, capacity); all or none.
        A new invitation timeout applies to invitations made from now on."""
        changes: dict[str, Any] = {}
        for name, attribute, floor in (
            ("inviteTimeout", "invite_timeout", 0.001),
            ("attachmentLimit", "attachment_limit", 1),
            ("capacity", "capacity", 1),
        ):
            if name not in values:
                continue
            value = values[name]
            whole = attribute != "invite_timeout"
            kind = int if whole else int | float
            if isinstance(value, bool) or not isinstance(value, kind) or value < floor:
                what = "a whole number, 1 or more" if whole else "a number of seconds above 0"
                raise Refusal(INVALID, f"{name} must be {what}")
            changes[attribute] = value if whole else float(value)
        self.options = dataclasses.replace(self.options, **changes)
        if "capacity" in changes:
            self.queues.invalidate()  # who is free changes for everyone
        return self.options

    def _new_id(self) -> str:
        return f"{next(self._ids):016X}"

    def live(self) -> list[Interaction]:
        return list(self._live.values())

    def of_user(self, user_id: str) -> list[Interaction]:
        """The interactions the agent takes part in, in creation order (ids are issued in order)."""
        self._sync_holders()
        return sorted(self._held.get(user_id, {}).values(), key=lambda interaction: interaction.id)

    def get(self, interaction_id: str) -> Interaction:
        interaction = self.interactions.get(interaction_id)
        if interaction is None or interaction.done:
            raise Refusal(NOT_FOUND, f"interaction {interaction_id!r} does not exist")
        return interaction

    def document(self, interaction: Interaction, user_id: str | None = None) -> dict[str, Any]:
        """The interaction as `user_id` sees it now (their state and capabilities), for GETs."""
        handling = interaction.handling_of(user_id) if user_id is not None else None
        return interaction_document(interaction, handling)

    def _handling(self, user_id: str, interaction_id: str) -> Handling:
        interaction = self.interactions.get(interaction_id)
        handling = None if interaction is None else interaction.handling_of(user_id)
        if handling is None:
            raise Refusal(NOT_FOUND, f"interaction {interaction_id!r} is not one of your interactions")
        return handling

    def snapshot(self) -> dict[str, Any]:
        """Every live interaction with who handles it and how, the queues' waiting lists and the outbox."""
        return {
            "interactions": {
                interaction.id: {
                    "channel": interaction.channel,
                    "state": interaction.state,
                    "queue": interaction.queue,
                    "handlings": {h.user_id: h.state for h in interaction.live_handlings()},
                    "events": len(interaction.chat.events) if interaction.chat is not None else 0,
                }
                for interaction in self.live()
            },
            "waiting": self.queues.ids(),
            "outbox": list(self.outbox),
        }
