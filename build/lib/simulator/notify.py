"""The notifier: every event of the core becomes the reference's notification documents, delivered to
the one user it concerns.

It is the only producer of `/v2/me/...` messages. The voice core reports what changed (a call leg, a
device); the notifier renders it as the reference's CallStateChangeMessage on /v2/me/calls and
DeviceStateChangeMessage on /v2/me/devices, and, when the agent's voice channel changed with its device,
the channel message on /v2/me/channels. Password changes are reported on /v2/me (one's own) and
/v2/users (another user's, to supervisors and admins).
"""

from __future__ import annotations

from typing import Any

import bayeux

from .core.contact_center import ContactCenter
from .core.media import ChannelChanged, InteractionMessage, MediaEvent, WorkbinMessage
from .core.users import ADMIN, SUPERVISOR, User
from .core.voice import (
    CallOperationFailed,
    CallStateChanged,
    DeviceStateChanged,
    VoiceEvent,
    call_message,
)

CALLS = "/v2/me/calls"
DEVICES = "/v2/me/devices"
CHANNELS = "/v2/me/channels"
ME = "/v2/me"
USERS = "/v2/users"

# errorCode of PasswordChangeError (reference, /v2/me): 1 guidelines not met, 2 wrong old password, 3 internal.
PASSWORD_GUIDELINES = 1
PASSWORD_WRONG_OLD = 2


class Notifier:
    """Delivers each event's documents to the sessions of its user only.

    `base_url` is the server's root as clients reach it ("http://127.0.0.1:8080"), which the documents'
    URIs start with; when not given it is learnt from the first request the server answers.
    """

    def __init__(self, server: bayeux.BayeuxServer, center: ContactCenter, base_url: str | None = None) -> None:
        self.server = server
        self.center = center
        self.base_url = base_url
        self._channels_told: dict[str, dict[str, Any]] = {}

    def learn_base_url(self, scheme: str, host: str) -> None:
        if self.base_url is None:
            self.base_url = f"{scheme}://{host}"

    @property
    def base(self) -> str:
        return self.base_url or "http://127.0.0.1:8080"

    def __call__(self, event: VoiceEvent | MediaEvent) -> None:
        """The voice and multimedia cores' sink: called during the operation that caused the event."""
        if isinstance(event, InteractionMessage | WorkbinMessage):
            self.server.deliver(event.user_id, event.topic, event.data)
            return
        if isinstance(event, ChannelChanged):
            self._media_channel(event.user_id, event.channel)
            return
        if event.user_id is None:
            return  # a device nobody holds: nobody to tell
        if isinstance(event, CallStateChanged | CallOperationFailed):
            self.server.deliver(event.user_id, CALLS, call_message(event, self.base))
        elif isinstance(event, DeviceStateChanged):
            device = self.center.devices.get(event.device.device_id)
            if device is None:
                return
            document = self.center.device_document(device, event.device)
            self.server.deliver(
                event.user_id, DEVICES, {"messageType": "DeviceStateChangeMessage", "devices": [document]}
            )
            self._voice_channel(event.user_id)

    def _voice_channel(self, user_id: str) -> None:
        """Tell the agent their voice channel's state when it is no longer what they were last told."""
        user = self.center.users.get(user_id)
        channel = user.channels.get("voice") if user is not None else None
        if channel is None:
            return
        document = channel.document(self.center)
        if self._channels_told.get(user_id) != document:
            self._channels_told[user_id] = document
            self.server.deliver(user_id, CHANNELS, {"channels": [document]})

    def _media_channel(self, user_id: str, name: str) -> None:
        """A chat or e-mail channel changed state: the reference's channel notification on /v2/me/channels."""
        user = self.center.users.get(user_id)
        channel = user.channels.get(name) if user is not None else None
        if channel is not None:
            self.server.deliver(user_id, CHANNELS, {"channels": [channel.document(self.center)]})

    def start(self) -> None:
        """Take the agents' voice channels as they are now as what they know (at start and after a reset),
        so that only changes are notified."""
        self._channels_told = {
            user.id: user.channels["voice"].document(self.center)
            for user in self.center.users.values()
            if "voice" in user.channels
        }

    def password_changed(self, user: User, failure: tuple[int, str] | None, by: User) -> None:
        """The outcome of a password change: on /v2/me to the user who changed their own password, on
        /v2/users (with userUri and userId) to every supervisor and admin when it was another user's."""
        data: dict[str, Any] = {
            "notificationType": "PasswordChangeSuccessful" if failure is None else "PasswordChangeError"
        }
        if failure is not None:
            data["errorMessage"], data["errorCode"] = failure[1], failure[0]
        if user.id == by.id:
            self.server.deliver(user.id, ME, data)
            return
        data = {**data, "userUri": f"{self.base}/api/v2/users/{user.id}", "userId": user.id}
        for staff in self.center.users.values():
            if staff.has_role(ADMIN, SUPERVISOR):
                self.server.deliver(staff.id, USERS, data)
