"""A chat session: its parties and the one ordered history of events every party is shown.

Events are numbered from 1 in the order they happen, and each agent on the chat is told each event once,
in that order, so every party of a conference sees the same history in the same order. An event carries
the fields of the reference's examples: `id`, `messageType` (PARTY_JOINED, PARTY_LEFT, NOTICE, MESSAGE),
`userId`, `userType` (Client or Agent), `nickName` and `visibility`; a NOTICE adds `noticeType`
(TypingStarted, TypingStopped) and a MESSAGE adds `text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PARTY_JOINED = "PARTY_JOINED"
PARTY_LEFT = "PARTY_LEFT"
NOTICE = "NOTICE"
MESSAGE = "MESSAGE"
TYPING_STARTED = "TypingStarted"
TYPING_STOPPED = "TypingStopped"
CLIENT = "Client"
AGENT = "Agent"
ALL = "All"


@dataclass(frozen=True)
class Party:
    """Someone in the chat: the visitor (Client) or an agent, with the chat-server id they are known by."""

    user_id: str
    user_type: str
    nickname: str


@dataclass
class ChatSession:
    """The session of one chat interaction; `open` until the visitor leaves or an agent ends it."""

    session_id: str
    visitor: Party
    subject: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    present: list[Party] = field(default_factory=list)
    open: bool = True

    def record(self, message_type: str, party: Party, **extra: Any) -> dict[str, Any]:
        event = {
            "id": len(self.events) + 1,
            "messageType": message_type,
            "userId": party.user_id,
            "userType": party.user_type,
            "nickName": party.nickname,
            "visibility": ALL,
            **extra,
        }
        self.events.append(event)
        return event

    def join(self, party: Party) -> None:
        self.present.append(party)
        self.record(PARTY_JOINED, party)

    def leave(self, party: Party) -> None:
        if party in self.present:
            self.present.remove(party)
            self.record(PARTY_LEFT, party)

    def end(self) -> None:
        """Everyone leaves, agents first, then the visitor: the session is over."""
        for party in [
            *[p for p in self.present if p.user_type == AGENT],
            *[p for p in self.present if p.user_type == CLIENT],
        ]:  # noqa: E501
            self.leave(party)
        self.open = False

    @property
    def latest_event_id(self) -> int:
        return len(self.events)

    def since(self, event_id: int) -> list[dict[str, Any]]:
        """The events from `event_id` on (ids start at 1), copied so a document never changes later."""
        return [dict(event) for event in self.events[max(event_id, 1) - 1 :]]
