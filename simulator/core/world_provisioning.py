"""The World's provisioning: every change of the contact center's directory made at run time.

A REST request, a /sim request or a scenario step changes users, skills, devices, queues, contacts,
settings, features and passwords through these methods and nothing else (the API holds the contact
center only as `center_reads.CenterReads`). Each delegates to the one `ContactCenter` method that checks
everything before it touches anything, so a refusal leaves the contact center as it was; the contact
center's `@provisions` wrapper tells the World's listener, which appends the `CenterChanged` to the event
stream and lets routing look again, exactly as when the change is made inside the core.

This is a base of `World` rather than an object the World holds: callers keep one object to reach
(`world.add_user`, as `world.dial`), world.py stays one concept long, and a request pays no extra
attribute hop. It is the same split the contact center makes with its own provisioning bases.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .contact_center import ContactCenter
from .contacts import Contact
from .devices import Device
from .events import EventStream, PasswordChanged
from .queues import Queue
from .refusals import Refusal
from .settings import SettingsGroup
from .skills import Skill
from .users import User

# errorCode of PasswordChangeError (reference, /v2/me): 1 guidelines not met, 2 wrong old password.
PASSWORD_GUIDELINES = 1
PASSWORD_WRONG_OLD = 2


class WorldProvisioning:
    """The provisioning changes of `World`, its base."""

    center: ContactCenter
    events: EventStream

    # ------------------------------------------------------------------ users

    def add_user(self, **values: Any) -> User:
        return self.center.add_user(**values)

    def update_user(self, user: User, changes: dict[str, Any]) -> None:
        self.center.update_user(user, changes)

    def remove_user(self, user: User, by: User | None = None) -> None:
        self.center.remove_user(user, by=by)

    def change_password(self, user: User, by: User, old_password: str | None, new_password: str) -> None:
        """Change (with the old password) or reset (without) a password; the outcome, success or refusal,
        is an event, as the reference's asynchronous password operations report it."""
        try:
            if old_password is None:
                self.center.reset_password(user, new_password)
            else:
                self.center.change_password(user, old_password, new_password)
        except Refusal as refusal:  # the contact center names the attribute at fault first
            code = PASSWORD_WRONG_OLD if refusal.message.startswith("oldPassword") else PASSWORD_GUIDELINES
            self.events.append(PasswordChanged(user.id, by.id, (code, refusal.message)))
            raise
        self.events.append(PasswordChanged(user.id, by.id))

    # ------------------------------------------------------------------ skills, and users' skills

    def add_skill(self, **values: Any) -> Skill:
        return self.center.add_skill(**values)

    def update_skill(self, skill: Skill, changes: dict[str, Any]) -> None:
        self.center.update_skill(skill, changes)

    def remove_skill(self, skill: Skill) -> None:
        self.center.remove_skill(skill)

    def assign_skill(self, user: User, skill: Skill, level: int = 0) -> None:
        self.center.assign_skill(user, skill, level)

    def set_skill_level(self, user: User, skill: Skill, level: int) -> None:
        self.center.set_skill_level(user, skill, level)

    def unassign_skill(self, user: User, skill: Skill) -> None:
        self.center.unassign_skill(user, skill)

    # ------------------------------------------------------------------ devices, and users' devices

    def add_device(self, **values: Any) -> Device:
        return self.center.add_device(**values)

    def add_device_for(self, user: User, **values: Any) -> Device:
        """A device created for `user` and assigned to them (two changes, in that order). The assignment
        of a device just created, which nobody holds and no call uses, cannot be refused, so a refusal
        can come only from the creation, before anything changed."""
        device = self.center.add_device(**values)
        self.center.assign_device(user, device)
        return device

    def remove_device(self, device: Device) -> None:
        self.center.remove_device(device)

    def assign_device(self, user: User, device: Device) -> None:
        self.center.assign_device(user, device)

    def unassign_device(self, user: User, device: Device) -> None:
        self.center.unassign_device(user, device)

    # ------------------------------------------------------------------ queues and contacts

    def add_queue(self, **values: Any) -> Queue:
        return self.center.add_queue(**values)

    def update_queue(self, queue: Queue, changes: dict[str, Any]) -> None:
        self.center.update_queue(queue, changes)

    def remove_queue(self, queue: Queue) -> None:
        self.center.remove_queue(queue)

    def set_call_recording(self, queue: Queue, percentage: int) -> None:
        self.center.set_call_recording(queue, percentage)

    def add_contact(self, **values: Any) -> Contact:
        return self.center.add_contact(**values)

    def update_contact(self, contact: Contact, changes: dict[str, Any]) -> None:
        self.center.update_contact(contact, changes)

    def remove_contact(self, contact: Contact) -> None:
        self.center.remove_contact(contact)

    # ------------------------------------------------------------------ settings and features

    def add_settings_group(self, name: str, displayName: str, key: str = "name") -> SettingsGroup:
        return self.center.add_settings_group(name, displayName, key)

    def remove_settings_group(self, name: str) -> None:
        self.center.remove_settings_group(name)

    def add_setting(self, group_name: str, setting: dict[str, Any]) -> None:
        self.center.add_setting(group_name, setting)

    def update_setting(self, group_name: str, changes: dict[str, Any]) -> None:
        self.center.update_setting(group_name, changes)

    def remove_setting(self, group_name: str, key_value: Any) -> None:
        self.center.remove_setting(group_name, key_value)

    def set_features(self, feature_ids: Iterable[str]) -> None:
        self.center.set_features(feature_ids)
