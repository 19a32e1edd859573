"""E-mail work: e-mails arriving on a queue, replies, new outbound e-mails, sending and cancelling drafts,
and attachments."""

from __future__ import annotations

from typing import Any

from ..refusals import INVALID, MISSING, NOT_FOUND, Refusal
from . import params as read
from .email import Attachment, EmailContent, reply_to
from .engine_state import MediaEngine
from .interaction import (
    CREATED,
    EMAIL,
    INBOUND,
    INBOUND_NEW,
    INVITED,
    OUTBOUND,
    OUTBOUND_NEW,
    OUTBOUND_REPLY,
    REPLY_CREATED,
    Handling,
    Interaction,
)


class EmailWork(MediaEngine):
    """The e-mail side: arrivals, drafts, sending, attachments."""

    def receive_email(
        self,
        queue: Any,
        from_address: Any,
        to_address: Any,
        subject: Any,
        text: Any,
        cc: Any = None,
        attachments: list[tuple[str, str, bytes]] | None = None,
        user_data: Any = None,
    ) -> str:
        """An e-mail arrives on an e-mail queue (name or id); answers the new interaction's id."""
        values = {"from": from_address, "to": to_address, "subject": subject, "text": text, "cc": cc}
        sender = read.text(values, "from", required=True, empty=False)
        chosen = read.queue(self.center, EMAIL, read.queue_ref(queue), "queue")
        recipient = read.text(values, "to") or f"{chosen.name.replace(' ', '').lower()}@example.com"
        content = EmailContent(
            from_address=sender,
            to_address=recipient,
            subject=read.text(values, "subject") or "",
            text=read.text(values, "text") or "",
            cc_addresses=read.text(values, "cc") or "",
        )
        for index, (name, _mime, raw) in enumerate(attachments or []):
            if len(raw) > self.options.attachment_limit:
                raise Refusal(
                    INVALID,
                    f"attachments[{index}]: {name!r} is {len(raw)} bytes; "
                    f"the limit is {self.options.attachment_limit} bytes",
                )
        data = read.optional_user_data(user_data)
        interaction = Interaction(
            self._new_id(), EMAIL, INBOUND, INBOUND_NEW, chosen.name, self.clock.now(), chosen.id, data
        )
        interaction.thread_id = interaction.id
        content.attachments = [Attachment(self._new_id(), name, mime, raw) for name, mime, raw in attachments or []]
        interaction.email = content
        names = [attachment.name for attachment in content.attachments]
        arrival = {  # the attached data the reference's e-mail examples arrive with
            "FromAddress": content.from_address,
            "EmailAddress": content.from_address,
            "To": content.to_address,
            "Subject": content.subject,
            "_ContainsAttachment": "true" if names else "false",
            "_AttachmentFileNames": ",".join(names),
            "_AttachmentsSize": str(sum(len(attachment.data) for attachment in content.attachments)),
        }
        for key, value in arrival.items():
            interaction.user_data.setdefault(key, value)
        self._add(interaction)
        self._enqueue(interaction)
        self._route()
        return interaction.id

    def create(self, user_id: str, params: dict[str, Any] | None = None) -> str:
        """Create: a new outbound e-mail the agent composes (state Created); answers its id."""
        params = params or {}
        user = self.center.user(user_id)
        if EMAIL not in user.channels:
            raise Refusal(INVALID, "operationName: Create needs an email channel, and you have none")
        kind = read.text(params, "interactionType") or OUTBOUND
        sub_kind = read.text(params, "interactionSubType") or OUTBOUND_NEW
        if kind != OUTBOUND:
            raise Refusal(INVALID, f"interactionType: only {OUTBOUND} e-mails can be created, not {kind!r}")
        queue = read.queue(self.center, EMAIL, read.text(params, "queueName"), "queueName")
        interaction = Interaction(
            self._new_id(),
            EMAIL,
            kind,
            sub_kind,
            queue.name,
            self.clock.now(),
            queue.id,
            email=EmailContent(from_address="", to_address="", subject="", text=""),
        )
        interaction.thread_id = interaction.id
        self._add(interaction)
        handling = Handling(interaction, user_id, CREATED)
        interaction.handlings.append(handling)
        self._tell(handling)
        return interaction.id

    def _reply_to_sender(self, handling: Handling, params: dict[str, Any]) -> dict[str, Any]:
        return self._reply(handling, params, to_all=False)

    def _reply_to_all(self, handling: Handling, params: dict[str, Any]) -> dict[str, Any]:
        return self._reply(handling, params, to_all=True)

    def _reply(self, handling: Handling, params: dict[str, Any], to_all: bool) -> dict[str, Any]:
        for name in ("subjectPrefix", "replyToStartLine", "indentCharacter"):
            read.text(params, name)
        quote = params.get("quoteOriginal")
        if isinstance(quote, str) and quote.lower() in ("true", "false"):
            params["quoteOriginal"] = quote = quote.lower() == "true"
        if quote is not None and not isinstance(quote, bool):
            raise Refusal(INVALID, "quoteOriginal must be true or false")
        original = handling.interaction
        queue, queue_id = original.queue, original.queue_id
        if params.get("queueName") is not None:
            chosen = read.queue(self.center, EMAIL, read.text(params, "queueName"), "queueName")
            queue, queue_id = chosen.name, chosen.id
        reply = Interaction(
            self._new_id(),
            EMAIL,
            OUTBOUND,
            OUTBOUND_REPLY,
            queue,
            self.clock.now(),
            queue_id,
            user_data=dict(original.user_data),
            parent_id=original.id,
            thread_id=original.thread_id,
            email=reply_to(original.email, params, to_all),
        )
        self._add(reply)
        draft = Handling(reply, handling.user_id, REPLY_CREATED)
        reply.handlings.append(draft)
        self._tell(draft)
        return {"replyInteractionId": reply.id}

    def _send(self, handling: Handling, params: dict[str, Any]) -> None:
        interaction = handling.interaction
        email = interaction.email
        values = _email_values(params)
        to_address = values.get("to_address", email.to_address)
        if not to_address.strip():
            raise Refusal(MISSING, "email_object.toAddress is required: the e-mail has no recipient")
        if params.get("queueName") is not None:
            chosen = read.queue(self.center, EMAIL, read.text(params, "queueName"), "queueName")
            interaction.queue, interaction.queue_id = chosen.name, chosen.id
        for attribute, value in values.items():
            setattr(email, attribute, value)
        handling.fire("Send")
        self.outbox.append({"id": interaction.id, "parentId": interaction.parent_id, **email.document(interaction.id)})
        self._tell(handling, brief=True)
        self._finish_if_unowned(interaction)

    def _update_properties(self, handling: Handling, params: dict[str, Any]) -> None:
        """The draft's capability in the reference's Reply example: its `email_object` fields (as Send
        takes them) and attached data (`userData`) changed before it is sent; PropertiesChanged tells it."""
        if params.get("email_object") is None and params.get("userData") is None:
            raise Refusal(MISSING, "email_object or userData is required: the properties to change")
        values = _email_values(params)
        user_data = read.optional_user_data(params.get("userData"))
        for attribute, value in values.items():
            setattr(handling.interaction.email, attribute, value)
        handling.interaction.user_data.update(user_data)
        self._properties_changed(handling.interaction)

    def _cancel(self, handling: Handling, params: dict[str, Any]) -> None:
        handling.fire("Cancel")
        self._tell(handling, brief=True)
        self._finish_if_unowned(handling.interaction)

    def add_attachment(self, user_id: str, interaction_id: str, name: str, mime_type: str, data: bytes) -> str:
        interaction = self._email_of(user_id, interaction_id)
        if len(data) > self.options.attachment_limit:
            raise Refusal(
                INVALID,
                f"attachment: {name!r} is {len(data)} bytes; the limit is {self.options.attachment_limit} bytes",
            )
        attachment = Attachment(self._new_id(), name, mime_type, data)
        interaction.email.attachments.append(attachment)
        self._properties_changed(interaction)
        return attachment.id

    def attachment(self, user_id: str, interaction_id: str, document_id: str) -> Attachment:
        interaction = self._email_of(user_id, interaction_id)
        for attachment in interaction.email.attachments:
            if attachment.id == document_id:
                return attachment
        raise Refusal(NOT_FOUND, f"attachment {document_id!r} does not exist on interaction {interaction_id}")

    def delete_attachment(self, user_id: str, interaction_id: str, document_id: str) -> None:
        attachment = self.attachment(user_id, interaction_id, document_id)
        interaction = self.interactions[interaction_id]
        interaction.email.attachments.remove(attachment)
        self._properties_changed(interaction)

    def _email_of(self, user_id: str, interaction_id: str) -> Interaction:
        handling = self._handling(user_id, interaction_id)
        if handling.interaction.email is None:
            raise Refusal(INVALID, f"interaction {interaction_id} is a {handling.interaction.channel}: no attachments")
        if handling.state == INVITED:
            raise Refusal(INVALID, f"interaction {interaction_id} is Invited: accept it first")
        return handling.interaction


_EMAIL_FIELDS = {
    "toAddress": "to_address",
    "fromAddress": "from_address",
    "subject": "subject",
    "text": "text",
    "ccAddress": "cc_addresses",
    "bccAddress": "bcc_addresses",
}


def _email_values(params: dict[str, Any]) -> dict[str, str]:
    """The `email_object` of Send and UpdateProperties as the content's attributes, each field checked."""
    overrides = params.get("email_object", {})
    if not isinstance(overrides, dict):
        raise Refusal(INVALID, "email_object must be a JSON object")
    for name in overrides:
        if name not in _EMAIL_FIELDS:
            raise Refusal(INVALID, f"email_object.{name} is not a field of email_object ({', '.join(_EMAIL_FIELDS)})")
    values = {}
    for name, attribute in _EMAIL_FIELDS.items():
        if isinstance(overrides.get(name), str):
            values[attribute] = overrides[name]
        elif name in overrides:
            raise Refusal(INVALID, f"email_object.{name} must be a string")
    return values
