"""The multimedia engine: chat and e-mail interactions, agents' chat and e-mail channels, routing from
the chat and e-mail queues, invitations revoked on the clock, and workbins.

Like the voice core it is synchronous, deterministic and free of I/O. Every change enters through one of
the entry points below, is checked completely before anything changes (a refusal raises `Refusal` with
the reference's statusCode and a message naming the field), and reports through the sink:

- REST ``POST /me/channels/{chat|email}``, ``POST /me``    -> ``channel_operate``, ``user_operate``
- REST ``POST /me/interactions/{id}`` {operationName}      -> ``operate``
- REST ``POST /me/interactions`` (Create, Pull)            -> ``create``, ``pull``
- REST attachments                                         -> ``add_attachment``, ``attachment``,
  ``delete_attachment``
- REST ``/me/workbins...``                                 -> ``workbins_of``, ``workbin_content``,
  ``place_in_workbin``, ``subscribe``
- the world (control API, scenarios)                      -> ``start_chat``, ``visitor_send``,
  ``visitor_typing``, ``visitor_leave``, ``receive_email``
- timers                                                  -> an invitation's revocation

Routing (`queueing.py`) follows the voice router's rules: an agent is free for a channel when Ready on
it, not in Do Not Disturb and holding fewer than `capacity` interactions of it; the queue's skills and
levels decide, then who has been free longest. An invitation not accepted within `invite_timeout`
seconds is revoked and offered to the next agent.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..contact_center import ContactCenter
from ..refusals import INVALID, MISSING, NOT_FOUND, Refusal
from ..settings import OFFLINE
from ..users import User
from ..voice.clock import Clock
from . import params as read
from .chat import AGENT as AGENT_PARTY
from .chat import CLIENT, MESSAGE, NOTICE, TYPING_STARTED, TYPING_STOPPED, ChatSession, Party
from .document import interaction_document, interaction_message, workbin_item, workbin_message
from .email import Attachment, EmailContent, reply_to
from .events import ChannelChanged, InteractionMessage, MediaEvent, WorkbinMessage
from .interaction import (
    CHAT,
    CREATED,
    EMAIL,
    INBOUND,
    INBOUND_NEW,
    INTERACTION_OPERATIONS,
    INVITED,
    MEDIA_CHANNELS,
    OUTBOUND,
    OUTBOUND_NEW,
    OUTBOUND_REPLY,
    PULLED,
    REPLY_CREATED,
    WORKING,
    Handling,
    Interaction,
)
from .queueing import MediaQueues
from .workbin import DEFAULT_WORKBINS, Workbin

PROPERTIES_CHANGED = "PropertiesChanged"
DND_OPERATIONS = ("DoNotDisturbOn", "DoNotDisturbOff")
SESSION_OPERATIONS = ("StartContactCenterSession", "EndContactCenterSession")


@dataclass(frozen=True)
class MediaOptions:
    """The multimedia switches of a contact center."""

    invite_timeout: float = 30.0  # seconds an invitation waits for Accept before it is revoked
    capacity: int = 1  # interactions of one channel an agent is offered at once
    attachment_limit: int = 1024 * 1024  # bytes of one attachment
    workbins: tuple[str, ...] = DEFAULT_WORKBINS


class Multimedia:
    """Chat and e-mail for the agents of `center`, on `clock`, reporting to `sink`."""

    def __init__(
        self,
        center: ContactCenter,
        clock: Clock,
        sink: Callable[[MediaEvent], None],
        options: MediaOptions | None = None,
    ) -> None:
        self.center = center
        self.clock = clock
        self.sink = sink
        self.options = options or MediaOptions()
        self.interactions: dict[str, Interaction] = {}
        self.outbox: list[dict[str, Any]] = []  # e-mails sent, as the world receives them
        self._ids = itertools.count(1)
        self.queues = MediaQueues(center, clock)
        self._workbins: dict[tuple[str, str], Workbin] = {}
        self._routing = False

    def configure(self, values: dict[str, Any]) -> MediaOptions:
        """Change options by their control-API names (inviteTimeout, attachmentLimit, capacity); all or none.
        A new invitation timeout applies to invitations made from now on."""
        changes: dict[str, Any] = {}
        for name, attribute, floor in (
            ("inviteTimeout", "invite_timeout", 0.001),
            ("attachmentLimit", "attachment_limit", 1),
            ("capacity", "capacity", 1),
        ):
            if name not in values:
                continue
            value = values[name]
            whole = attribute != "invite_timeout"
            kind = int if whole else int | float
            if isinstance(value, bool) or not isinstance(value, kind) or value < floor:
                what = "a whole number, 1 or more" if whole else "a number of seconds above 0"
                raise Refusal(INVALID, f"{name} must be {what}")
            changes[attribute] = value if whole else float(value)
        self.options = dataclasses.replace(self.options, **changes)
        return self.options

    # ------------------------------------------------------------------ ids

    def _new_id(self) -> str:
        return f"{next(self._ids):016X}"

    # ------------------------------------------------------------------ agents' channels

    def channel_operate(self, user_id: str, channel: str, operation: str, params: dict[str, Any] | None = None) -> None:
        """An agent-state or Do Not Disturb operation on one of the agent's chat or e-mail channels."""
        user = self.center.user(user_id)
        if channel not in MEDIA_CHANNELS or channel not in user.channels:
            raise Refusal(NOT_FOUND, f"channel: you have no {channel} channel")
        if operation not in DND_OPERATIONS and user.channels[channel].user_state.id == OFFLINE.id:
            raise Refusal(
                INVALID,
                f"{operation} is not valid on channel {channel} in state Logout: "
                f"start a contact-center session with channels including {channel} first",
            )
        self._set_channels(user, [channel], operation)

    def user_operate(self, user_id: str, operation: str, params: dict[str, Any] | None = None) -> None:
        """The same operation posted on /me, on the agent's media channels: a session starts on those it
        lists (all when it lists none); an agent state applies to the channels logged in; Do Not Disturb
        and the end of the session to all."""
        self._set_channels(*self.plan_user_operation(user_id, operation, params))

    def plan_user_operation(
        self, user_id: str, operation: str, params: dict[str, Any] | None = None
    ) -> tuple[User, list[str], str]:
        """Check `user_operate` and say which channels it would change, changing nothing; `apply_user_plan`
        makes the change."""
        user = self.center.user(user_id)
        names = [name for name in MEDIA_CHANNELS if name in user.channels]
        channels = (params or {}).get("channels")
        if operation == "StartContactCenterSession" and isinstance(channels, list):
            names = [name for name in names if name in channels]
        elif operation not in DND_OPERATIONS and operation not in SESSION_OPERATIONS:
            names = [name for name in names if user.channels[name].user_state.id != OFFLINE.id]
        self._check_agent_operation(operation)
        return user, names, operation

    def apply_user_plan(self, plan: tuple[User, list[str], str]) -> None:
        self._set_channels(*plan)

    def logged_in(self, user_id: str) -> bool:
        """Whether a session goes on on one of the agent's chat and e-mail channels."""
        user = self.center.user(user_id)
        return any(user.channels[name].user_state.id != OFFLINE.id for name in MEDIA_CHANNELS if name in user.channels)

    def _check_agent_operation(self, operation: str) -> None:
        if operation not in DND_OPERATIONS and operation not in SESSION_OPERATIONS:
            state = self.center.agent_states.get(operation)
            if state is None:
                known = ", ".join([*self.center.agent_states, *DND_OPERATIONS])
                raise Refusal(INVALID, f"operationName: {operation!r} is not an agent-state operation ({known})")

    def _set_channels(self, user: User, names: list[str], operation: str) -> None:
        self._check_agent_operation(operation)
        for name in names:
            channel = user.channels[name]
            before = channel.document(self.center)
            if operation in DND_OPERATIONS:
                channel.do_not_disturb = operation == "DoNotDisturbOn"
            elif operation == "StartContactCenterSession":
                if channel.user_state.id == OFFLINE.id:
                    channel.user_state = self.center.agent_state("NotReady")
            elif operation == "EndContactCenterSession":
                channel.user_state = OFFLINE
            else:
                channel.user_state = self.center.agent_state(operation)
            if channel.document(self.center) != before:
                self.sink(ChannelChanged(user.id, name))
        self._route()

    def _free(self, user: User, channel: str) -> bool:
        state = user.channels.get(channel)
        if state is None or state.do_not_disturb or state.user_state.state != "Ready":  # type: ignore[union-attr]
            return False
        held = sum(
            1
            for interaction in self.interactions.values()
            if interaction.channel == channel and interaction.handling_of(user.id) is not None
        )
        return held < self.options.capacity

    # ------------------------------------------------------------------ reads

    def live(self) -> list[Interaction]:
        return [interaction for interaction in self.interactions.values() if not interaction.done]

    def of_user(self, user_id: str) -> list[Interaction]:
        return [interaction for interaction in self.live() if interaction.handling_of(user_id) is not None]

    def get(self, interaction_id: str) -> Interaction:
        interaction = self.interactions.get(interaction_id)
        if interaction is None or interaction.done:
            raise Refusal(NOT_FOUND, f"interaction {interaction_id!r} does not exist")
        return interaction

    def document(self, interaction: Interaction, user_id: str | None = None) -> dict[str, Any]:
        """The interaction as `user_id` sees it now (their state and capabilities), for GETs."""
        handling = interaction.handling_of(user_id) if user_id is not None else None
        return interaction_document(interaction, handling)

    def _handling(self, user_id: str, interaction_id: str) -> Handling:
        interaction = self.interactions.get(interaction_id)
        handling = None if interaction is None else interaction.handling_of(user_id)
        if handling is None:
            raise Refusal(NOT_FOUND, f"interaction {interaction_id!r} is not one of your interactions")
        return handling

    # ------------------------------------------------------------------ operations on /me/interactions/{id}

    def operate(
        self, user_id: str, interaction_id: str, operation: str, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run one operation; answers the fields the REST answer adds to statusCode 0 (replyInteractionId)."""
        params = dict(params or {})
        handling = self._handling(user_id, interaction_id)
        if operation not in INTERACTION_OPERATIONS:
            raise Refusal(INVALID, f"operationName: {operation!r} is not an interaction operation")
        if not handling.may(operation):
            raise read.refused(operation, handling)
        method = getattr(self, f"_op_{operation}")
        answer = method(handling, params) or {}
        self._route()
        return answer

    def _op_Accept(self, handling: Handling, params: dict[str, Any]) -> None:
        interaction = handling.interaction
        nickname = read.text(params, "nickname", empty=False)
        self._end_invitation(handling)
        handling.fire("Accept")
        if interaction.chat is not None:
            handling.nickname = nickname or self._user_name(handling.user_id)
            self._join(handling)
            handling.told = interaction.chat.latest_event_id
            self._tell(handling)
            self._broadcast(interaction, but=handling)
        else:
            self._tell(handling)

    def _op_Reject(self, handling: Handling, params: dict[str, Any]) -> None:
        self._end_invitation(handling)
        handling.fire("Reject")
        self._tell(handling, brief=True)
        self._after_invitation(handling)

    def _op_Complete(self, handling: Handling, params: dict[str, Any]) -> None:
        interaction = handling.interaction
        chat = interaction.chat
        if chat is not None:
            if handling.in_conference():
                chat.leave(self._party(handling))
            else:
                chat.end()
            self._broadcast(interaction, but=handling)
        handling.fire("Complete")
        self._tell(handling, brief=True)
        self._finish_if_unowned(interaction)

    def _op_AttachUserData(self, handling: Handling, params: dict[str, Any]) -> None:
        handling.interaction.user_data.update(read.user_data(params))
        self._properties_changed(handling.interaction)

    def _op_UpdateUserData(self, handling: Handling, params: dict[str, Any]) -> None:
        self._op_AttachUserData(handling, params)

    def _op_DeleteUserData(self, handling: Handling, params: dict[str, Any]) -> None:
        keys = params.get("userData")
        if keys is None:
            handling.interaction.user_data.clear()
        else:
            if isinstance(keys, dict):
                keys = list(keys)
            if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
                raise Refusal(INVALID, "userData must be a JSON object (its keys are deleted) or a list of keys")
            for key in keys:
                handling.interaction.user_data.pop(key, None)
        self._properties_changed(handling.interaction)

    def _op_PlaceInQueue(self, handling: Handling, params: dict[str, Any]) -> None:
        interaction = handling.interaction
        queue = read.queue(self.center, interaction.channel, read.text(params, "queueName", required=True), "queueName")
        self._leave_chat(handling)
        handling.fire("PlaceInQueue")
        self._tell(handling, brief=True)
        interaction.queue = queue.name
        self._enqueue(interaction)

    def _op_PlaceInWorkbin(self, handling: Handling, params: dict[str, Any]) -> None:
        workbin = self._workbin_param(handling.user_id, params.get("workbin"), "workbin")
        self._park(handling, workbin)

    def _op_SingleStepTransfer(self, handling: Handling, params: dict[str, Any]) -> None:
        self._transfer(handling, params, "SingleStepTransfer")

    def _op_Transfer(self, handling: Handling, params: dict[str, Any]) -> None:
        """The e-mail section's name for SingleStepTransfer; the same hand-over."""
        self._transfer(handling, params, "Transfer")

    def _transfer(self, handling: Handling, params: dict[str, Any], trigger: str) -> None:
        """The agent hands the interaction to another agent, who is invited to it (and, if the invitation
        lapses or is rejected, it waits in its queue for the next agent)."""
        target = read.agent(self.center, handling, params, "userId")
        self._leave_chat(handling)
        handling.fire(trigger)
        self._tell(handling, brief=True)
        self._invite(handling.interaction, target.id)

    def _op_SendMessage(self, handling: Handling, params: dict[str, Any]) -> None:
        text = read.text(params, "text", required=True, empty=False)
        interaction = handling.interaction
        interaction.chat.record(MESSAGE, self._party(handling), text=text)
        self._broadcast(interaction)

    def _op_SendStartTypingNotification(self, handling: Handling, params: dict[str, Any]) -> None:
        handling.interaction.chat.record(NOTICE, self._party(handling), noticeType=TYPING_STARTED)
        self._broadcast(handling.interaction)

    def _op_SendStopTypingNotification(self, handling: Handling, params: dict[str, Any]) -> None:
        handling.interaction.chat.record(NOTICE, self._party(handling), noticeType=TYPING_STOPPED)
        self._broadcast(handling.interaction)

    def _op_InviteUser(self, handling: Handling, params: dict[str, Any]) -> None:
        target = read.agent(self.center, handling, params, "agentId")
        self._invite(handling.interaction, target.id, conference=True)

    def _op_LeaveConference(self, handling: Handling, params: dict[str, Any]) -> None:
        interaction = handling.interaction
        interaction.chat.leave(self._party(handling))
        handling.fire("LeaveConference")
        self._tell(handling, brief=True)
        self._broadcast(interaction)

    def _op_EndChatSession(self, handling: Handling, params: dict[str, Any]) -> None:
        handling.interaction.chat.end()
        self._broadcast(handling.interaction)

    def _op_RequestChatHistory(self, handling: Handling, params: dict[str, Any]) -> None:
        chat = handling.interaction.chat
        start = params.get("eventId", 1)
        if isinstance(start, str) and start.isdigit():
            start = int(start)
        if isinstance(start, bool) or not isinstance(start, int) or not 1 <= start <= max(chat.latest_event_id, 1):
            raise Refusal(INVALID, f"eventId must be an event id between 1 and {chat.latest_event_id}")
        self._tell(handling, state=PROPERTIES_CHANGED, events=chat.since(start))

    def _op_Reply(self, handling: Handling, params: dict[str, Any]) -> dict[str, Any]:
        return self._reply(handling, params, to_all=False)

    def _op_ReplyAll(self, handling: Handling, params: dict[str, Any]) -> dict[str, Any]:
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
        queue = original.queue
        if params.get("queueName") is not None:
            queue = read.queue(self.center, EMAIL, read.text(params, "queueName"), "queueName").name
        reply = Interaction(
            self._new_id(),
            EMAIL,
            OUTBOUND,
            OUTBOUND_REPLY,
            queue,
            self.clock.now(),
            user_data=dict(original.user_data),
            parent_id=original.id,
            thread_id=original.thread_id,
            email=reply_to(original.email, params, to_all),
        )
        self.interactions[reply.id] = reply
        draft = Handling(reply, handling.user_id, REPLY_CREATED)
        reply.handlings.append(draft)
        self._tell(draft)
        return {"replyInteractionId": reply.id}

    def _op_Send(self, handling: Handling, params: dict[str, Any]) -> None:
        interaction = handling.interaction
        email = interaction.email
        overrides = params.get("email_object", {})
        if not isinstance(overrides, dict):
            raise Refusal(INVALID, "email_object must be a JSON object")
        names = {
            "toAddress": "to_address",
            "fromAddress": "from_address",
            "subject": "subject",
            "text": "text",
            "ccAddress": "cc_addresses",
            "bccAddress": "bcc_addresses",
        }
        for name in overrides:
            if name not in names:
                raise Refusal(INVALID, f"email_object.{name} is not a field of email_object ({', '.join(names)})")
        values = {}
        for name, attribute in names.items():
            if isinstance(overrides.get(name), str):
                values[attribute] = overrides[name]
            elif name in overrides:
                raise Refusal(INVALID, f"email_object.{name} must be a string")
        to_address = values.get("to_address", email.to_address)
        if not to_address.strip():
            raise Refusal(MISSING, "email_object.toAddress is required: the e-mail has no recipient")
        if params.get("queueName") is not None:
            interaction.queue = read.queue(self.center, EMAIL, read.text(params, "queueName"), "queueName").name
        for attribute, value in values.items():
            setattr(email, attribute, value)
        handling.fire("Send")
        self.outbox.append({"id": interaction.id, "parentId": interaction.parent_id, **email.document(interaction.id)})
        self._tell(handling, brief=True)
        self._finish_if_unowned(interaction)

    def _op_Cancel(self, handling: Handling, params: dict[str, Any]) -> None:
        handling.fire("Cancel")
        self._tell(handling, brief=True)
        self._finish_if_unowned(handling.interaction)

    # ------------------------------------------------------------------ operations on /me/interactions

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
            email=EmailContent(from_address="", to_address="", subject="", text=""),
        )
        interaction.thread_id = interaction.id
        self.interactions[interaction.id] = interaction
        handling = Handling(interaction, user_id, CREATED)
        interaction.handlings.append(handling)
        self._tell(handling)
        return interaction.id

    def pull(self, user_id: str, workbin_ref: Any, interaction_id: Any) -> None:
        """PullInteractionFromWorkbin: the interaction leaves the agent's workbin and is theirs (Pulled)."""
        workbin = self._workbin_param(user_id, workbin_ref, "uri")
        if interaction_id not in workbin.interaction_ids:
            raise Refusal(NOT_FOUND, f"uri: interaction {interaction_id!r} is not in workbin {workbin.name}")
        interaction = self.interactions[interaction_id]
        workbin.interaction_ids.remove(interaction_id)
        interaction.workbin = None
        handling = Handling(interaction, user_id, PULLED)
        interaction.handlings.append(handling)
        if interaction.chat is not None and interaction.chat.open:
            handling.nickname = self._user_name(user_id)
            self._join(handling)
            handling.told = interaction.chat.latest_event_id
        self._tell(handling)
        self._workbin_told(workbin, interaction, placed_in=False, state=PULLED)
        if interaction.chat is not None:
            self._broadcast(interaction, but=handling)
        self._route()

    # ------------------------------------------------------------------ workbins

    def workbins_of(self, user_id: str) -> list[Workbin]:
        self.center.user(user_id)
        return [self._workbin(user_id, name) for name in self.options.workbins]

    def _workbin(self, user_id: str, name: str) -> Workbin:
        key = (user_id, name)
        if key not in self._workbins:
            self._workbins[key] = Workbin(name, user_id)
        return self._workbins[key]

    def workbin(self, user_id: str, reference: str) -> Workbin:
        """One of the agent's workbins by id (or name): statusCode 6 otherwise."""
        for workbin in self.workbins_of(user_id):
            if reference in (workbin.id, workbin.name):
                return workbin
        raise Refusal(NOT_FOUND, f"workbin {reference!r} is not one of your workbins")

    def _workbin_param(self, user_id: str, reference: Any, name: str) -> Workbin:
        if reference is None:
            raise Refusal(MISSING, f"{name} is required: the id of one of your workbins")
        if not isinstance(reference, str):
            raise Refusal(INVALID, f"{name} must be a workbin id")
        try:
            return self.workbin(user_id, reference)
        except Refusal:
            raise Refusal(INVALID, f"{name}: {reference!r} is not one of your workbins") from None

    def workbin_content(self, user_id: str, reference: str) -> list[dict[str, Any]]:
        workbin = self.workbin(user_id, reference)
        name = self._user_name(user_id)
        return [workbin_item(self.interactions[ix], workbin.name, name) for ix in workbin.interaction_ids]

    def place_in_workbin(self, user_id: str, reference: str, interaction_id: Any) -> None:
        """AddInteractionToWorkbin: the same as PlaceInWorkbin on the interaction."""
        workbin = self.workbin(user_id, reference)
        if not isinstance(interaction_id, str):
            raise Refusal(MISSING if interaction_id is None else INVALID, "interactionId is required (a string)")
        handling = self._handling(user_id, interaction_id)
        if not handling.may("PlaceInWorkbin"):
            raise read.refused("PlaceInWorkbin", handling)
        self._park(handling, workbin)
        self._route()

    def subscribe(self, user_id: str, reference: str, on: bool) -> None:
        self.workbin(user_id, reference).subscribed = on

    def _park(self, handling: Handling, workbin: Workbin) -> None:
        interaction = handling.interaction
        self._leave_chat(handling)
        handling.fire("PlaceInWorkbin")
        interaction.queue = workbin.queue
        interaction.workbin = (workbin.owner, workbin.name)
        workbin.interaction_ids.append(interaction.id)
        self._tell(handling, brief=True)
        self._workbin_told(workbin, interaction, placed_in=True, state="Queued")

    def _workbin_told(self, workbin: Workbin, interaction: Interaction, placed_in: bool, state: str) -> None:
        if workbin.subscribed:
            name = self._user_name(workbin.owner)
            self.sink(WorkbinMessage(workbin.owner, workbin_message(interaction, workbin.name, name, placed_in, state)))

    # ------------------------------------------------------------------ attachments

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

    # ------------------------------------------------------------------ the world

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
        interaction = Interaction(self._new_id(), CHAT, INBOUND, INBOUND_NEW, chosen.name, self.clock.now(), data)
        interaction.thread_id = interaction.id
        visitor = Party(self._new_id(), CLIENT, nick)
        interaction.chat = ChatSession(interaction.id, visitor, topic)
        if topic:
            interaction.user_data.setdefault("Subject", topic)
        interaction.chat.join(visitor)
        if first:
            interaction.chat.record(MESSAGE, visitor, text=first)
        self.interactions[interaction.id] = interaction
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
            interaction.done = True
        self._broadcast(interaction)
        self._route()

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
            from_address=sender or "",
            to_address=recipient,
            subject=read.text(values, "subject") or "",
            text=read.text(values, "text") or "",
            cc_addresses=read.text(values, "cc") or "",
        )
        for index, (name, _mime, data) in enumerate(attachments or []):
            if len(data) > self.options.attachment_limit:
                raise Refusal(
                    INVALID,
                    f"attachments[{index}]: {name!r} is {len(data)} bytes; "
                    f"the limit is {self.options.attachment_limit} bytes",
                )
        data = read.optional_user_data(user_data)
        interaction = Interaction(self._new_id(), EMAIL, INBOUND, INBOUND_NEW, chosen.name, self.clock.now(), data)
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
        self.interactions[interaction.id] = interaction
        self._enqueue(interaction)
        self._route()
        return interaction.id

    # ------------------------------------------------------------------ routing

    def waiting(self) -> list[str]:
        return self.queues.ids()

    def _enqueue(self, interaction: Interaction, tried: set[str] | None = None, front: bool = False) -> None:
        self.queues.add(interaction.id, tried, front)

    def _route(self) -> None:
        """Offer waiting interactions to free agents; reentrant calls only ask for one more pass."""
        if self._routing:
            return
        self._routing = True
        try:
            self.queues.observe(self._free)
            for entry in self.queues.entries():
                interaction = self.interactions[entry.interaction_id]
                choice = self.queues.choose(interaction, entry)
                if choice is None:
                    continue
                self.queues.remove(entry.interaction_id)
                self._invite(interaction, choice, tried=entry.tried)
                self.queues.observe(self._free)
            self._refresh_capabilities()
        finally:
            self._routing = False

    def _invite(
        self, interaction: Interaction, user_id: str, *, conference: bool = False, tried: set[str] | None = None
    ) -> None:
        handling = Handling(interaction, user_id, INVITED)
        handling.conference = conference
        interaction.handlings.append(handling)
        handling.tried = set(tried or ())
        handling.timer = self.clock.call_later(self.options.invite_timeout, lambda: self._invitation_lapsed(handling))
        self._tell(handling, brief=True)

    def _invitation_lapsed(self, handling: Handling) -> None:
        if handling.state != INVITED:
            return
        handling.timer = None
        handling.fire("revoke")
        self._tell(handling, brief=True)
        self._after_invitation(handling)
        self._route()

    def _end_invitation(self, handling: Handling) -> None:
        if handling.timer is not None:
            handling.timer.cancel()
            handling.timer = None

    def _after_invitation(self, handling: Handling) -> None:
        """A rejected or revoked invitation: a conference invitation is simply over; an offer goes back to
        the head of its queue, for the next agent."""
        interaction = handling.interaction
        if handling.conference or interaction.live_handlings():
            return
        if interaction.chat is not None and not interaction.chat.open:
            interaction.done = True
            return
        tried = handling.tried | {handling.user_id}
        self._enqueue(interaction, tried, front=True)

    def _finish_if_unowned(self, interaction: Interaction) -> None:
        if not interaction.live_handlings() and interaction.id not in self.queues and interaction.workbin is None:
            interaction.done = True

    # ------------------------------------------------------------------ chat helpers

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

    def _properties_changed(self, interaction: Interaction) -> None:
        for handling in interaction.live_handlings():
            if handling.state != INVITED:
                events = [] if interaction.chat is not None else None
                self._tell(handling, state=PROPERTIES_CHANGED, events=events)

    def _user_name(self, user_id: str) -> str:
        user = self.center.users.get(user_id)
        return user.userName if user is not None else user_id

    # ------------------------------------------------------------------ telling

    def _tell(
        self,
        handling: Handling,
        *,
        state: str | None = None,
        events: list[dict[str, Any]] | None = None,
        brief: bool = False,
    ) -> None:
        doc = interaction_document(handling.interaction, handling, state=state, events=events, brief=brief)
        handling.told_capabilities = tuple(doc["capabilities"])
        self.sink(InteractionMessage(handling.user_id, interaction_message(doc)))

    def _refresh_capabilities(self) -> None:
        """Tell every agent whose capabilities changed through someone else's action (a conference
        invitation pending, the session ended by the visitor) their new list, as PropertiesChanged."""
        for interaction in self.live():
            for handling in interaction.live_handlings():
                if handling.state != INVITED and handling.capabilities != handling.told_capabilities:
                    events = [] if interaction.chat is not None else None
                    self._tell(handling, state=PROPERTIES_CHANGED, events=events)

    # ------------------------------------------------------------------ debugging

    def snapshot(self) -> dict[str, Any]:
        """Every live interaction with who handles it and how, the queues' waiting lists and the outbox."""
        return {
            "interactions": {
                interaction.id: {
                    "channel": interaction.channel,
                    "state": interaction.state,
                    "queue": interaction.queue,
                    "handlings": {h.user_id: h.state for h in interaction.live_handlings()},
                    "events": len(interaction.chat.events) if interaction.chat is not None else 0,
                }
                for interaction in self.live()
            },
            "waiting": self.queues.ids(),
            "outbox": list(self.outbox),
        }


# Every operation of the table has its handler here, or the module does not load.
assert set(INTERACTION_OPERATIONS) <= {name[4:] for name in dir(Multimedia) if name.startswith("_op_")}
