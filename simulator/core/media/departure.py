"""What a user's interactions do when the contact center removes the user: as with calls, a user who holds
work (an interaction accepted, pulled or drafted, or one parked in their workbins) cannot be removed,
since nobody else could ever reach it; invitations still pending are revoked, each interaction back at
the head of its queue for the next agent (the World routes once the removal is told), rather than wait
for the invitation to lapse."""

from __future__ import annotations

from ..refusals import INVALID, Refusal
from .engine_state import MediaEngine
from .interaction import INVITED, MEDIA_CHANNELS


class Departure(MediaEngine):
    """The user removal of `Multimedia`, its base: the check, then the invitations revoked."""

    def check_removable(self, user_id: str, user_name: str) -> None:
        """Refuse (2, naming the user and what they hold) while the user holds an interaction."""
        self._sync_holders()
        held = {channel: 0 for channel in MEDIA_CHANNELS}
        for interaction in self._held.get(user_id, {}).values():
            handling = interaction.handling_of(user_id)
            if handling is not None and handling.state != INVITED:
                held[interaction.channel] += 1
        parked = sum(
            len(workbin.interaction_ids)
            for workbin in (self._workbins.get((user_id, name)) for name in self.options.workbins)
            if workbin is not None
        )
        what = [f"{count} {channel} interaction{'s' * (count != 1)}" for channel, count in held.items() if count]
        if parked:
            what.append(f"{parked} interaction{'s' * (parked != 1)} in workbins")
        if what:
            raise Refusal(INVALID, f"user {user_name!r} holds {' and '.join(what)} and cannot be removed now")

    def revoke_invitations(self, user_id: str) -> None:
        """The user's pending invitations are revoked, told to them while they still exist, and the
        interactions go back to the head of their queues (a conference invitation is simply over)."""
        self._sync_holders()
        for interaction in list(self._held.get(user_id, {}).values()):
            handling = interaction.handling_of(user_id)
            if handling is None or handling.state != INVITED:
                continue
            self._end_invitation(handling)
            handling.fire("revoke")
            self._tell(handling, brief=True)
            self._after_invitation(handling)
        self._sync_holders()
