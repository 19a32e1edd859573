"""An interaction (a chat or an e-mail) and one agent's part in it, with the machine of that part as a table.

Reading of the reference: an interaction has one `id` and is owned by the agent who accepted it until
they complete, transfer or place it elsewhere; in a chat conference a second agent takes part. Each
agent's part is a `Handling`, the model of `HANDLING_TRANSITIONS`, as a call leg is the model of the
voice tables:

- capitalised triggers are the operations a client posts on `/me/interactions/{id}`; lower-case ones are
  what the contact center does (an invitation revoked when its time is up) and are never advertised;
- the conditions read the interaction (its channel, whether the chat session goes on, who else takes
  part), so `capabilities` is computed from the table and can never disagree with what is accepted.

States a handling goes through: Invited, then Accepted (or Pulled from a workbin) for an inbound
interaction; ReplyCreated (a reply) or Created (a new e-mail) for an outbound draft. The other states are
final: the handling is reported once in them, with no capabilities, and then forgotten.

What each operation does once the table allows it is the row of that operation in `operations.HANDLERS`
(one handler per operation, in this table's order; the module checks both list the same operations).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..machine import TableMachine

if TYPE_CHECKING:
    from ..routing.offers import Offer  # an invitation is a timed offer

INVITED = "Invited"
ACCEPTED = "Accepted"
PULLED = "Pulled"
REPLY_CREATED = "ReplyCreated"
CREATED = "Created"
# final states
COMPLETED = "Completed"
REJECTED = "Rejected"
REVOKED = "Revoked"
TRANSFERRED = "Transferred"
PLACED_IN_QUEUE = "PlacedInQueue"
PLACED_IN_WORKBIN = "PlacedInWorkbin"
LEFT = "LeftConference"
SENT = "Sent"
CANCELLED = "Cancelled"

WORKING = (ACCEPTED, PULLED)  # an inbound interaction the agent works on
DRAFTS = (REPLY_CREATED, CREATED)  # an outbound e-mail the agent composes
OWNED = (*WORKING, *DRAFTS)
LIVE_STATES = (INVITED, *OWNED)
FINAL_STATES = (COMPLETED, REJECTED, REVOKED, TRANSFERRED, PLACED_IN_QUEUE, PLACED_IN_WORKBIN, LEFT, SENT, CANCELLED)

CHAT = "chat"
EMAIL = "email"
MEDIA_CHANNELS = (CHAT, EMAIL)

INBOUND = "Inbound"
OUTBOUND = "Outbound"
INBOUND_NEW = "InboundNew"
OUTBOUND_REPLY = "OutboundReply"
OUTBOUND_NEW = "OutboundNew"

USER_DATA_OPERATIONS = ("AttachUserData", "UpdateUserData", "DeleteUserData")

# fmt: off
HANDLING_TRANSITIONS: list[dict[str, Any]] = [
    # operation                          from              to                 only if
    {"trigger": "Accept",                      "source": INVITED,      "dest": ACCEPTED},
    {"trigger": "Reject",                      "source": INVITED,      "dest": REJECTED},
    {"trigger": "Complete",                    "source": list(WORKING), "dest": COMPLETED},
    {"trigger": "AttachUserData",              "source": list(OWNED),  "dest": None},
    {"trigger": "UpdateUserData",              "source": list(OWNED),  "dest": None},
    {"trigger": "DeleteUserData",              "source": list(OWNED),  "dest": None},
    {"trigger": "PlaceInQueue",                "source": list(OWNED),  "dest": PLACED_IN_QUEUE,   "conditions": "sole_agent"},  # noqa: E501
    {"trigger": "PlaceInWorkbin",              "source": list(OWNED),  "dest": PLACED_IN_WORKBIN, "conditions": "sole_agent"},  # noqa: E501
    {"trigger": "SingleStepTransfer",          "source": list(WORKING), "dest": TRANSFERRED,      "conditions": "sole_agent"},  # noqa: E501
    {"trigger": "Transfer",                    "source": list(WORKING), "dest": TRANSFERRED,      "conditions": "sole_agent"},  # noqa: E501
    # chat
    {"trigger": "SendMessage",                 "source": list(WORKING), "dest": None, "conditions": ["is_chat", "session_open"]},  # noqa: E501
    {"trigger": "SendStartTypingNotification", "source": list(WORKING), "dest": None, "conditions": ["is_chat", "session_open"]},  # noqa: E501
    {"trigger": "SendStopTypingNotification",  "source": list(WORKING), "dest": None, "conditions": ["is_chat", "session_open"]},  # noqa: E501
    {"trigger": "InviteUser",                  "source": list(WORKING), "dest": None, "conditions": ["is_chat", "session_open", "sole_agent"]},  # noqa: E501
    {"trigger": "LeaveConference",             "source": list(WORKING), "dest": LEFT, "conditions": ["is_chat", "in_conference"]},  # noqa: E501
    {"trigger": "EndChatSession",              "source": list(WORKING), "dest": None, "conditions": ["is_chat", "session_open", "sole_agent"]},  # noqa: E501
    {"trigger": "RequestChatHistory",          "source": list(WORKING), "dest": None, "conditions": "is_chat"},
    # e-mail
    {"trigger": "Reply",                       "source": list(WORKING), "dest": None, "conditions": "is_inbound_email"},  # noqa: E501
    {"trigger": "ReplyAll",                    "source": list(WORKING), "dest": None, "conditions": "is_inbound_email"},  # noqa: E501
    {"trigger": "Send",                        "source": list(DRAFTS),  "dest": SENT},
    {"trigger": "UpdateProperties",            "source": list(DRAFTS),  "dest": None},
    {"trigger": "Cancel",                      "source": list(DRAFTS),  "dest": CANCELLED},
    # what the contact center does
    {"trigger": "revoke",                      "source": INVITED,      "dest": REVOKED},
]
# fmt: on

HANDLING_MACHINE = TableMachine([*LIVE_STATES, *FINAL_STATES], HANDLING_TRANSITIONS, INVITED, "state")

# Every operation a client may post on /me/interactions/{id}, in the order capabilities are listed.
INTERACTION_OPERATIONS: tuple[str, ...] = tuple(
    dict.fromkeys(row["trigger"] for row in HANDLING_TRANSITIONS if row["trigger"][0].isupper())
)


# The reference's chat examples spell some operations their own way (an accepted chat offers `Send`,
# `StopProcessing`, `LeaveChat`, `SingleStepConference`): on a chat each spelling is the operation it names
# here, accepted and advertised beside it. (`Send` of an e-mail draft is the e-mail's own operation.)
CHAT_SPELLINGS: dict[str, str] = {
    "Send": "SendMessage",
    "StopProcessing": "Complete",
    "LeaveChat": "LeaveConference",
    "SingleStepConference": "InviteUser",
}


@functools.cache
def _candidates(state: str) -> tuple[str, ...]:
    """The operations with a row from `state`: only their conditions need checking."""
    return tuple(name for name in INTERACTION_OPERATIONS if HANDLING_MACHINE.leaves(state, name))


class Handling:
    """One agent's part in an interaction: the model of `HANDLING_MACHINE`.

    `joined` says whether the agent has joined the chat session (a PARTY_JOINED event was recorded), and
    `told` how far into the chat history the agent has been told, so each event is sent to them once.
    """

    state: str

    def __init__(self, interaction: Interaction, user_id: str, initial: str, nickname: str = "") -> None:
        self.interaction = interaction
        self.user_id = user_id
        self.nickname = nickname
        self.joined = False
        self.told = 0
        self.offer: Offer | None = None  # the invitation, revoked when its time is up
        self.conference = False  # invited by another agent to join a chat
        self.told_capabilities: tuple[str, ...] = ()  # the capabilities the agent was last told
        HANDLING_MACHINE.attach(self, initial)

    @property
    def live(self) -> bool:
        return self.state in LIVE_STATES

    def may(self, operation: str) -> bool:
        return HANDLING_MACHINE.allows(self, operation)

    def spelled(self, operation: str) -> str:
        """The operation `operation` names here: a chat spelling of the reference's examples, or itself."""
        return CHAT_SPELLINGS.get(operation, operation) if self.interaction.channel == CHAT else operation

    def fire(self, trigger: str) -> None:
        """Run a transition already checked; a refusal here is a bug, not a client error."""
        if not getattr(self, trigger)():
            raise AssertionError(f"{trigger} refused on {self.interaction.id} for {self.user_id} in {self.state}")

    @property
    def capabilities(self) -> tuple[str, ...]:
        if not self.live:
            return ()
        ours = tuple(name for name in _candidates(self.state) if self.may(name))
        if self.interaction.channel != CHAT:
            return ours
        return ours + tuple(spelling for spelling, name in CHAT_SPELLINGS.items() if name in ours)

    # conditions named in the table

    def is_chat(self) -> bool:
        return self.interaction.channel == CHAT

    def is_inbound_email(self) -> bool:
        return self.interaction.channel == EMAIL and self.interaction.type == INBOUND

    def session_open(self) -> bool:
        chat = self.interaction.chat
        return chat is not None and chat.open

    def sole_agent(self) -> bool:
        """No other agent takes part or is being invited: transfers, parking and conferencing need that."""
        return all(other is self for other in self.interaction.live_handlings())

    def in_conference(self) -> bool:
        others = [other for other in self.interaction.live_handlings() if other is not self]
        return any(other.state in WORKING for other in others)


@dataclass(eq=False)
class Interaction:
    """A chat or e-mail interaction: identity, queue, attached data, content, and the agents on it."""

    id: str
    channel: str
    type: str
    sub_type: str
    queue: str  # the queue (or workbin queue) it is in or was last routed from
    created_at: float
    # The id of the contact center's queue it last entered (a workbin's queue is none): where an invitation
    # rejected or lapsed sends it back, under the name that queue has by then (see `Invitations`).
    queue_id: str | None = None
    user_data: dict[str, Any] = field(default_factory=dict)
    handlings: list[Handling] = field(default_factory=list)
    parent_id: str | None = None
    thread_id: str = ""
    chat: Any = None  # a ChatSession for chats
    email: Any = None  # an EmailContent for e-mails
    workbin: tuple[str, str] | None = None  # (owner user id, workbin name) while parked
    parked_at: float | None = None  # when it was last placed in a workbin
    skill: str | None = None  # the skill a transfer routes it to (its holders take it), instead of its queue
    done: bool = False

    def live_handlings(self) -> list[Handling]:
        return [handling for handling in self.handlings if handling.live]

    def handling_of(self, user_id: str) -> Handling | None:
        for handling in self.handlings:
            if handling.user_id == user_id and handling.live:
                return handling
        return None

    @property
    def state(self) -> str:
        """The interaction's own state, as anyone not handling it sees it (GET /interactions/{id})."""
        if self.done:
            return COMPLETED
        live = self.live_handlings()
        if any(handling.state != INVITED for handling in live):
            return next(handling.state for handling in live if handling.state != INVITED)
        if live:
            return INVITED
        return "Queued"
