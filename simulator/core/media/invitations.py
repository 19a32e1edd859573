"""Routing waiting interactions to free agents as invitations, revoked on the clock: the queues
(`routing.interactions`) say which interaction and which agent; this says what an invitation does, lapsed
or rejected (back to the head of its queue), and when an interaction nobody holds is over. An invitation
is a timed offer (`routing.offers`), which carries the agents tried for the interaction before."""

from __future__ import annotations

from ..routing.lanes import Waiting
from ..routing.offers import Offer, start_offer
from .engine_state import MediaEngine
from .interaction import (
    INVITED,
    Handling,
    Interaction,
)


class Invitations(MediaEngine):
    """Offering waiting work to free agents, and what becomes of an offer."""

    def waiting(self) -> list[str]:
        return self.queues.ids()

    def _enqueue(self, interaction: Interaction, tried: set[str] | None = None, front: bool = False) -> None:
        self.queues.add(interaction, tried, front)
        self._entered(interaction)

    def route(self) -> None:
        """Offer what can be offered now (the contact center changed: who may take what)."""
        self._route()

    def _route(self) -> None:
        """Offer waiting interactions to free agents (the queues' one loop, `Routing.dispatch`); reentrant
        calls only ask for one more pass."""
        if self._routing:
            return
        self._routing = True
        try:
            self._settle()
            self.queues.dispatch(self._offer)
            self._refresh_capabilities()
        finally:
            self._routing = False

    def _offer(self, entry: Waiting, pair: tuple[str, str], user_id: str) -> None:
        self._invite(self.interactions[entry.work_id], user_id, tried=entry.tried)
        self._settle()

    def _invite(
        self, interaction: Interaction, user_id: str, *, conference: bool = False, tried: set[str] | None = None
    ) -> None:
        handling = Handling(interaction, user_id, INVITED)
        handling.conference = conference
        interaction.handlings.append(handling)
        handling.offer = start_offer(
            self.clock,
            interaction.id,
            user_id,
            self.options.invite_timeout,
            lambda offer: self._invitation_lapsed(handling, offer),
            tried=tried or (),
        )
        self._tell(handling, brief=True)

    def _invitation_lapsed(self, handling: Handling, offer: Offer) -> None:
        if handling.state != INVITED or handling.offer is not offer:
            return
        handling.fire("revoke")
        self._tell(handling, brief=True)
        self._after_invitation(handling)
        self._route()

    def _end_invitation(self, handling: Handling) -> None:
        if handling.offer is not None:
            handling.offer.end()

    def _after_invitation(self, handling: Handling) -> None:
        """A rejected or revoked invitation: a conference invitation is simply over; an offer goes back to
        the head of its queue, for the next agent. Its queue is the one it last entered, found by its id:
        renamed since (allowed while the interaction was handled or out on an invitation to an agent, as
        nothing waited in it), the interaction waits under the new name, where routing looks, rather than
        under one no queue has any more."""
        interaction = handling.interaction
        if handling.conference or interaction.live_handlings():
            return
        if interaction.chat is not None and not interaction.chat.open:
            self._finish(interaction)
            return
        tried = handling.offer.tried_after() if handling.offer is not None else {handling.user_id}
        home = self.center.queues.get(interaction.queue_id) if interaction.queue_id is not None else None
        if home is not None:  # by its id: renamed while the interaction was handled, or out on the invitation
            interaction.queue = home.name
        self._enqueue(interaction, tried, front=True)

    def _finish_if_unowned(self, interaction: Interaction) -> None:
        if not interaction.live_handlings() and interaction.id not in self.queues and interaction.workbin is None:
            self._finish(interaction)
