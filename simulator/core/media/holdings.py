"""Who holds which interaction, kept from each change rather than found by scanning: the interactions
going on, the agents with a live part in each, and per agent and channel how many they hold (what
capacity counts). Every change to a handling is told to its agent, and new and finished interactions
are registered here, so what was touched is known and only that is brought up to date."""

from __future__ import annotations

from .interaction import (
    Interaction,
)


class Holdings:
    """The indexes of who holds what, brought up to date from the interactions touched."""

    def _add(self, interaction: Interaction) -> None:
        self.interactions[interaction.id] = interaction
        self._live[interaction.id] = interaction
        self._touch(interaction)

    def _finish(self, interaction: Interaction) -> None:
        interaction.done = True
        self._abandoned(interaction)  # if it was still waiting to be answered
        self._live.pop(interaction.id, None)
        self._touch(interaction)

    def _touch(self, interaction: Interaction) -> None:
        """Remember an interaction whose handlings changed: every change to a handling is told to its
        agent (`_tell`), and new and finished interactions pass here too."""
        self._touched[interaction.id] = interaction
        self._refresh[interaction.id] = interaction

    def _settle(self) -> None:
        """Bring who holds what up to date, then who is free from the agents whose holdings or channels
        changed."""
        self._sync_holders()
        self.queues.observe(self._observe)
        self._observe.clear()

    def _sync_holders(self) -> None:
        """Who holds what, from the interactions touched since."""
        for interaction in self._touched.values():
            holders = {handling.user_id for handling in interaction.live_handlings()}
            before = self._holders.get(interaction.id, set())
            for user_id in holders - before:
                self._held.setdefault(user_id, {})[interaction.id] = interaction
                self._count(user_id, interaction.channel, +1)
            for user_id in before - holders:
                self._held[user_id].pop(interaction.id, None)
                self._count(user_id, interaction.channel, -1)
            if holders:
                self._holders[interaction.id] = holders
            else:
                self._holders.pop(interaction.id, None)
        self._touched.clear()

    def _count(self, user_id: str, channel: str, change: int) -> None:
        pair = (user_id, channel)
        self._held_count[pair] = self._held_count.get(pair, 0) + change
        self._observe.add(pair)
