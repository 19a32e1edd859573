"""Provisioning of queues and custom contacts: each change checks everything before it touches anything."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from .catalog import DEFAULT_TEMPLATE_OF_CHANNEL, RoutingTemplate
from .channels import CHANNELS
from .contacts import CUSTOM, Contact
from .provisioning import provisions
from .queues import INTERNAL_NUMBERS, Queue
from .refusals import FORBIDDEN, INVALID, Refusal, exists
from .skills import Skill
from .users import User


class QueuedWork(Protocol):
    """Who routes work waiting in queues or for skills (voice routing its calls, the multimedia queues
    their interactions), asked how much of it a change would strand: waiting there or offered from there."""

    def held_in(self, queue: Queue) -> int:
        """The work the queue's removal would strand."""
        ...

    def held_under(self, queue: Queue) -> int:
        """The work a new name of the queue would strand (work that waits under its name)."""
        ...

    def held_for(self, skill: Skill) -> int:
        """The work transferred to the skill that its rename or removal would strand."""
        ...


class QueueProvisioning:
    """The queue and contact changes of `ContactCenter`, its base."""

    users: dict[str, User]
    queues: dict[str, Queue]
    custom_contacts: dict[str, Contact]
    queued_work: tuple[QueuedWork, ...]

    if TYPE_CHECKING:  # the rest of the contact center (see contact_center.ContactCenter)

        def new_id(self) -> str: ...
        def contacts(self) -> list[Contact]: ...
        def routing_template(self, template_id: str) -> RoutingTemplate: ...
        def skill_named(self, name: str) -> Skill | None: ...
        def _check_number_free(self, number: str, ignore: object = None) -> None: ...
        def _open_channels(self, user: User) -> None: ...
        def _reopen_channels(self) -> None: ...
        @staticmethod
        def _existing(table: dict[str, Any], key: str, what: str) -> Any: ...

    @provisions
    def add_queue(
        self,
        name: str,
        channel: str,
        phoneNumber: str | None = None,
        internal: bool = False,
        description: str | None = None,
        skills: Iterable[str] = (),
        routingTemplate: str | None = None,
        recording_percentage: int = 0,
        id: str | None = None,
        ring_timeout: float | None = None,
    ) -> Queue:
        if channel not in CHANNELS:
            raise Refusal(INVALID, f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
        if any(queue.name == name for queue in self.queues.values()):
            raise exists("queue", "name", name)
        number = self._queue_number(phoneNumber, internal)
        skill_ids = self._skill_ids(skills)
        template = self._template_for(channel, routingTemplate)
        self._check_percentage(recording_percentage)
        if ring_timeout is not None and (channel != "voice" or ring_timeout <= 0):
            what = "ringTimeout must be a number of seconds above 0, on a voice queue"
            raise Refusal(INVALID, what, field="ringTimeout")
        queue = Queue(
            id or self.new_id(), name, channel, number, internal, description, skill_ids, template, recording_percentage
        )
        queue.ring_timeout = ring_timeout
        if queue.id in self.queues:
            raise exists("queue", "id", queue.id)
        self.queues[queue.id] = queue
        for user in self.users.values():
            self._open_channels(user)
        return queue

    @provisions
    def update_queue(self, queue: Queue, changes: dict[str, Any]) -> None:
        """A new name is refused while chats or e-mails wait in the queue: they wait under its name (calls
        wait by the queue's id, so a voice queue is renamed under them)."""
        name = changes.get("name")
        if name is not None and any(other.name == name and other is not queue for other in self.queues.values()):
            raise exists("queue", "name", name)
        if name is not None and name != queue.name:
            self._check_no_work(queue, "renamed", sum(work.held_under(queue) for work in self.queued_work), "name")
        skill_ids = self._skill_ids(changes["skills"]) if "skills" in changes else queue.skill_ids
        template = self._template_for(queue.channel, changes.get("routingTemplate") or queue.routing_template_id)
        if "description" in changes:
            queue.description = changes["description"]
        if name is not None:
            queue.name = name
        queue.skill_ids = skill_ids
        queue.routing_template_id = template

    @provisions
    def remove_queue(self, queue: Queue) -> None:
        self._existing(self.queues, queue.id, "queue")
        self._check_no_work(queue, "removed", sum(work.held_in(queue) for work in self.queued_work))
        del self.queues[queue.id]
        self._reopen_channels()

    @provisions
    def set_call_recording(self, queue: Queue, percentage: int) -> None:
        self._check_percentage(percentage)
        queue.recording_percentage = percentage

    @staticmethod
    def _check_no_work(queue: Queue, change: str, waiting: int, field: str | None = None) -> None:
        """Calls or interactions waiting in the queue (or being offered from it) would wait forever in a
        queue gone or under a name nobody routes: the change waits until they are answered or gone."""
        if waiting:
            work = "call" if queue.channel == "voice" else "interaction"
            raise Refusal(
                INVALID,
                f"queue {queue.name!r} has {waiting} {work}{'s' if waiting > 1 else ''} waiting in it; "
                f"it can be {change} once they are answered or gone",
                field=field,
            )

    def _queue_number(self, phone_number: str | None, internal: bool) -> str:
        if phone_number is not None and internal:
            raise Refusal(INVALID, "phoneNumber cannot be given for an internal queue: its number is generated")
        if phone_number is None and not internal:
            raise Refusal(INVALID, "phoneNumber is required unless internal is true")
        if phone_number is not None:
            self._check_number_free(phone_number)
            return phone_number
        taken = {queue.phoneNumber for queue in self.queues.values()}
        for digits in INTERNAL_NUMBERS:
            if f"0{digits}" not in taken:
                return f"0{digits}"
        raise Refusal(INVALID, "no internal queue number is left")

    def _skill_ids(self, names: Iterable[str]) -> list[str]:
        result = []
        for index, name in enumerate(names):
            skill = self.skill_named(name)
            if skill is None:
                raise Refusal(INVALID, f"skills[{index}] {name!r} is not a skill of the contact center")
            result.append(skill.id)
        return result

    def _template_for(self, channel: str, template_id: str | None) -> str:
        template = self.routing_template(template_id or DEFAULT_TEMPLATE_OF_CHANNEL[channel])
        if template.channel != channel:
            raise Refusal(
                INVALID, f"routingTemplate {template.id!r} is for the {template.channel} channel, not {channel}"
            )
        return template.id

    @staticmethod
    def _check_percentage(percentage: int) -> None:
        if isinstance(percentage, bool) or not isinstance(percentage, int) or not 0 <= percentage <= 100:
            raise Refusal(INVALID, "percentage must be an integer between 0 and 100")

    @provisions
    def add_contact(self, name: str, phoneNumber: str, id: str | None = None) -> Contact:
        contact = Contact(id or self.new_id(), name, CUSTOM, phoneNumber)
        if any(other.id == contact.id for other in self.contacts()):
            raise exists("contact", "id", contact.id)
        self.custom_contacts[contact.id] = contact
        return contact

    @provisions
    def update_contact(self, contact: Contact, changes: dict[str, Any]) -> None:
        self._custom(contact)
        for key, value in changes.items():
            setattr(contact, key, value)

    @provisions
    def remove_contact(self, contact: Contact) -> None:
        self._custom(contact)
        del self.custom_contacts[contact.id]

    def _custom(self, contact: Contact) -> Contact:
        if contact.type != CUSTOM:
            raise Refusal(
                FORBIDDEN,
                f"Operation forbidden, contacts of type {contact.type} are read-only: "
                "only Custom contacts can be changed",
            )
        return self._existing(self.custom_contacts, contact.id, "contact")
