"""E-mail content: the addresses, subject and text of a message, its attachments, and how a reply is made.

Readings of the reference's Reply and ReplyAll:

- the reply goes to the original's sender (`toAddress` = original `fromAddress`) from the address it was
  sent to; ReplyAll also copies the original's `ccAddresses`;
- its subject is `subjectPrefix` + the original subject, the prefix empty when not given;
- its text is empty unless `quoteOriginal` is true (default false for Reply, true for ReplyAll, as each
  section says); quoted, every line of the original text is prefixed with `indentCharacter` (default
  ">"), after `replyToStartLine` on a line of its own when one is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_INDENT = ">"


@dataclass(frozen=True)
class Attachment:
    """A document attached to an e-mail interaction (the reference's documentId is `id`)."""

    id: str
    name: str
    mime_type: str
    data: bytes

    def document(self) -> dict[str, Any]:
        return {"documentId": self.id, "name": self.name, "mimeType": self.mime_type, "size": len(self.data)}


@dataclass
class EmailContent:
    from_address: str
    to_address: str
    subject: str
    text: str
    cc_addresses: str = ""
    bcc_addresses: str = ""
    attachments: list[Attachment] = field(default_factory=list)

    def document(self, interaction_id: str) -> dict[str, Any]:
        """The interaction's `content`, with the field names of the reference's Accepted example."""
        doc: dict[str, Any] = {
            "interactionId": interaction_id,
            "fromAddress": self.from_address,
            "toAddress": self.to_address,
            "subject": self.subject,
            "text": self.text,
        }
        if self.cc_addresses:
            doc["ccAddresses"] = self.cc_addresses
        if self.bcc_addresses:
            doc["bccAddresses"] = self.bcc_addresses
        doc["attachments"] = [attachment.document() for attachment in self.attachments]
        return doc


def quoted(text: str, start_line: str | None, indent: str | None) -> str:
    mark = DEFAULT_INDENT if indent is None else indent
    lines = [f"{mark}{line}" for line in text.splitlines()] or [mark]
    return "\n".join(([start_line] if start_line else []) + lines)


def reply_to(original: EmailContent, params: dict[str, Any], to_all: bool) -> EmailContent:
    """The outbound reply's content, from the original and the Reply / ReplyAll parameters."""
    quote = params.get("quoteOriginal", to_all)
    text = quoted(original.text, params.get("replyToStartLine"), params.get("indentCharacter")) if quote else ""
    return EmailContent(
        from_address=original.to_address,
        to_address=original.from_address,
        subject=(params.get("subjectPrefix") or "") + original.subject,
        text=text,
        cc_addresses=original.cc_addresses if to_all else "",
    )
