"""What the chat and e-mail queues tell the statistics: an interaction entered a queue, was answered (an
agent accepted it) or was abandoned (it ended before any agent accepted it, say the visitor left), as
voice routing tells of calls (`changes.QueueCallChanged`). A lapsed or rejected invitation puts the
interaction back at the head of its queue: still the same offer, not a new one.
"""

from __future__ import annotations

from ..changes import ABANDONED, ANSWERED, ENTERED, QueueCallChanged
from .engine_state import MediaEngine
from .interaction import Interaction


class QueueChanges(MediaEngine):
    """The interactions offered to a queue and not yet answered, and the changes told of them; answered or
    abandoned, an interaction is done with routing (`InteractionQueues.remove`)."""

    def _entered(self, interaction: Interaction) -> None:
        if interaction.id in self._offered:
            return
        queue = next(
            (
                q
                for q in self.center.queues.values()
                if q.name == interaction.queue and q.channel == interaction.channel
            ),
            None,
        )
        if queue is not None:
            self._offered[interaction.id] = queue.id
            self.sink(QueueCallChanged(ENTERED, interaction.id, queue.id))

    def _answered(self, interaction: Interaction, user_id: str) -> None:
        self.queues.remove(interaction.id)
        queue_id = self._offered.pop(interaction.id, None)
        if queue_id is not None:
            self.sink(QueueCallChanged(ANSWERED, interaction.id, queue_id, user_id))

    def _abandoned(self, interaction: Interaction) -> None:
        self.queues.remove(interaction.id)
        queue_id = self._offered.pop(interaction.id, None)
        if queue_id is not None:
            self.sink(QueueCallChanged(ABANDONED, interaction.id, queue_id))
