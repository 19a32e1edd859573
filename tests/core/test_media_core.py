"""Stories of the multimedia core on a virtual clock, without HTTP: the edges the property machine seldom
reaches (a parked chat whose visitor leaves, lapsed transfers and conference invitations)."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.center_file import load_default, parse
from simulator.core.contact_center import ContactCenterError
from simulator.core.media import InteractionMessage, MediaEvent, Multimedia
from simulator.core.refusals import Refusal
from simulator.core.voice import VirtualClock
from simulator.core.world import World


class Rig:
    def __init__(self) -> None:
        self.center = load_default()
        self.clock = VirtualClock()
        self.sent: list[MediaEvent] = []
        self.media = Multimedia(self.center, self.clock, self.sent.append)
        self.a1, self.a2, self.a3 = (
            self.center.user_named(f"agent{n}@example.com").id  # type: ignore[union-attr]
            for n in (1, 2, 3)
        )

    def ready(self, *users: str) -> None:
        for user in users:
            self.media.user_operate(user, "StartContactCenterSession")
            self.media.user_operate(user, "Ready")
        self.sent.clear()

    def told(self, user: str) -> list[dict[str, Any]]:
        mine = [e.data["interaction"] for e in self.sent if isinstance(e, InteractionMessage) and e.user_id == user]
        self.sent[:] = [e for e in self.sent if not (isinstance(e, InteractionMessage) and e.user_id == user)]
        return mine


@pytest.fixture
def rig() -> Rig:
    return Rig()


def test_a_parked_chat_whose_visitor_leaves_stays_in_the_workbin_to_be_pulled(rig: Rig) -> None:
    rig.ready(rig.a3)
    chat = rig.media.start_chat("Web chat", "Vera", text="hi")
    rig.media.operate(rig.a3, chat, "Accept")
    rig.media.operate(rig.a3, chat, "PlaceInWorkbin", {"workbin": "InProgress"})
    rig.media.visitor_leave(chat)
    assert rig.media.get(chat).state == "Queued"  # still going on, parked
    [item] = rig.media.workbin_content(rig.a3, "InProgress")
    assert item["InteractionId"] == chat
    rig.told(rig.a3)
    rig.media.pull(rig.a3, rig.media.workbin(rig.a3, "InProgress").id, chat)
    [pulled] = rig.told(rig.a3)
    assert pulled["state"] == "Pulled" and "SendMessage" not in pulled["capabilities"]
    assert pulled["content"]["events"][-1]["messageType"] == "PARTY_LEFT"
    assert [interaction.id for interaction in rig.media.of_user(rig.a3)] == [chat]
    rig.media.operate(rig.a3, chat, "Complete")
    assert rig.media.live() == []


def test_a_transfer_not_accepted_in_time_goes_back_to_the_queue(rig: Rig) -> None:
    rig.ready(rig.a3)
    email = rig.media.receive_email("Support mailbox", "pat@example.org", None, "Hi", "text")
    rig.media.operate(rig.a3, email, "Accept")
    rig.media.operate(rig.a3, email, "Transfer", {"userId": "agent2@example.com"})
    assert [doc["state"] for doc in rig.told(rig.a2)] == ["Invited"]
    rig.told(rig.a3)
    rig.clock.advance(30)
    assert [doc["state"] for doc in rig.told(rig.a2)] == ["Revoked"]
    assert [doc["state"] for doc in rig.told(rig.a3)] == ["Invited"]  # back in the queue: a3 is Ready


def test_a_lapsed_conference_invitation_leaves_the_owner_alone_and_told(rig: Rig) -> None:
    rig.ready(rig.a3)
    chat = rig.media.start_chat("Web chat", "Vera")
    rig.media.operate(rig.a3, chat, "Accept")
    rig.told(rig.a3)
    rig.media.operate(rig.a3, chat, "InviteUser", {"agentId": rig.a1})
    [changed] = rig.told(rig.a3)  # an invitation pending: no second invitation, no transfer
    assert "InviteUser" not in changed["capabilities"] and "SingleStepTransfer" not in changed["capabilities"]
    rig.clock.advance(30)
    assert [doc["state"] for doc in rig.told(rig.a1)] == ["Invited", "Revoked"]
    [again] = rig.told(rig.a3)
    assert "InviteUser" in again["capabilities"] and again["state"] == "PropertiesChanged"
    assert rig.media.waiting() == []


def test_a_rejected_offer_goes_to_the_next_agent_and_back_when_nobody_else_is_free(rig: Rig) -> None:
    rig.ready(rig.a1, rig.a3)
    email = rig.media.receive_email("Support mailbox", "pat@example.org", None, "Hi", "text")
    rig.media.operate(rig.a3, email, "Reject")
    assert [doc["state"] for doc in rig.told(rig.a1)] == ["Invited"]
    rig.media.operate(rig.a1, email, "Reject")
    assert [doc["state"] for doc in rig.told(rig.a3)] == ["Invited", "Rejected", "Invited"]


def test_a_refused_operation_tells_nobody_and_changes_nothing(rig: Rig) -> None:
    rig.ready(rig.a3)
    chat = rig.media.start_chat("Web chat", "Vera")
    before, pending = rig.media.snapshot(), rig.clock.pending()
    rig.sent.clear()
    for operation, params in (("Complete", {}), ("SendMessage", {"text": "x"}), ("Accept", {"nickname": 5})):
        with pytest.raises(Refusal):
            rig.media.operate(rig.a3, chat, operation, params)
    assert rig.sent == [] and rig.media.snapshot() == before and rig.clock.pending() == pending


MULTIMEDIA_CENTER = """\
users:
  - {userName: a@example.com, password: password, skills: [{name: Support, level: 1}]}
skills: [{name: Support}]
queues:
  - {name: Mail, channel: email, internal: true, skills: [Support]}
multimedia: {inviteTimeout: 5, attachmentLimit: 100, capacity: 2}
"""


def test_the_contact_center_file_sets_the_multimedia_options_which_survive_a_reset() -> None:
    world = World(parse(MULTIMEDIA_CENTER, "center.yaml"), VirtualClock())
    options = world.media.options
    assert (options.invite_timeout, options.attachment_limit, options.capacity) == (5.0, 100, 2)
    world.media.configure({"inviteTimeout": 60})
    world.reset()
    assert world.media.options.invite_timeout == 5.0


@pytest.mark.parametrize(
    ("section", "words"),
    [("{inviteTimeout: 0}", "inviteTimeout must be above 0"), ("{capacity: 0}", "capacity must be 1 or more"),
     ("{invite: 3}", "invite")],
)  # fmt: skip
def test_a_bad_multimedia_section_is_reported_at_its_line(section: str, words: str) -> None:
    text = MULTIMEDIA_CENTER.replace("{inviteTimeout: 5, attachmentLimit: 100, capacity: 2}", section)
    with pytest.raises(ContactCenterError) as problem:
        parse(text, "center.yaml")
    assert "center.yaml:6:" in str(problem.value) and words in str(problem.value)
