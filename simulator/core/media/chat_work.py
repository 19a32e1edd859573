"""Chat work: what agents do in a chat session (messages, typing, conferences, ending it, its history),
what the visitor does (start, write, type, leave), and telling each agent the session's events once."""

from __future__ import annotations

from typing import Any

from ..numerals import is_whole_number
from ..refusals import INVALID, NOT_FOUND, Refusal
from . import params as read
from .chat import AGENT as AGENT_PARTY
from .chat import CLIENT, MESSAGE, NOTICE, TYPING_STARTED, TYPING_STOPPED, ChatSession, Party
from .engine_state import MediaEngine
from .interaction import (
    CHAT,
    INBOUND,
    INBOUND_NEW,
    WORKING,
    Handling,
    Interaction,
)
from .telling import PROPERTIES_CHANGED


class ChatWork(MediaEngine):
    """The agents' and the visitors' side of chat sessions."""

    def _send_message(self, handling: Handling, params: dict[str, Any]) -> None:
        text = read.text(params, "text", required=True, empty=False)
        interaction = handling.interaction
        interaction.chat.record(MESSAGE, self._party(handling), text=text)
        self._broadcast(interaction)

    def _start_typing(self, handling: Handling, params: dict[str, Any]) -> None:
        handling.interaction.chat.record(NOTICE, self._party(handling), noticeType=TYPING_STARTED)
        self._broadcast(handling.interaction)

    def _stop_typing(self, handling: Handling, params: dict[str, Any]) -> None:
        handling.interaction.chat.record(NOTICE, self._party(handling), noticeType=TYPING_STOPPED)
        self._broadcast(handling.interaction)

    def _invite_user(self, handling: Handling, params: dict[str, Any]) -> None:
        target = read.agent(self.center, handling, params, "agentId")
        self._invite(handling.interaction, target.id, conference=True)

    def _leave_conference(self, handling: Handling, params: dict[str, Any]) -> None:
        interaction = handling.interaction
        interaction.chat.leave(self._party(handling))
        handling.fire("LeaveConference")
        self._tell(handling, brief=True)
        self._broadcast(interaction)

    def _end_chat_session(self, handling: Handling, params: dict[str, Any]) -> None:
        handling.interaction.chat.end()
        self._broadcast(handling.interaction)

    def _request_chat_history(self, handling: Handling, params: dict[str, Any]) -> None:
        chat = handling.interaction.chat
        start = params.get("eventId", 1)
        if isinstance(start, str) and is_whole_number(start):
            start = int(start)
        if isinstance(start, bool) or not isinstance(start, int) or not 1 <= start <= max(chat.latest_event_id, 1):
            raise Refusal(INVALID, f"eventId must be an event id between 1 and {chat.latest_event_id}")
        self._tell(handling, state=PROPERTIES_CHANGED, events=chat.since(start))

    def start_chat(
        self, queue: Any, nickname: Any, subject: Any = None, text: Any = None, user_data: Any = None
    ) -> str:
        """A visitor starts a chat on a chat queue (name or id), optionally with a first message."""
        values = {"nickname": nickname, "subject": subject, "text": text}
        nick = read.text(values, "nickname", required=True, empty=False)
        topic = read.text(values, "subject") or ""
        first = read.text(values, "text", empty=False)
        chosen = read.queue(self.center, CHAT, read.queue_ref(queue), "queue")
        data = read.optional_user_data(user_data)
        interaction = Interaction(
            self._new_id(), CHAT, INBOUND, INBOUND_NEW, chosen.name, self.clock.now(), chosen.id, data
        )
        interaction.thread_id = interaction.id
        visitor = Party(self._new_id(), CLIENT, nick)
        interaction.chat = ChatSession(interaction.id, visitor, topic)
        if topic:
            interaction.user_data.setdefault("Subject", topic)
        interaction.chat.join(visitor)
        if first:
            interaction.chat.record(MESSAGE, visitor, text=first)
        self._add(interaction)
        self._enqueue(interaction)
        self._route()
        return interaction.id

    def _visitor_chat(self, interaction_id: Any) -> Interaction:
        interaction = self.interactions.get(interaction_id) if isinstance(interaction_id, str) else None
        if interaction is None or interaction.done or interaction.chat is None:
            raise Refusal(NOT_FOUND, f"chat {interaction_id!r} does not exist")
        if not interaction.chat.open or interaction.chat.visitor not in interaction.chat.present:
            raise Refusal(INVALID, f"chat {interaction_id}: the session is over")
        return interaction

    def visitor_send(self, interaction_id: Any, text: Any) -> None:
        interaction = self._visitor_chat(interaction_id)
        message = read.text({"text": text}, "text", required=True, empty=False)
        interaction.chat.record(MESSAGE, interaction.chat.visitor, text=message)
        self._broadcast(interaction)

    def visitor_typing(self, interaction_id: Any, typing: Any) -> None:
        interaction = self._visitor_chat(interaction_id)
        if not isinstance(typing, bool):
            raise Refusal(INVALID, "typing must be true or false")
        notice = TYPING_STARTED if typing else TYPING_STOPPED
        interaction.chat.record(NOTICE, interaction.chat.visitor, noticeType=notice)
        self._broadcast(interaction)

    def visitor_leave(self, interaction_id: Any) -> None:
        """The visitor closes the chat: PARTY_LEFT, and the session is over; agents keep the interaction
        for after-chat work until they complete it. One still waiting in a queue is abandoned."""
        interaction = self._visitor_chat(interaction_id)
        chat = interaction.chat
        chat.leave(chat.visitor)
        chat.open = False
        if not interaction.live_handlings() and interaction.workbin is None:  # a parked chat waits to be pulled
            self.queues.remove(interaction.id)
            self._finish(interaction)
        self._touch(interaction)
        self._broadcast(interaction)
        self._route()

    def _party(self, handling: Handling) -> Party:
        return Party(handling.user_id, AGENT_PARTY, handling.nickname)

    def _join(self, handling: Handling) -> None:
        chat = handling.interaction.chat
        if chat.open and not handling.joined:
            chat.join(self._party(handling))
            handling.joined = True

    def _leave_chat(self, handling: Handling) -> None:
        """An agent handing a chat on (transfer, queue, workbin) leaves the session; the others are told."""
        chat = handling.interaction.chat
        if chat is not None and handling.joined:
            chat.leave(self._party(handling))
            handling.joined = False
            self._broadcast(handling.interaction, but=handling)

    def _broadcast(self, interaction: Interaction, but: Handling | None = None) -> None:
        """Tell every agent working on the chat the events they have not been told, in order."""
        chat = interaction.chat
        if chat is None:
            return
        for handling in interaction.live_handlings():
            if handling is but or handling.state not in WORKING or handling.told >= chat.latest_event_id:
                continue
            events = chat.since(handling.told + 1)
            handling.told = chat.latest_event_id
            self._tell(handling, state=PROPERTIES_CHANGED, events=events)
