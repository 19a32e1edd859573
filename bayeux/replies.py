"""The replies of the protocol: their common start, failures, and errors in the `code:args:message` form
of the reference CometD server."""

from __future__ import annotations

from . import message_check
from .session import Message


def error_string(code: int, detail: str, name: str | None = None) -> str:
    """An error in the `code:args:message` form; `detail` becomes the args, with its colons made safe."""
    if name is None:
        name = {400: "message_invalid", 413: "message_too_large"}[code]
    return f"{code}:{detail.replace(':', ';')}:{name}"


def reply_to(message: Message) -> Message:
    """The start of a reply: the channel and id of the message, when they are what they should be."""
    name = message.get("channel")
    reply: Message = {"channel": name if isinstance(name, str) else None}
    identifier = message.get("id")
    if message_check.valid_id(identifier):
        reply["id"] = identifier
    return reply


def fail(reply: Message, error: str) -> Message:
    reply.update(successful=False, error=error)
    return reply


def failure(message: Message, error: str) -> Message:
    return fail(reply_to(message), error)


def unknown_session(message: Message) -> Message:
    return {
        "successful": False,
        "error": "402::session_unknown",
        "advice": {"reconnect": "handshake", "interval": 0},
    }
