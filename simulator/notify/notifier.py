"""The notifier: a subscriber of the World's event stream that turns each event into the reference's
notification documents, delivered to the one user it concerns.

It is the only producer of `/v2/me/...` messages. A call leg or device change becomes the reference's
CallStateChangeMessage on /v2/me/calls and DeviceStateChangeMessage on /v2/me/devices, and, when the
agent's voice channel changed with its device, the channel message on /v2/me/channels. A provisioning
change is looked at for the agents it concerns: whatever changed in their channels (a channel removed, an
agent-state definition renamed) is told on /v2/me/channels. Password changes are reported on /v2/me (one's
own) and /v2/users (another user's, to supervisors and admins); a service's state on
/notifications/services, to everyone.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Protocol

from ..core.channels import VOICE, VoiceChannel
from ..core.contact_center import ContactCenter
from ..core.devices import Device
from ..core.events import CenterChanged, Event, PasswordChanged, ServiceStateChanged, WorldReset
from ..core.media import ChannelChanged, InteractionMessage, WorkbinMessage
from ..core.profiles import PROFILES, Profile
from ..core.users import ADMIN, SUPERVISOR
from ..core.voice import (
    CallOperationFailed,
    CallStateChanged,
    DeviceStateChanged,
    DeviceView,
    call_message,
    user_state,
)

CALLS = "/v2/me/calls"
DEVICES = "/v2/me/devices"
CHANNELS = "/v2/me/channels"
ME = "/v2/me"
USERS = "/v2/users"
SERVICES = "/notifications/services"

# messageType of the messages whose type the reference does not name: real 8.5.2 servers send the first,
# and client libraries refuse a message without one.
CHANNEL_MESSAGE = "ChannelStateChangeMessageV2"
PASSWORD_MESSAGE = "PasswordChangeMessage"


class Delivery(Protocol):
    """Where documents go: the Bayeux server itself, or the console's feed in front of it."""

    def deliver(self, user: Hashable, name: str, data: Any) -> int: ...


class Notifier:
    """Delivers each event's documents to the sessions of its user only.

    `base_url` is the server's root as clients reach it ("http://127.0.0.1:8080"), which the documents'
    URIs start with; when not given it is learnt from the first request the server answers.
    """

    def __init__(self, server: Delivery, center: ContactCenter, base_url: str | None = None) -> None:
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

    @property
    def profile(self) -> Profile:
        return PROFILES[self.center.site.profile]

    def call_extensions(self) -> dict[str, str]:
        """The desktop hints real servers put in every call message: the switch's timers."""
        voice = self.center.voice_options
        timeout = voice.no_answer_timeout
        return {
            "NO_ANSWER_TIMEOUT": "0" if timeout is None else str(int(timeout)),
            "NO_ANSWER_ACTION": "none",
            "WrapUpTime": str(int(voice.wrap_up_seconds or 0)),
        }

    def channel_document(self, channel: Any) -> dict[str, Any]:
        """A channel as the profile shows it (the logged-out state's name)."""
        return self._shown(channel.document(self.center))

    def _shown(self, document: dict[str, Any]) -> dict[str, Any]:
        return {**document, "userState": user_state(document["userState"], self.profile)}

    def _channels(self, user_id: str, documents: list[dict[str, Any]]) -> None:
        self.server.deliver(user_id, CHANNELS, {"messageType": CHANNEL_MESSAGE, "channels": documents})

    def __call__(self, entry: Event) -> None:
        """A subscriber of the event stream: called during the operation that caused the event."""
        event = entry.change
        if isinstance(event, PasswordChanged):
            self._password_changed(event)
            return
        if isinstance(event, WorldReset):
            self.start()
            return
        if isinstance(event, ServiceStateChanged):
            self._service_changed(event.service_id)
            return
        if isinstance(event, CenterChanged):
            for user_id in event.user_ids:
                self._channels_changed(user_id)
            return
        if isinstance(event, InteractionMessage | WorkbinMessage):
            self.server.deliver(event.user_id, event.topic, event.data)
            return
        if isinstance(event, ChannelChanged):
            self._media_channel(event.user_id, event.channel)
            return
        if event.user_id is None:
            return  # a device nobody holds: nobody to tell
        if isinstance(event, CallStateChanged | CallOperationFailed):
            message = call_message(event, self.base, self.profile, self.call_extensions())
            self.server.deliver(event.user_id, CALLS, message)
        elif isinstance(event, DeviceStateChanged):
            device = self.center.devices.get(event.device.device_id)
            if device is None:
                return
            document = self.center.device_document(device, event.device)
            document.update(device_links(self.center, device, f"{self.base}/api/v2"))
            self.server.deliver(
                event.user_id, DEVICES, {"messageType": "DeviceStateChangeMessage", "devices": [document]}
            )
            self._voice_channel(event.user_id, event.device)

    def _voice_channel(self, user_id: str, device: DeviceView) -> None:
        """Tell the agent their voice channel's state when it is no longer what they were last told.
        `device` is the view the change was told with, rendered in this same action: the channel takes
        it as it is instead of rendering the device again."""
        user = self.center.users.get(user_id)
        channel = user.channels.get(VOICE) if user is not None else None
        if not isinstance(channel, VoiceChannel):
            return
        document = self._shown(channel.document_of(*self.center.voice_state_of(user_id, device)))
        told = self._channels_told.setdefault(user_id, {})
        if told.get(VOICE) != document:
            told[VOICE] = document
            self._channels(user_id, [document])

    def _media_channel(self, user_id: str, name: str) -> None:
        """A chat or e-mail channel changed state: the reference's channel notification on /v2/me/channels."""
        user = self.center.users.get(user_id)
        channel = user.channels.get(name) if user is not None else None
        if channel is not None:
            document = self.channel_document(channel)
            self._channels_told.setdefault(user_id, {})[name] = document
            self._channels(user_id, [document])

    def _channels_changed(self, user_id: str) -> None:
        """After provisioning: when the agent's channels are no longer what they were told (one removed or
        added, a state renamed), they are told all their channels as they are now."""
        now = self._channels_of(user_id)
        if now is None or self._channels_told.get(user_id, {}) == now:
            return
        self._channels_told[user_id] = now
        self._channels(user_id, list(now.values()))

    def _channels_of(self, user_id: str) -> dict[str, dict[str, Any]] | None:
        user = self.center.users.get(user_id)
        if user is None:
            return None
        return {name: self.channel_document(channel) for name, channel in user.channels.items()}

    def start(self) -> None:
        """Take the agents' channels as they are now as what they know (at start and after a reset), so
        that only changes are notified."""
        self._channels_told = {user_id: self._channels_of(user_id) or {} for user_id in self.center.users}

    def _service_changed(self, service_id: str) -> None:
        """The reference's ServiceStateChangeMessage, to every user subscribed to /notifications/services."""
        service = self.center.services.get(service_id)
        if service is None:
            return
        data = {"messageType": "ServiceStateChangeMessage", "service": service.document()}
        for user_id in self.center.users:
            self.server.deliver(user_id, SERVICES, data)

    def _password_changed(self, event: PasswordChanged) -> None:
        """The outcome of a password change: on /v2/me to the user who changed their own password, on
        /v2/users (with userUri and userId) to every supervisor and admin when it was another user's."""
        data: dict[str, Any] = {
            "messageType": PASSWORD_MESSAGE,
            "notificationType": "PasswordChangeSuccessful" if event.failure is None else "PasswordChangeError",
        }
        if event.failure is not None:
            data["errorMessage"], data["errorCode"] = event.failure[1], event.failure[0]
        if event.user_id == event.by_id:
            self.server.deliver(event.user_id, ME, data)
            return
        data = {**data, "userUri": f"{self.base}/api/v2/users/{event.user_id}", "userId": event.user_id}
        for staff in self.center.users.values():
            if staff.has_role(ADMIN, SUPERVISOR):
                self.server.deliver(staff.id, USERS, data)


def device_links(center: ContactCenter, device: Device, api: str) -> dict[str, str]:
    """The URIs a device document carries, under `api`: its number's, and its voice environment's (the
    reference's example shows an empty id without one)."""
    environment = center.numbering.voice_environment_of(device)
    return {
        "phoneNumberUri": f"{api}/phone-numbers/{center.numbering.of(device).id}",
        "voiceEnvironmentUri": f"{api}/voice-environments/{environment.id if environment else ''}",
    }
