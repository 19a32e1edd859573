"""The agents' chat and e-mail channels: agent states and Do Not Disturb set on them, and whether an agent
is free for a channel (Ready, not in Do Not Disturb, under capacity) as routing reads it."""

from __future__ import annotations

from typing import Any

from ..channels import Channel
from ..refusals import INVALID, NOT_FOUND, Refusal
from ..settings import OFFLINE
from ..users import User
from .engine_state import MediaEngine
from .events import ChannelChanged
from .interaction import (
    MEDIA_CHANNELS,
)

DND_OPERATIONS = ("DoNotDisturbOn", "DoNotDisturbOff")
SESSION_OPERATIONS = ("StartContactCenterSession", "EndContactCenterSession")


def _media_channel(user: User, name: str) -> Channel:
    """The agent's chat or e-mail channel `name`, which the caller knows the agent has: only the voice
    channel is a `VoiceChannel`, and it never goes by a media channel's name."""
    channel = user.channels[name]
    if not isinstance(channel, Channel):
        raise TypeError(f"{name!r} is not a chat or e-mail channel")
    return channel


class AgentChannels(MediaEngine):
    """Agent-state, session and Do Not Disturb operations on the agents' media channels."""

    def channel_operate(self, user_id: str, channel: str, operation: str, params: dict[str, Any] | None = None) -> None:
        """An agent-state or Do Not Disturb operation on one of the agent's chat or e-mail channels."""
        user = self.center.user(user_id)
        if channel not in MEDIA_CHANNELS or channel not in user.channels:
            raise Refusal(NOT_FOUND, f"channel: you have no {channel} channel")
        if operation not in DND_OPERATIONS and _media_channel(user, channel).user_state.id == OFFLINE.id:
            raise Refusal(
                INVALID,
                f"{operation} is not valid on channel {channel} in state Logout: "
                f"start a contact-center session with channels including {channel} first",
            )
        self._set_channels(user, [channel], operation)

    def user_operate(self, user_id: str, operation: str, params: dict[str, Any] | None = None) -> None:
        """The same operation posted on /me, on the agent's media channels: a session starts on those it
        lists (all when it lists none); an agent state applies to the channels logged in; Do Not Disturb
        and the end of the session to all."""
        self._set_channels(*self.plan_user_operation(user_id, operation, params))

    def plan_user_operation(
        self, user_id: str, operation: str, params: dict[str, Any] | None = None
    ) -> tuple[User, list[str], str]:
        """Check `user_operate` and say which channels it would change, changing nothing; `apply_user_plan`
        makes the change."""
        user = self.center.user(user_id)
        names = [name for name in MEDIA_CHANNELS if name in user.channels]
        channels = (params or {}).get("channels")
        if operation == "StartContactCenterSession" and isinstance(channels, list):
            names = [name for name in names if name in channels]
        elif operation not in DND_OPERATIONS and operation not in SESSION_OPERATIONS:
            names = [name for name in names if _media_channel(user, name).user_state.id != OFFLINE.id]
        self._check_agent_operation(operation)
        return user, names, operation

    def apply_user_plan(self, plan: tuple[User, list[str], str]) -> None:
        self._set_channels(*plan)

    def logged_in(self, user_id: str) -> bool:
        """Whether a session goes on on one of the agent's chat and e-mail channels."""
        user = self.center.user(user_id)
        names = [name for name in MEDIA_CHANNELS if name in user.channels]
        return any(_media_channel(user, name).user_state.id != OFFLINE.id for name in names)

    def _check_agent_operation(self, operation: str) -> None:
        if operation not in DND_OPERATIONS and operation not in SESSION_OPERATIONS:
            state = self.center.agent_states.get(operation)
            if state is None:
                known = ", ".join([*self.center.agent_states, *DND_OPERATIONS])
                raise Refusal(INVALID, f"operationName: {operation!r} is not an agent-state operation ({known})")

    def _set_channels(self, user: User, names: list[str], operation: str) -> None:
        self._check_agent_operation(operation)
        for name in names:
            channel = _media_channel(user, name)
            before = channel.document(self.center)
            if operation in DND_OPERATIONS:
                channel.do_not_disturb = operation == "DoNotDisturbOn"
            elif operation == "StartContactCenterSession":
                if channel.user_state.id == OFFLINE.id:
                    channel.user_state = self.center.agent_state("NotReady")
            elif operation == "EndContactCenterSession":
                channel.user_state = OFFLINE
            else:
                channel.user_state = self.center.agent_state(operation)
            if channel.document(self.center) != before:
                self.sink(ChannelChanged(user.id, name))
            self._observe.add((user.id, name))
        self._route()

    def _free(self, user: User, channel: str) -> bool:
        state = user.channels.get(channel)
        if not isinstance(state, Channel) or state.do_not_disturb or state.user_state.state != "Ready":
            return False
        return self._held_count.get((user.id, channel), 0) < self.options.capacity
