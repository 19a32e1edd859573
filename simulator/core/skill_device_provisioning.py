"""Provisioning of skills and devices, and their assignment to users: each change checks everything
before it touches anything (a device with calls going on is not taken away)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .devices import Device
from .provisioning import assigns, provisions
from .queues import Queue
from .refusals import FORBIDDEN, INVALID, NOT_FOUND, Refusal, exists
from .skills import MAX_LEVEL, Skill, SkillAssignment
from .users import User

if TYPE_CHECKING:
    from .queue_provisioning import QueuedWork
    from .voice import Telephony


class SkillDeviceProvisioning:
    """The skill and device changes of `ContactCenter`, its base."""

    users: dict[str, User]
    skills: dict[str, Skill]
    devices: dict[str, Device]
    queues: dict[str, Queue]
    _telephony: Telephony | None
    queued_work: tuple[QueuedWork, ...]

    if TYPE_CHECKING:  # the rest of the contact center (see contact_center.ContactCenter)

        def new_id(self) -> str: ...
        def owner_of(self, device: Device) -> User | None: ...
        def skill_named(self, name: str) -> Skill | None: ...
        def skill_of(self, user: User, skill_id: str) -> SkillAssignment: ...
        @staticmethod
        def _existing(table: dict[str, Any], key: str, what: str) -> Any: ...

    @provisions
    def add_skill(self, name: str, description: str | None = None, id: str | None = None) -> Skill:
        if self.skill_named(name) is not None:
            raise exists("skill", "name", name)
        skill = Skill(id or self.new_id(), name, description)
        if skill.id in self.skills:
            raise exists("skill", "id", skill.id)
        self.skills[skill.id] = skill
        return skill

    @provisions
    def update_skill(self, skill: Skill, changes: dict[str, Any]) -> None:
        name = changes.get("name")
        if name is not None and name != skill.name and self.skill_named(name) is not None:
            raise exists("skill", "name", name)
        if name is not None and name != skill.name:
            self._check_no_transferred_work(skill, "renamed", "name")
        for key, value in changes.items():
            setattr(skill, key, value)

    @provisions
    def remove_skill(self, skill: Skill) -> None:
        self._existing(self.skills, skill.id, "skill")
        users_of = [queue.name for queue in self.queues.values() if skill.id in queue.skill_ids]
        if users_of:
            raise Refusal(INVALID, f"skill {skill.name!r} is used by queue {users_of[0]!r}; remove it there first")
        self._check_no_transferred_work(skill, "removed")
        for user in self.users.values():
            user.skill_levels.pop(skill.id, None)
        del self.skills[skill.id]

    @assigns
    def assign_skill(self, user: User, skill: Skill, level: int = 0) -> None:
        self._check_level(level)
        self._existing(self.skills, skill.id, "skill")
        if skill.id in user.skill_levels:
            raise Refusal(FORBIDDEN, f"Operation forbidden, user {user.userName!r} already has skill {skill.name!r}")
        user.skill_levels[skill.id] = level

    @assigns
    def set_skill_level(self, user: User, skill: Skill, level: int) -> None:
        self._check_level(level)
        self.skill_of(user, skill.id)
        user.skill_levels[skill.id] = level

    @assigns
    def unassign_skill(self, user: User, skill: Skill) -> None:
        self.skill_of(user, skill.id)
        del user.skill_levels[skill.id]

    @staticmethod
    def _check_level(level: int) -> None:
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= MAX_LEVEL:
            raise Refusal(INVALID, f"level must be an integer between 0 and {MAX_LEVEL}")

    @provisions
    def add_device(
        self,
        phoneNumber: str,
        model: str | None = None,
        telephonyNetwork: str = "Private",
        vendor: str = "gws-simulator",
        id: str | None = None,
        location: str | None = None,
    ) -> Device:
        self._check_number_free(phoneNumber)
        device = Device(id or self.new_id(), phoneNumber, model, vendor, telephonyNetwork, location=location)
        if device.id in self.devices:
            raise exists("device", "id", device.id)
        self.devices[device.id] = device
        return device

    @provisions
    def remove_device(self, device: Device) -> None:
        self._existing(self.devices, device.id, "device")
        self._check_no_calls(device, "deleted")
        self._hand_back(device, self.owner_of(device))
        del self.devices[device.id]
        if self._telephony is not None:
            self._telephony.forget_device(device.id)

    @assigns
    def assign_device(self, user: User, device: Device) -> None:
        self._existing(self.devices, device.id, "device")
        if device.user_id == user.id:
            raise Refusal(
                FORBIDDEN, f"Operation forbidden, device {device.phoneNumber} is already assigned to {user.userName!r}"
            )
        if device.user_id is not None:
            owner = self.users[device.user_id]
            raise Refusal(INVALID, f"device {device.phoneNumber} is assigned to {owner.userName!r}; unassign it first")
        device.user_id = user.id
        user.device_ids.append(device.id)

    @assigns
    def unassign_device(self, user: User, device: Device) -> None:
        if device.user_id != user.id:
            raise Refusal(NOT_FOUND, f"user {user.userName!r} has no device {device.id!r}")
        self._check_no_calls(device, "unassigned")
        self._hand_back(device, user)

    def _hand_back(self, device: Device, user: User | None) -> None:
        """Take the device from its user (if it has one), logged out first with its user told, and its
        monitorings ended (see `Telephony.release_device`): an agent state does not stay on a device nobody
        holds, nor pass to the next user it is assigned to, and nobody listens in through it."""

        def detach() -> None:
            if user is not None:
                device.user_id = None
                user.device_ids.remove(device.id)

        if self._telephony is None:
            detach()
        else:
            self._telephony.release_device(device.id, detach)

    def _check_no_transferred_work(self, skill: Skill, change: str, field: str | None = None) -> None:
        """Work transferred to a skill waits under its name: renamed or removed, nobody would route it, so
        the change waits until that work is answered or gone."""
        waiting = sum(work.held_for(skill) for work in self.queued_work)
        if waiting:
            raise Refusal(
                INVALID,
                f"skill {skill.name!r} has {waiting} interaction{'s' if waiting > 1 else ''} transferred to it "
                f"waiting; it can be {change} once they are answered or gone",
                field=field,
            )

    def _check_no_calls(self, device: Device, change: str) -> None:
        """A call's legs belong to a device and its user: neither may vanish while a call is going on."""
        if self._telephony is not None and self._telephony.calls_of_device(device.id):
            raise Refusal(INVALID, f"device {device.phoneNumber} has calls going on and cannot be {change} now")

    def _check_number_free(self, number: str, ignore: object = None) -> None:
        """Devices and queues share one dialing plan: a number reaches exactly one of them."""
        for device in self.devices.values():
            if device.phoneNumber == number and device is not ignore:
                raise exists("device", "phoneNumber", number)
        for queue in self.queues.values():
            if queue.phoneNumber == number and queue is not ignore:
                raise exists("queue", "phoneNumber", number)
