"""The World's agent operations: agent states, sessions and Do Not Disturb posted on /me (every machine of
the agent: each voice device and each chat and e-mail channel), on one channel, or on one device.

An operation on /me is checked in one order, parameters first (the operation's own, then the channels it
names, then a `place`), then state, and is planned on every machine it touches before any changes: it
goes to the machines whose state allows it (an agent state to those logged in, a session to those logged
out, Do Not Disturb to those not yet as asked) and is refused, as on one channel or one device (2 naming
the state), when no machine would change. A refusal leaves the World as it was.

This is a base of `World`, as `world_provisioning` is: callers keep one object to reach.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .agent_state import DND_OPERATIONS, LOGGED_OUT, AgentChange, read_change
from .contact_center import ContactCenter
from .media import Multimedia
from .places import SessionPlaces
from .refusals import INVALID, Refusal
from .users import User
from .voice import Telephony

START = "StartContactCenterSession"


def _check_channels(user: User, channels: list[str]) -> None:
    """The channels a session names must be the agent's (2 naming `channels` and the value): a name the
    agent has no machine for would start nothing."""
    have = ", ".join(user.channels) or "none"
    if not channels:
        problem = f"channels must name at least one of your channels ({have}), or be left out for all"
        raise Refusal(INVALID, problem, field="channels")
    for index, name in enumerate(channels):
        if name not in user.channels:
            raise Refusal(INVALID, f"channels[{index}] {name!r} is not one of your channels ({have})", field="channels")


class WorldAgents:
    """The agent operations of `World`, its base."""

    center: ContactCenter
    telephony: Telephony
    media: Multimedia
    places: SessionPlaces

    def agent_operate(self, user_id: str, operation: str, params: Mapping[str, Any]) -> None:
        """An agent-state, session or Do Not Disturb operation posted on /me: on the voice devices (unless a
        session is started without voice) and on the chat and e-mail channels whose state takes it, refused
        when none does; planned on all before any changes.

        A voice channel logged out does not refuse an agent state for the media channels logged in, and
        the end of a session ends every channel whatever the session was started with. A session started
        at a `place` takes the place's devices for its length (see `places.py`)."""
        change = read_change(self.center.agent_states, operation, params)  # parameters, then state
        user = self.center.user(user_id)
        channels = params.get("channels") if operation == START else None
        if isinstance(channels, list):
            _check_channels(user, channels)
        if operation == START and params.get("place") is not None:
            self._start_at_place(user, params)
        elif user_id in self.places.taken and change is not None and change.trigger == "EndContactCenterSession":
            self._end_at_place(user, operation, params)  # EndContactCenterSession, or a Logout definition
        else:
            self._operate_everywhere(user, operation, params)

    def _end_at_place(self, user: User, operation: str, params: Mapping[str, Any]) -> None:
        """The end of a session started at a place gives the place's devices back, also when every channel
        was already ended one by one; refused while one of them has a call."""
        held = (self.center.devices.get(device_id) for device_id in self.places.taken[user.id])
        devices = [device for device in held if device is not None and device.user_id == user.id]
        for device in devices:  # checked first, so the session does not end with the devices kept
            if self.telephony.calls_of_device(device.id):
                raise Refusal(INVALID, f"device {device.phoneNumber} of your place has calls going on")
        try:
            self._operate_everywhere(user, operation, params)
        except Refusal as refusal:
            if refusal.state != LOGGED_OUT:
                raise
        for device in devices:
            self.center.unassign_device(user, device)
        del self.places.taken[user.id]

    def _start_at_place(self, user: User, params: Mapping[str, Any]) -> None:
        """The reference's steps: the place's devices, refused if one is another user's; all assigned to the
        agent; then the session starts on them. A session the agent cannot start gives them back."""
        name = params["place"]
        place = self.center.places.get(name) if isinstance(name, str) else None
        if place is None:
            known = ", ".join(self.center.places) or "none"
            raise Refusal(INVALID, f"place {name!r} is not a place of the contact center (places: {known})")
        in_session = self.telephony.logged_in(user.id) or self.media.logged_in(user.id)
        if user.id in self.places.taken or in_session:  # a place is taken when the session starts
            raise Refusal(INVALID, "place: your session has started already; end it first to start one at a place")
        devices = [self.center.device(device_id) for device_id in place.device_ids]
        for device in devices:
            holder = self.center.owner_of(device)
            if holder is not None and holder.id != user.id:
                raise Refusal(
                    INVALID, f"place {place.name!r} is in use: device {device.phoneNumber} is {holder.userName}'s"
                )
        taken = [device for device in devices if device.user_id is None]
        for device in taken:
            self.center.assign_device(user, device)
        try:
            self._operate_everywhere(user, START, params)
        except Refusal:
            for device in taken:
                self.center.unassign_device(user, device)
            raise
        self.places.taken[user.id] = [device.id for device in taken]

    def _operate_everywhere(self, user: User, operation: str, params: Mapping[str, Any]) -> None:
        """Plan on the voice devices and the media channels, then apply to every machine that takes the
        operation; refused with the first machine's refusal when none does."""
        channels = params.get("channels") if operation == START else None
        if isinstance(channels, list):
            wants_voice = "voice" in channels
        else:  # every channel: an agent with no device yet (created over REST) still works on chat and e-mail
            wants_voice = bool(user.device_ids) or not any(name != "voice" for name in user.channels)
        voice_plan: list[tuple[str, AgentChange]] = []
        voice_refusal: Refusal | None = None  # no device takes it: the answer if no channel does either
        if wants_voice:
            try:
                voice_plan = self.telephony.plan_user_operation(user.id, operation, params)
            except Refusal as refusal:
                passed_over = operation in DND_OPERATIONS or operation == START or refusal.state == LOGGED_OUT
                if refusal.state is None or not passed_over:
                    raise  # a parameter, no device for voice named, or a device logged in refusing
                voice_refusal = refusal
        media_plan = self.media.plan_user_operation(user.id, operation, dict(params))
        if not voice_plan and not media_plan.names:
            unchanged = voice_refusal or media_plan.refusal
            if unchanged is None:  # no machine at all: an agent without channels
                raise Refusal(INVALID, f"{operation}: you have no device and no channel it applies to")
            raise unchanged
        if voice_plan:
            self.telephony.apply_user_plan(voice_plan)
        self.media.apply_user_plan(media_plan)

    def channel_operate(self, user_id: str, channel: str, operation: str, params: Mapping[str, Any]) -> None:
        """The same on one channel; voice means every device of the agent."""
        if channel == "voice":
            self.telephony.user_operate(user_id, operation, params)
        else:
            self.media.channel_operate(user_id, channel, operation, dict(params))

    def device_operate(self, user_id: str, device_id: str, operation: str, params: Mapping[str, Any]) -> None:
        self.telephony.device_operate(user_id, device_id, operation, params)
