"""The agents' chat and e-mail channels: agent states and Do Not Disturb set on them, and whether an agent
is free for a channel (Ready, not in Do Not Disturb, under capacity) as routing reads it.

Each channel is a model of the one agent-state machine (`core.agent_state`), the voice devices' own: an
operation reads the same and is allowed in the same states, and is refused the same: on one channel the
machine's refusal is the answer (2 naming the state, Do Not Disturb already as asked included), as on a
device. On /me, a channel whose machine refuses the operation is left as it is, as a device is (an agent
state goes to the channels logged in, a session to those logged out, Do Not Disturb to those not yet as
asked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..agent_state import DND_OPERATIONS, AgentChange, read_change
from ..channels import Channel
from ..params import bad_parameter
from ..refusals import INVALID, NOT_FOUND, Refusal
from ..users import User
from .engine_state import MediaEngine
from .events import ChannelChanged
from .interaction import (
    MEDIA_CHANNELS,
)


def _media_channel(user: User, name: str) -> Channel:
    """The agent's chat or e-mail channel `name`, which the caller knows the agent has: only the voice
    channel is a `VoiceChannel`, and it never goes by a media channel's name."""
    channel = user.channels[name]
    if not isinstance(channel, Channel):
        raise TypeError(f"{name!r} is not a chat or e-mail channel")
    return channel


def _refusal(user: User, name: str, operation: str, change: AgentChange) -> Refusal:
    """Why the machine of the agent's channel `name` refuses the change: 2 naming the state, Do Not
    Disturb already as asked included, as a device refuses it."""
    channel = _media_channel(user, name)
    if change.trigger in DND_OPERATIONS:
        return Refusal(
            INVALID, f"{operation} is not valid on channel {name} (doNotDisturb {channel.dnd})", state=channel.dnd
        )
    problem = f"{operation} is not valid on channel {name} in state {channel.agent_state}"
    if not channel.logged_in:
        problem += f": start a contact-center session with channels including {name} first"
    return Refusal(INVALID, problem, state=channel.agent_state)


@dataclass(frozen=True)
class ChannelPlan:
    """An operation posted on /me, checked on the agent's media channels: the change, the channels it
    goes to, and the first channel's refusal (the answer when no machine, voice included, takes it)."""

    user: User
    names: list[str]
    change: AgentChange
    refusal: Refusal | None


class AgentChannels(MediaEngine):
    """Agent-state, session and Do Not Disturb operations on the agents' media channels."""

    def channel_operate(self, user_id: str, channel: str, operation: str, params: dict[str, Any] | None = None) -> None:
        """An agent-state or Do Not Disturb operation on one of the agent's chat or e-mail channels."""
        user = self.center.user(user_id)
        if channel not in MEDIA_CHANNELS or channel not in user.channels:
            raise Refusal(NOT_FOUND, f"channel: you have no {channel} channel")
        change = self._read(operation, params)
        if not _media_channel(user, channel).may(change.trigger):
            raise _refusal(user, channel, operation, change)
        self._set_channels(user, [channel], change)

    def user_operate(self, user_id: str, operation: str, params: dict[str, Any] | None = None) -> None:
        """The same operation posted on /me, on the agent's media channels: a session starts on those it
        lists (all when it lists none); an agent state applies to the channels logged in; Do Not Disturb
        and the end of the session to all. Refused as on one channel when no channel takes it."""
        plan = self.plan_user_operation(user_id, operation, params)
        if not plan.names and plan.refusal is not None:
            raise plan.refusal
        self.apply_user_plan(plan)

    def plan_user_operation(self, user_id: str, operation: str, params: dict[str, Any] | None = None) -> ChannelPlan:
        """Check `user_operate` and say which channels it would change (those whose machine allows it),
        changing nothing; `apply_user_plan` makes the change."""
        user = self.center.user(user_id)
        change = self._read(operation, params)
        names = [name for name in MEDIA_CHANNELS if name in user.channels]
        channels = (params or {}).get("channels")
        if operation == "StartContactCenterSession" and isinstance(channels, list):
            names = [name for name in names if name in channels]
        taking = [name for name in names if _media_channel(user, name).may(change.trigger)]
        refused = next((name for name in names if name not in taking), None)
        refusal = None if refused is None else _refusal(user, refused, operation, change)
        return ChannelPlan(user, taking, change, refusal)

    def apply_user_plan(self, plan: ChannelPlan) -> None:
        self._set_channels(plan.user, plan.names, plan.change)

    def logged_in(self, user_id: str) -> bool:
        """Whether a session goes on on one of the agent's chat and e-mail channels."""
        user = self.center.user(user_id)
        return any(_media_channel(user, name).logged_in for name in MEDIA_CHANNELS if name in user.channels)

    def _read(self, operation: str, params: dict[str, Any] | None) -> AgentChange:
        change = read_change(self.center.agent_states, operation, params or {})
        if change is None:
            known = ", ".join([*self.center.agent_states, *DND_OPERATIONS])
            raise bad_parameter("operationName", f"{operation!r} is not an agent-state operation ({known})")
        return change

    def _set_channels(self, user: User, names: list[str], change: AgentChange) -> None:
        """Apply a change the machine of each channel named allows."""
        for name in names:
            channel = _media_channel(user, name)
            before = (channel.shown, channel.dnd)
            channel.apply(change)
            if (channel.shown, channel.dnd) != before:
                self.sink(ChannelChanged(user.id, name))
            self._observe.add((user.id, name))
        self._route()

    def _free(self, user: User, channel: str) -> bool:
        state = user.channels.get(channel)
        if not isinstance(state, Channel) or not state.available:
            return False
        return self._held_count.get((user.id, channel), 0) < self.options.capacity
