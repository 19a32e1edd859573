"""Provisioning of users: adding, changing and removing them, their passwords and roles, and the channels an
agent works on (every channel a queue serves, while the contact center has its feature). Each change
checks everything before it touches anything."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from .channels import CHANNEL_FEATURES, CHANNELS, VOICE, Channel, VoiceChannel
from .devices import Device
from .provisioning import provisions
from .queues import Queue
from .refusals import FORBIDDEN, INVALID, Refusal, exists
from .settings import AgentState
from .users import AGENT, ROLES, SUPERVISOR, User

if TYPE_CHECKING:
    from .voice import Telephony


class HeldWork(Protocol):
    """What removing a user asks of the multimedia core (`media.departure.Departure`)."""

    def check_removable(self, user_id: str, user_name: str) -> None: ...
    def revoke_invitations(self, user_id: str) -> None: ...


class UserProvisioning:
    """The user changes of `ContactCenter`, its base."""

    users: dict[str, User]
    _media: HeldWork | None
    _telephony: Telephony | None
    queues: dict[str, Queue]
    feature_ids: list[str]
    agent_states: dict[str, AgentState]

    if TYPE_CHECKING:  # the rest of the contact center (see contact_center.ContactCenter)

        def new_id(self) -> str: ...
        def user_named(self, user_name: str) -> User | None: ...
        def devices_of(self, user: User) -> list[Device]: ...
        def _check_no_calls(self, device: Device, action: str) -> None: ...
        def _hand_back(self, device: Device, user: User | None) -> None: ...
        @staticmethod
        def _existing(table: dict[str, Any], key: str, what: str) -> Any: ...

    @provisions
    def add_user(
        self,
        userName: str,
        password: str,
        firstName: str = "",
        lastName: str = "",
        roles: Iterable[str] = (AGENT,),
        employeeId: str | None = None,
        changePasswordOnFirstLogin: bool = False,
        id: str | None = None,
    ) -> User:
        roles = list(roles)
        self._check_roles(roles)
        if self.user_named(userName) is not None:
            raise exists("user", "userName", userName)
        user_id = id or self.new_id()
        if user_id in self.users:
            raise exists("user", "id", user_id)
        user = User(user_id, userName, password, firstName, lastName, roles, employeeId, changePasswordOnFirstLogin)
        self._open_channels(user)
        self.users[user.id] = user
        return user

    @provisions
    def update_user(self, user: User, changes: dict[str, Any]) -> None:
        """Change the attributes given; `roles` replaces the role set, as in the reference. A supervisor
        losing ROLE_SUPERVISOR stops every monitoring they conduct, as when they are removed: nobody goes on
        listening in with a role they no longer hold."""
        if "roles" in changes:
            self._check_roles(changes["roles"])
        allowed = {"firstName", "lastName", "roles", "password", "employeeId", "changePasswordOnFirstLogin"}
        unknown = set(changes) - allowed
        if unknown:
            raise Refusal(INVALID, f"{sorted(unknown)[0]} cannot be changed")
        demoted = SUPERVISOR in user.roles and SUPERVISOR not in changes.get("roles", user.roles)
        for name, value in changes.items():
            setattr(user, name, list(value) if name == "roles" else value)
        self._open_channels(user)
        if demoted and self._telephony is not None:
            self._telephony.end_supervision(user.device_ids)

    @provisions
    def remove_user(self, user: User, by: User | None = None) -> None:
        """Refused while the user has calls going on or holds interactions (nobody else could reach them);
        otherwise their invitations are revoked (the interactions offered to the next agent) and their
        devices handed back, each told to them first."""
        if by is not None and by.id == user.id:
            raise Refusal(FORBIDDEN, "Operation forbidden, a user cannot delete themself")
        self._existing(self.users, user.id, "user")
        for device in self.devices_of(user):
            self._check_no_calls(device, "released from its user")
        if self._media is not None:
            self._media.check_removable(user.id, user.userName)
            self._media.revoke_invitations(user.id)
        for device in self.devices_of(user):
            self._hand_back(device, user)
        del self.users[user.id]

    # A password is no provisioning: nothing built over the contact center reads it, so it bumps no
    # revision (which would rebuild the routing indexes over every agent); the World tells the stream.

    def change_password(self, user: User, old_password: str, new_password: str) -> None:
        if not user.has_password(old_password):
            raise Refusal(INVALID, "oldPassword does not match the user's current password")
        self.reset_password(user, new_password)

    def reset_password(self, user: User, new_password: str) -> None:
        if not new_password:
            raise Refusal(INVALID, "newPassword must not be empty")
        user.password = new_password
        user.changePasswordOnFirstLogin = False

    def _check_roles(self, roles: list[str]) -> None:
        if not roles:
            raise Refusal(INVALID, "roles must name at least one role")
        for index, role in enumerate(roles):
            if role not in ROLES:
                raise Refusal(INVALID, f"roles[{index}] {role!r} is not one of {', '.join(ROLES)}")

    def _open_channels(self, user: User) -> None:
        """Agents work on every channel a queue serves; a user without ROLE_AGENT has none."""
        if AGENT not in user.roles:
            user.channels.clear()
            return
        for name in self._channel_names():
            user.channels.setdefault(name, VoiceChannel(user.id) if name == VOICE else Channel(name, self.agent_states))

    def _channel_names(self) -> list[str]:
        """Voice, and each channel a queue serves, when the contact center has the channel's feature."""
        served = {queue.channel for queue in self.queues.values()} | {"voice"}
        return [name for name in CHANNELS if name in served and CHANNEL_FEATURES[name] in self.feature_ids]
