"""The documents of the multimedia core, with the field names of the reference's examples.

An InteractionStateMessage wraps the `interaction` object, as the reference's Accepted and Invite
examples do (its Revoked and chat Invited examples show the same fields flat; one shape is kept).
The interaction object carries `id`, `channel`, `type`, `subType`, `state`, `capabilities`, `userData`,
`currentQueue`, `threadId`, `parentId` for a reply, and `content`: for an e-mail its addresses, subject
and text; for a chat `sessionId`, `latestEventId` and `events`.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

from .interaction import Handling, Interaction

INTERACTION_STATE_MESSAGE = "InteractionStateMessage"


def interaction_document(
    interaction: Interaction,
    handling: Handling | None,
    *,
    state: str | None = None,
    events: list[dict[str, Any]] | None = None,
    brief: bool = False,
) -> dict[str, Any]:
    """The `interaction` object as `handling`'s agent sees it (or anyone, without a handling).

    `state` overrides the state shown (PropertiesChanged); `events` are the chat events to carry (the
    whole history when not given); `brief` keeps `content` to the id, as the reference's Invite does.
    """
    doc: dict[str, Any] = {
        "id": interaction.id,
        "channel": interaction.channel,
        "type": interaction.type,
        "subType": interaction.sub_type,
        "state": state or (handling.state if handling is not None else interaction.state),
        "capabilities": list(handling.capabilities) if handling is not None else [],
        "userData": copy.deepcopy(interaction.user_data),
        "currentQueue": interaction.queue,
        "threadId": interaction.thread_id,
    }
    if interaction.parent_id is not None:
        doc["parentId"] = interaction.parent_id
    if brief:
        doc["content"] = {"interactionId": interaction.id}
    elif interaction.chat is not None:
        chat = interaction.chat
        doc["content"] = {
            "sessionId": chat.session_id,
            "latestEventId": chat.latest_event_id,
            "events": chat.since(1) if events is None else events,
        }
    elif interaction.email is not None:
        doc["content"] = interaction.email.document(interaction.id)
    return doc


def interaction_message(interaction_doc: dict[str, Any]) -> dict[str, Any]:
    return {"messageType": INTERACTION_STATE_MESSAGE, "interaction": interaction_doc}


def iso_time(seconds: float) -> str:
    """A time of the simulator's clock as the reference's workbin properties spell it (a virtual clock
    starts at the epoch)."""
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def workbin_item(interaction: Interaction, workbin: str, agent_name: str) -> dict[str, Any]:
    """One entry of GetWorkbinContent: the interaction's properties flat, attached data included, with the
    property names of the reference's example. Its routing strategy's keys (R..., CBR-...) and the
    Interaction Server's sequence numbers are not simulated and not shown."""
    item: dict[str, Any] = copy.deepcopy(interaction.user_data)
    received = iso_time(interaction.created_at)
    placed = iso_time(interaction.parked_at if interaction.parked_at is not None else interaction.created_at)
    item.update(
        {
            "InteractionId": interaction.id,
            "MediaType": interaction.channel,
            "InteractionType": interaction.type,
            "InteractionSubtype": interaction.sub_type,
            "InteractionState": 0,
            "Queue": interaction.queue,
            "Workbin": workbin,
            "WorkbinAgentId": agent_name,
            "AssignedTo": agent_name,
            "ParentId": interaction.parent_id or "",
            "InQueues": {},
            "OutQueues": {},
            "IsHeld": 0,
            "IsLocked": 0,
            "IsOnline": int(interaction.chat is not None and interaction.chat.open),
            "TenantId": 1,
            "ServiceType": "default",
            "CustomerSegment": "default",
            "ServiceObjective": 0,
            "SubmittedBy": "gws-simulator",
            "ReceivedAt": received,
            "SubmittedAt": received,
            "DeliveredAt": placed,
            "AssignedAt": placed,
            "PlacedInQueueAt": placed,
            "MovedToQueueAt": placed,
            "Origination_Source": "Email" if interaction.email is not None else "Chat",
            "ContactId": "",
        }
    )
    if interaction.email is not None:
        email = interaction.email
        names = [attachment.name for attachment in email.attachments]
        item.update(
            {
                "Subject": email.subject,
                "FromAddress": email.from_address,
                "FromPersonal": "",
                "EmailAddress": email.from_address,
                "To": email.to_address,
                "Mailbox": email.to_address.partition("@")[0],
                "_ContainsAttachment": "true" if names else "false",
                "_AttachmentsSize": str(sum(len(attachment.data) for attachment in email.attachments)),
                "_AttachmentFileNames": ",".join(names),
                "_AutoReplyCount": 0,
            }
        )
    elif interaction.chat is not None:
        item["Subject"] = interaction.chat.subject
    return item


def workbin_message(
    interaction: Interaction, workbin: str, agent_name: str, placed_in: bool, state: str
) -> dict[str, Any]:
    """The reference's workbinNotificationResource for an interaction placed in or taken out of a workbin."""
    return {
        "messageType": "workbinNotificationResource",
        "operation": "Create" if placed_in else "Delete",
        "workbinContentOperation": "PlacedIn" if placed_in else "TakenOut",
        "interaction": {
            "userData": copy.deepcopy(interaction.user_data),
            "currentQueue": interaction.queue,
            "interactionSubType": interaction.sub_type,
            "state": state,
            "parentId": interaction.parent_id or "",
            "id": interaction.id,
            "channel": interaction.channel,
            "interactionType": interaction.type,
        },
        "workbinInfo": {
            "workbinTypeId": workbin,
            "workbinGroupId": None,
            "workbinPlaceGroupId": None,
            "workbinAgentId": agent_name,
            "workbinPlaceId": None,
        },
        "actorInfo": {"agentId": agent_name, "actorMediaServerId": None, "actorType": "Agent", "actorPlaceId": None},
        # The reference's example gives a reason number, name and description; the agent's action has none of
        # its own, so the reason says what it was.
        "reasonInfo": {
            "reason": 0,
            "reasonName": "PlacedIn" if placed_in else "TakenOut",
            "reasonDescription": f"placed in {workbin} by {agent_name}" if placed_in else f"pulled by {agent_name}",
        },
    }
