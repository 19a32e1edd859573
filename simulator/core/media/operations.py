"""The operations an agent posts on an interaction (`/me/interactions/{id}`): dispatch through one table of
handlers (`HANDLERS`, one row per operation of `interaction.HANDLING_TRANSITIONS`), and the handlers of
the operations every channel has: accepting, rejecting, completing, attached data, placing in a queue and
transferring. The chat, e-mail and workbin operations are handled beside their concepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..refusals import INVALID, Refusal
from . import params as read
from .chat_work import ChatWork
from .email_work import EmailWork
from .engine_state import MediaEngine
from .interaction import INTERACTION_OPERATIONS, Handling
from .parking import Parking

# What a handler is handed: the engine, the agent's part in the interaction (its state already checked
# against the table) and the operation's parameters; it answers the fields the REST answer adds, if any.
Handler = Callable[[Any, Handling, dict[str, Any]], "dict[str, Any] | None"]


class InteractionOperations(MediaEngine):
    """Running an agent's operation on one of their interactions."""

    def operate(
        self, user_id: str, interaction_id: str, operation: str, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run one operation; answers the fields the REST answer adds to statusCode 0 (replyInteractionId)."""
        params = dict(params or {})
        handling = self._handling(user_id, interaction_id)
        operation = handling.spelled(operation)
        if operation not in INTERACTION_OPERATIONS:
            raise Refusal(INVALID, f"operationName: {operation!r} is not an interaction operation")
        if not handling.may(operation):
            raise read.refused(operation, handling)
        answer = HANDLERS[operation](self, handling, params) or {}
        self._touch(handling.interaction)
        self._route()
        return answer

    def _accept(self, handling: Handling, params: dict[str, Any]) -> None:
        interaction = handling.interaction
        nickname = read.text(params, "nickname", empty=False)
        self._end_invitation(handling)
        handling.fire("Accept")
        self._answered(interaction, handling.user_id)
        if interaction.chat is not None:
            handling.nickname = nickname or self._user_name(handling.user_id)
            self._join(handling)
            handling.told = interaction.chat.latest_event_id
            self._tell(handling)
            self._broadcast(interaction, but=handling)
        else:
            self._tell(handling)

    def _reject(self, handling: Handling, params: dict[str, Any]) -> None:
        self._end_invitation(handling)
        handling.fire("Reject")
        self._tell(handling, brief=True)
        self._after_invitation(handling)

    def _complete(self, handling: Handling, params: dict[str, Any]) -> None:
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

    def _attach_user_data(self, handling: Handling, params: dict[str, Any]) -> None:
        handling.interaction.user_data.update(read.user_data(params))
        self._properties_changed(handling.interaction)

    def _update_user_data(self, handling: Handling, params: dict[str, Any]) -> None:
        self._attach_user_data(handling, params)

    def _delete_user_data(self, handling: Handling, params: dict[str, Any]) -> None:
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

    def _place_in_queue(self, handling: Handling, params: dict[str, Any]) -> None:
        interaction = handling.interaction
        queue = read.queue(self.center, interaction.channel, read.text(params, "queueName", required=True), "queueName")
        self._leave_chat(handling)
        handling.fire("PlaceInQueue")
        self._tell(handling, brief=True)
        interaction.queue, interaction.queue_id = queue.name, queue.id
        interaction.skill = None
        self._enqueue(interaction)

    def _single_step_transfer(self, handling: Handling, params: dict[str, Any]) -> None:
        self._transfer(handling, params, "SingleStepTransfer")

    def _email_transfer(self, handling: Handling, params: dict[str, Any]) -> None:
        """The e-mail section's name for SingleStepTransfer; the same hand-over."""
        self._transfer(handling, params, "Transfer")

    def _transfer(self, handling: Handling, params: dict[str, Any], trigger: str) -> None:
        """The agent hands the interaction over: to another agent (`userId`), who is invited to it (and,
        if the invitation lapses or is rejected, it waits in its queue for the next agent); to a queue
        (`queueName`), where it waits as after PlaceInQueue; or to the agents holding a skill (`skill`,
        its name or id), the "group of agents associated with a skill" of the reference."""
        interaction = handling.interaction
        given = [name for name in ("userId", "queueName", "skill") if params.get(name) is not None]
        if len(given) > 1:
            raise Refusal(INVALID, f"give one of userId, queueName and skill, not {' and '.join(given)}")
        target = given[0] if given else "userId"
        if target == "userId":
            agent = read.agent(self.center, handling, params, "userId")
        elif target == "queueName":
            queue = read.queue(self.center, interaction.channel, read.text(params, "queueName"), "queueName")
        else:
            skill = read.skill(self.center, params, "skill")
        self._leave_chat(handling)
        handling.fire(trigger)
        self._tell(handling, brief=True)
        interaction.skill = None
        if target == "userId":
            self._invite(interaction, agent.id)
            return
        if target == "queueName":
            interaction.queue, interaction.queue_id = queue.name, queue.id
        else:
            interaction.skill = skill.name
        self._enqueue(interaction)


# fmt: off
# One row per operation of `interaction.HANDLING_TRANSITIONS` a client may post, in the same order.
HANDLER_ROWS: tuple[tuple[str, Handler], ...] = (
    ("Accept",                      InteractionOperations._accept),
    ("Reject",                      InteractionOperations._reject),
    ("Complete",                    InteractionOperations._complete),
    ("AttachUserData",              InteractionOperations._attach_user_data),
    ("UpdateUserData",              InteractionOperations._update_user_data),
    ("DeleteUserData",              InteractionOperations._delete_user_data),
    ("PlaceInQueue",                InteractionOperations._place_in_queue),
    ("PlaceInWorkbin",              Parking._place_in_workbin),
    ("SingleStepTransfer",          InteractionOperations._single_step_transfer),
    ("Transfer",                    InteractionOperations._email_transfer),
    ("SendMessage",                 ChatWork._send_message),
    ("SendStartTypingNotification", ChatWork._start_typing),
    ("SendStopTypingNotification",  ChatWork._stop_typing),
    ("InviteUser",                  ChatWork._invite_user),
    ("LeaveConference",             ChatWork._leave_conference),
    ("EndChatSession",              ChatWork._end_chat_session),
    ("RequestChatHistory",          ChatWork._request_chat_history),
    ("Reply",                       EmailWork._reply_to_sender),
    ("ReplyAll",                    EmailWork._reply_to_all),
    ("Send",                        EmailWork._send),
    ("UpdateProperties",            EmailWork._update_properties),
    ("Cancel",                      EmailWork._cancel),
)
# fmt: on
HANDLERS: dict[str, Handler] = dict(HANDLER_ROWS)

# Every operation of the table has exactly one handler here, or the module does not load.
assert tuple(name for name, _handler in HANDLER_ROWS) == INTERACTION_OPERATIONS, "HANDLER_ROWS out of step"
