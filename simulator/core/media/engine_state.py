"""What the parts of `multimedia.Multimedia` share: the engine's state, declared once for the type
checker, and the helpers one part calls on another. Every part derives from `MediaEngine`, so each
sees the whole engine's state; the attributes are assigned in `Multimedia.__init__`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..changes import QueueCallChanged
from ..clock import Clock
from ..contact_center import ContactCenter
from ..routing.interactions import InteractionQueues
from .chat import Party
from .events import MediaEvent
from .interaction import Handling, Interaction
from .options import MediaOptions
from .workbin import Workbin


class MediaEngine:
    """The state of the multimedia engine and the helpers its parts call across one another."""

    center: ContactCenter
    clock: Clock
    sink: Callable[[MediaEvent | QueueCallChanged], None]
    options: MediaOptions
    interactions: dict[str, Interaction]
    _live: dict[str, Interaction]  # the interactions going on, in creation order
    _holders: dict[str, set[str]]  # interaction id -> users with a live part in it
    _held: dict[str, dict[str, Interaction]]  # user id -> the interactions they hold
    _held_count: dict[tuple[str, str], int]  # (user id, channel) -> interactions held
    _touched: dict[str, Interaction]  # changed since the indexes were last brought up to date
    _refresh: dict[str, Interaction]  # changed since capabilities were last refreshed
    _observe: set[tuple[str, str]]  # (user id, channel) whose freedom may have changed
    outbox: list[dict[str, Any]]  # e-mails sent, as the world receives them
    _ids: itertools.count[int]
    queues: InteractionQueues
    _workbins: dict[tuple[str, str], Workbin]
    _routing: bool  # a routing pass is under way
    _offered: dict[str, str]  # interaction id -> the id of the queue it was offered to

    if TYPE_CHECKING:  # the helpers of the engine's parts (multimedia, holdings, telling, invitations, chat_work)

        def _new_id(self) -> str: ...
        def _handling(self, user_id: str, interaction_id: str) -> Handling: ...
        def _add(self, interaction: Interaction) -> None: ...
        def _finish(self, interaction: Interaction) -> None: ...
        def _touch(self, interaction: Interaction) -> None: ...
        def _settle(self) -> None: ...
        def _tell(
            self,
            handling: Handling,
            *,
            state: str | None = None,
            events: list[dict[str, Any]] | None = None,
            brief: bool = False,
        ) -> None: ...
        def _refresh_capabilities(self) -> None: ...
        def _properties_changed(self, interaction: Interaction) -> None: ...
        def _user_name(self, user_id: str) -> str: ...
        def _enqueue(self, interaction: Interaction, tried: set[str] | None = None, front: bool = False) -> None: ...
        def _route(self) -> None: ...
        def _invite(
            self, interaction: Interaction, user_id: str, *, conference: bool = False, tried: set[str] | None = None
        ) -> None: ...
        def _end_invitation(self, handling: Handling) -> None: ...
        def _after_invitation(self, handling: Handling) -> None: ...
        def _finish_if_unowned(self, interaction: Interaction) -> None: ...
        def _party(self, handling: Handling) -> Party: ...
        def _join(self, handling: Handling) -> None: ...
        def _leave_chat(self, handling: Handling) -> None: ...
        def _broadcast(self, interaction: Interaction, but: Handling | None = None) -> None: ...
        def _entered(self, interaction: Interaction) -> None: ...
        def _answered(self, interaction: Interaction, user_id: str) -> None: ...
        def _abandoned(self, interaction: Interaction) -> None: ...
