"""The contact center a simulator runs: every user, skill, device, queue, contact and setting, and every
change made to them.

Each change is one method that checks everything it needs before it touches anything and raises a
`Refusal` otherwise, so a refused change leaves the contact center exactly as it was. Whatever asks for a
change goes through these methods: the file loader directly, everything at run time (a REST or /sim
request, a scenario step) through the World that runs the contact center (`world_provisioning`).

This module holds the contact center's data, its lookups, its features, services and places; the changes
of users, of skills and devices, of queues and contacts, and of settings and agent states are its bases
(`user_provisioning`, `skill_device_provisioning`, `queue_provisioning`, `settings_provisioning`), and
`provisioning` makes a method a change (the revision, the `CenterChanged` event).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .catalog import (
    DEFAULT_SERVICES,
    MONITORING_FEATURE,
    ROUTING_TEMPLATES,
    SERVICE_STATES,
    SERVICE_TYPES,
    SYSTEM_FEATURES,
    Feature,
    RoutingTemplate,
    Service,
)
from .changes import CenterChanged
from .channels import Channel
from .contacts import QUEUE, USER, Contact
from .devices import Device
from .numbering import Numbering
from .places import Place
from .profiles import PROFILES
from .provisioning import provisions
from .queue_provisioning import QueuedWork, QueueProvisioning
from .queues import Queue
from .refusals import INVALID, NOT_FOUND, Refusal, exists, not_found
from .settings import (
    AGENT_STATES,
    BUILTIN_AGENT_STATES,
    GENERAL,
    GENERAL_DEFAULTS,
    OFFLINE,
    REPORTING,
    REPORTING_DEFAULTS,
    AgentState,
    SettingsGroup,
    name_value_group,
)
from .settings_provisioning import SettingsProvisioning
from .site import SiteOptions
from .skill_device_provisioning import SkillDeviceProvisioning
from .skills import Skill, SkillAssignment
from .statistic_definitions import StatisticDefinition, default_statistics
from .user_provisioning import HeldWork, UserProvisioning
from .users import User
from .voice import DeviceView, Telephony, VoiceOptions, render_device_state

DEFAULT = "default_contact_center.yaml"

# Changes that may change what every agent sees (their channels, the agent states they can be in).
_EVERYONE = {"set_features", "add_agent_state", "update_agent_state", "remove_agent_state", "add_queue", "remove_queue"}


class ContactCenterError(ValueError):
    """A contact-center file that cannot be used; the message names the file, the line and the reason."""


@dataclass
class ContactCenter(UserProvisioning, SkillDeviceProvisioning, QueueProvisioning, SettingsProvisioning):
    name: str = "Contact center"
    seed: int = 0
    users: dict[str, User] = field(default_factory=dict)
    skills: dict[str, Skill] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    queues: dict[str, Queue] = field(default_factory=dict)
    custom_contacts: dict[str, Contact] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)  # by name
    agent_states: dict[str, AgentState] = field(default_factory=dict)  # by operationName
    settings_groups: dict[str, SettingsGroup] = field(default_factory=dict)
    feature_ids: list[str] = field(default_factory=lambda: [feature.id for feature in SYSTEM_FEATURES])
    services: dict[str, Service] = field(default_factory=dict)
    voice_options: VoiceOptions = field(default_factory=VoiceOptions)
    # The file's multimedia section, by the control API's names (inviteTimeout, attachmentLimit, capacity);
    # the multimedia core applies it when it starts (see `Multimedia.configure`).
    multimedia: dict[str, Any] = field(default_factory=dict)
    # The statistics sampled for the Statistics API (the file's `statistics` section, or the built-in list).
    statistics: list[StatisticDefinition] = field(default_factory=default_statistics)
    # How the server faces its clients (CORS, CSRF, release profile, sessions): the file's server section.
    site: SiteOptions = field(default_factory=SiteOptions)
    # The file's telephony.tserver mapping: the DNs' T-Server settings over the simulator's defaults.
    tserver: dict[str, str] = field(default_factory=dict)
    # The voice core holding every device's agent state, Do Not Disturb and forwarding; attached by the
    # `World` that runs this contact center (see `attach`), so device and channel documents read it live.
    _telephony: Telephony | None = field(default=None, repr=False, compare=False)
    # The multimedia core, attached beside it: a user holding interactions is not removed under them.
    _media: HeldWork | None = field(default=None, repr=False, compare=False)
    # Who knows the work waiting in queues or for skills (voice routing its calls, the multimedia queues
    # their interactions): each answers how much of it a change would strand. Set by the `World` that runs
    # this contact center, so a queue or a skill is not removed or renamed under the work that waits for it.
    queued_work: tuple[QueuedWork, ...] = field(default=(), repr=False, compare=False)
    # Bumped by every change (see `provisioning`): what indexes over the contact center are keyed by; the
    # lookups of names and numbers are keyed by `directory_revision`, which who holds what does not move.
    revision: int = field(default=0, repr=False, compare=False)
    directory_revision: int = field(default=0, repr=False, compare=False)
    # Told of every change once it is made; the World appends it to its event stream.
    listener: Callable[[CenterChanged], None] | None = field(default=None, repr=False, compare=False)
    _changing: int = field(default=0, repr=False, compare=False)
    _names: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _names_revision: int = field(default=-1, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Ids look like the real service's GUIDs but come from a seeded generator: same file, same ids.
        self._random = random.Random(self.seed)
        for state in BUILTIN_AGENT_STATES:
            self.agent_states.setdefault(state.operationName, state)
        self.settings_groups.setdefault(GENERAL, name_value_group(GENERAL, "General", GENERAL_DEFAULTS))
        self.settings_groups.setdefault(
            REPORTING, name_value_group(REPORTING, "Real-Time Reporting", REPORTING_DEFAULTS)
        )
        self.settings_groups.setdefault(
            AGENT_STATES, SettingsGroup(AGENT_STATES, "Agent States", "operationName", builtin=True)
        )
        if not self.services:
            for name, kind in DEFAULT_SERVICES:
                self.add_service(name, kind)
        # Not a field: a reset restores the fields in place and keeps this, which reads them live.
        self.numbering = Numbering(self)

    def restore_ids(self, other: ContactCenter) -> None:
        """Continue the id sequence where `other`'s stands (a reset: the same ids as after loading)."""
        self._random.setstate(other._random.getstate())

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    # ----------------------------------------------------------------- lookups

    def user_named(self, user_name: str) -> User | None:
        """A lookup, not a scan (every authenticated request asks it): the index of names is rebuilt
        only when the contact center changed. Names compare case-insensitively, as e-mail addresses do."""
        if self._names_revision != self.directory_revision:
            self._names = {user.userName.casefold(): user.id for user in self.users.values()}
            self._names_revision = self.directory_revision
        user_id = self._names.get(user_name.casefold())
        return None if user_id is None else self.users.get(user_id)

    def user(self, user_id: str) -> User:
        return _get(self.users, user_id, "user")

    def skill(self, skill_id: str) -> Skill:
        return _get(self.skills, skill_id, "skill")

    def skill_named(self, name: str) -> Skill | None:
        return next((skill for skill in self.skills.values() if skill.name == name), None)

    def device(self, device_id: str) -> Device:
        return _get(self.devices, device_id, "device")

    def queue(self, queue_id: str) -> Queue:
        return _get(self.queues, queue_id, "queue")

    def devices_of(self, user: User) -> list[Device]:
        return [self.devices[device_id] for device_id in user.device_ids]

    def skills_of(self, user: User) -> list[SkillAssignment]:
        return [SkillAssignment(user.id, self.skills[skill_id], level) for skill_id, level in user.skill_levels.items()]

    def skill_of(self, user: User, skill_id: str) -> SkillAssignment:
        if skill_id not in user.skill_levels:
            raise Refusal(NOT_FOUND, f"user {user.userName!r} has no skill {skill_id!r}")
        return SkillAssignment(user.id, self.skills[skill_id], user.skill_levels[skill_id])

    def holders_of(self, skill: Skill, minimum_level: int = 0) -> list[tuple[User, int]]:
        """The users holding `skill` at `minimum_level` or above, best first (then in user order): what
        skill-based routing picks from."""
        holders = [
            (user, user.skill_levels[skill.id])
            for user in self.users.values()
            if user.skill_levels.get(skill.id, -1) >= minimum_level
        ]
        return sorted(holders, key=lambda holder: -holder[1])

    def _concerned(self, what: str, args: tuple[Any, ...]) -> tuple[str, ...]:
        """The users whose own view a change may have changed."""
        if what in _EVERYONE or (
            what in ("add_setting", "update_setting", "remove_setting") and args[:1] == (AGENT_STATES,)
        ):
            return tuple(self.users)
        concerned = [arg.id for arg in args if isinstance(arg, User)]
        concerned += [arg.user_id for arg in args if isinstance(arg, Device) and arg.user_id]
        return tuple(dict.fromkeys(concerned))

    def owner_of(self, device: Device) -> User | None:
        return self.users.get(device.user_id) if device.user_id else None

    def attach(self, telephony: Telephony, media: HeldWork | None = None) -> None:
        """Make `telephony` the one holder of this contact center's voice state, and `media` of its
        interactions (asked before a user is removed)."""
        self._telephony, self._media = telephony, media

    @property
    def telephony(self) -> Telephony:
        if self._telephony is None:
            raise RuntimeError("no voice core is attached to this contact center: run it in a World")
        return self._telephony

    def device_document(self, device: Device, view: DeviceView | None = None) -> dict[str, Any]:
        """A device as GET /devices/{id} and DeviceStateChangeMessage show it: its own fields, the voice
        core's state (`view`, or the current one) and its number's country."""
        profile = PROFILES[self.site.profile]
        voice = render_device_state(view if view is not None else self.telephony.device_view(device.id), profile)
        doc: dict[str, Any] = {
            **device.document(),
            **voice,
            **self.numbering.details(device.phoneNumber, device.location),
        }
        doc["type"] = self.numbering.of(device).type
        return doc

    def voice_state_of(self, user_id: str, known: DeviceView | None = None) -> tuple[dict[str, Any], str]:
        """(userState, dndState) of a user's voice channel: the userState of their first device, which
        agent-state operations on /me and /me/channels/voice keep equal to the others'; Do Not Disturb On
        when any device is (a device can be set alone), as the user's document says; Offline without a
        device. `known` is the view of one of the devices rendered in this very action (a device change
        being told), taken as it is rather than rendered again."""
        user = self.users.get(user_id)
        if user is None or not user.device_ids:
            return {"id": OFFLINE.id, "displayName": OFFLINE.displayName, "state": OFFLINE.state}, "Off"
        views = [
            known if known is not None and known.device_id == device_id else self.telephony.device_view(device_id)
            for device_id in user.device_ids
        ]
        dnd = "On" if any(view.do_not_disturb == "On" for view in views) else "Off"
        return dict(views[0].user_state), dnd

    def do_not_disturb_of(self, user: User) -> str:
        """On when any of the user's devices or channels is on Do Not Disturb."""
        devices = [self.telephony.device_view(device_id).do_not_disturb for device_id in user.device_ids]
        channels = [channel.do_not_disturb for channel in user.channels.values() if isinstance(channel, Channel)]
        return "On" if "On" in devices or any(channels) else "Off"

    def country_of(self, number: str) -> dict[str, str]:
        """The `country` of a phone number as devices show it: the contact center's country (general
        settings) for an E.164 number with its calling code, empty fields otherwise (as the reference shows
        for an internal number)."""
        general = {setting["name"]: setting["value"] for setting in self.settings_groups[GENERAL].settings}
        if number.startswith("+" + general["countryDigits"]):
            return {
                "name": general["countryName"],
                "code": general["countryCode"],
                "callingCode": general["countryDigits"],
            }
        return {"name": "", "code": "", "callingCode": ""}

    def features(self) -> list[Feature]:
        return [feature for feature in SYSTEM_FEATURES if feature.id in self.feature_ids]

    def routing_templates(self) -> list[RoutingTemplate]:
        return list(ROUTING_TEMPLATES)

    def routing_template(self, template_id: str | None) -> RoutingTemplate:
        """The template with this id; a queue not yet given one (None) is refused as not found."""
        for template in ROUTING_TEMPLATES:
            if template.id == template_id:
                return template
        raise not_found("routing template", template_id)

    def contacts(self) -> list[Contact]:
        """User and queue contacts derived from the users and queues, then the custom ones."""
        result = []
        for user in self.users.values():
            devices = self.devices_of(user)
            result.append(
                Contact(
                    id=user.id,
                    name=user.display_name,
                    type=USER,
                    phoneNumber=devices[0].phoneNumber if devices else None,
                    userName=user.userName,
                    firstName=user.firstName,
                    lastName=user.lastName,
                    employeeId=user.employeeId,
                )
            )
        for queue in self.queues.values():
            result.append(Contact(id=queue.id, name=queue.name, type=QUEUE, phoneNumber=queue.phoneNumber))
        result.extend(self.custom_contacts.values())
        return result

    def contact(self, contact_id: str) -> Contact:
        for contact in self.contacts():
            if contact.id == contact_id:
                return contact
        raise not_found("contact", contact_id)

    def settings_group(self, name: str) -> SettingsGroup:
        group = self.settings_groups.get(name)
        if group is None:
            raise not_found("settings group", name)
        return group

    def settings_of(self, name: str) -> list[dict[str, Any]]:
        """A copy of the settings of a group; the agent states are kept as objects, for the channels."""
        group = self.settings_group(name)
        if name == AGENT_STATES:
            return [state.document() for state in self.agent_states.values()]
        return group.contents()

    def agent_state(self, operation_name: str) -> AgentState:
        return _get(self.agent_states, operation_name, "agent state")

    # ----------------------------------------------------------------- features and services

    @provisions
    def set_features(self, feature_ids: Iterable[str]) -> None:
        known = {feature.id for feature in SYSTEM_FEATURES}
        chosen = list(feature_ids)
        for index, feature_id in enumerate(chosen):
            if feature_id not in known:
                raise Refusal(INVALID, f"features[{index}] {feature_id!r} is not one of {', '.join(sorted(known))}")
        monitoring_ends = MONITORING_FEATURE in self.feature_ids and MONITORING_FEATURE not in chosen
        self.feature_ids = chosen
        self._reopen_channels()
        if monitoring_ends and self._telephony is not None:
            self._telephony.end_every_supervision()

    def _reopen_channels(self) -> None:
        """Every agent keeps the channels the contact center still serves (a channel goes with its
        feature, or with the last queue that served it) and gets the ones it now serves."""
        names = self._channel_names()
        for user in self.users.values():
            user.channels = {name: channel for name, channel in user.channels.items() if name in names}
            self._open_channels(user)

    @provisions
    def add_service(self, name: str, type: str, state: str = "Active", id: str | None = None) -> Service:
        if type not in SERVICE_TYPES:
            raise Refusal(INVALID, f"type {type!r} is not one of {', '.join(SERVICE_TYPES)}")
        if state not in SERVICE_STATES:
            raise Refusal(INVALID, f"state {state!r} is not one of {', '.join(SERVICE_STATES)}")
        service = Service(id or self.new_id(), name, type, state)
        self.services[service.id] = service
        return service

    def add_place(self, name: str, phone_numbers: Iterable[str]) -> Place:
        """A place and its devices (by number); a device is at one place at most."""
        if name in self.places:
            raise exists("place", "name", name)
        by_number = {device.phoneNumber: device for device in self.devices.values()}
        placed = {device_id for place in self.places.values() for device_id in place.device_ids}
        device_ids = []
        for index, number in enumerate(phone_numbers):
            device = by_number.get(number)
            if device is None:
                raise Refusal(INVALID, f"devices[{index}] {number!r} is not the number of a device")
            if device.id in placed or device.id in device_ids:
                raise Refusal(INVALID, f"devices[{index}] {number!r} is already at a place")
            device_ids.append(device.id)
        place = Place(name, device_ids)
        self.places[name] = place
        return place

    # ----------------------------------------------------------------- helpers

    @staticmethod
    def _existing(table: dict[str, Any], key: str, what: str) -> Any:
        if key not in table:
            raise not_found(what, key)
        return table[key]


def _get(table: dict[str, Any], key: str, what: str) -> Any:
    value = table.get(key)
    if value is None:
        raise not_found(what, key)
    return value
