"""Property tests of the chat and e-mail machines: random agent operations, visitors, e-mails and clock
moves thrown at one multimedia engine on a virtual clock.

The invariants are those of the voice machines: an operation listed in the capabilities (with valid
parameters) is accepted; any other is refused with nothing changed and nobody told; every agent's last
message about an interaction lists the capabilities it has now; and every agent on a chat (a conference
included) has been told the same event history, in the same order, with no gap and no repeat. At the end,
the accepted inputs replayed on a fresh engine give the same notifications: the core is deterministic.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from simulator.center_file import load_default
from simulator.core.media import CHAT_SPELLINGS, INTERACTION_OPERATIONS, InteractionMessage, MediaEvent, Multimedia
from simulator.core.media.interaction import WORKING
from simulator.core.refusals import Refusal
from simulator.core.voice import VirtualClock

AGENTS = ("agent1@example.com", "agent2@example.com", "agent3@example.com")


class MediaMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.center = load_default()
        self.clock = VirtualClock()
        self.sent: list[MediaEvent] = []
        self.everything: list[MediaEvent] = []
        self.inputs: list[tuple[str, tuple[Any, ...]]] = []  # what was accepted, to replay
        self.media = Multimedia(self.center, self.clock, self._sink)
        self.users = [self.center.user_named(name).id for name in AGENTS]  # type: ignore[union-attr]
        self.history: dict[tuple[str, str], list[int]] = {}  # (user, interaction) -> event ids told
        self.last: dict[tuple[str, str], dict[str, Any]] = {}  # (user, interaction) -> last document told
        self.ids: list[str] = []
        for user_id in self.users:
            self._do("user_operate", user_id, "StartContactCenterSession")
            self._do("user_operate", user_id, "Ready")
        self._take()

    def _sink(self, event: MediaEvent) -> None:
        self.sent.append(event)
        self.everything.append(event)

    def _do(self, name: str, *args: Any) -> Any:
        """Call the engine (or advance the clock), and remember the input once it was accepted."""
        target = self.clock.advance if name == "advance" else getattr(self.media, name)
        answer = target(*args)
        self.inputs.append((name, args))
        return answer

    def teardown(self) -> None:
        center, clock, sent = load_default(), VirtualClock(), []
        media = Multimedia(center, clock, sent.append)
        for name, args in self.inputs:
            (clock.advance if name == "advance" else getattr(media, name))(*args)
        assert sent == self.everything

    def _take(self, replay: bool = False, routed: bool = True) -> None:
        """Record what the agents were told since the last look. Invitations made by routing (not by an
        agent's transfer or conference) go only to agents Ready on the channel, not in Do Not Disturb."""
        for event in self.sent:
            if not isinstance(event, InteractionMessage):
                continue
            doc = event.data["interaction"]
            key = (event.user_id, doc["id"])
            if routed and doc["state"] == "Invited":
                channel = self.center.users[event.user_id].channels[doc["channel"]]
                assert channel.user_state.state == "Ready" and not channel.do_not_disturb  # type: ignore[union-attr]
            self.last[key] = doc
            events = doc.get("content", {}).get("events")
            if events is None or replay:
                continue
            ids = [item["id"] for item in events]
            if doc["state"] in ("Accepted", "Pulled"):
                self.history[key] = ids
            elif doc["state"] == "PropertiesChanged":
                self.history.setdefault(key, []).extend(ids)
        self.sent.clear()

    # ------------------------------------------------------------------ the world

    @rule(text=st.sampled_from([None, "hi"]))
    def chat_arrives(self, text: str | None) -> None:
        self.ids.append(self._do("start_chat", "Web chat", "Vera", "Help", text))
        self._take()

    @rule()
    def email_arrives(self) -> None:
        self.ids.append(self._do("receive_email", "Support mailbox", "pat@example.org", None, "Hi", "a\nb"))
        self._take()

    @rule(index=st.integers(0, 20), what=st.sampled_from(["send", "type", "stop", "leave"]))
    def visitor(self, index: int, what: str) -> None:
        if not self.ids:
            return
        chat_id = self.ids[index % len(self.ids)]
        try:
            if what == "send":
                self._do("visitor_send", chat_id, "question")
            elif what == "leave":
                self._do("visitor_leave", chat_id)
            else:
                self._do("visitor_typing", chat_id, what == "type")
        except Refusal:
            assert not self.sent
        self._take()

    @rule(seconds=st.sampled_from([1.0, 10.0, 31.0]))
    def time_passes(self, seconds: float) -> None:
        self._do("advance", seconds)
        self._take()

    # ------------------------------------------------------------------ the agents

    @rule(index=st.integers(0, 50), choice=st.integers(0, 50), pick=st.integers(0, 2), chats=st.booleans())
    def agent_uses_a_capability(self, index: int, choice: int, pick: int, chats: bool) -> None:
        """One of the operations some agent is offered now, on one of their interactions (on chats only,
        half the time, so that conferences happen)."""
        offered = [
            (handling, name)
            for interaction in self.media.live()
            if not chats or interaction.chat is not None
            for handling in interaction.live_handlings()
            for name in handling.capabilities
        ]
        if not offered:
            return
        handling, operation = offered[(index * 7 + choice) % len(offered)]
        ids = [*self.ids, *(i for i in self.media.interactions if i not in self.ids)]
        self.agent_operates(self.users.index(handling.user_id), ids.index(handling.interaction.id), operation, pick)

    @rule(pick=st.integers(0, 2))
    def conference(self, pick: int) -> None:
        """An agent alone on a chat invites another, who accepts: both are then on it."""
        for interaction in self.media.live():
            [*handlings] = interaction.live_handlings()
            if len(handlings) == 1 and "InviteUser" in handlings[0].capabilities:
                owner = handlings[0].user_id
                guest = [user for user in self.users if user != owner][pick % 2]
                self.agent_operates(self.users.index(owner), self._index(interaction.id), "InviteUser", pick % 2)
                invited = interaction.handling_of(guest) or next(iter(interaction.live_handlings()[1:]), None)
                if invited is not None:
                    self.agent_operates(self.users.index(invited.user_id), self._index(interaction.id), "Accept", 0)
                    if pick == 2:
                        self.agent_operates(self.users.index(owner), self._index(interaction.id), "LeaveConference", 0)
                return

    def _index(self, interaction_id: str) -> int:
        return [*self.ids, *(i for i in self.media.interactions if i not in self.ids)].index(interaction_id)

    @rule(
        agent=st.integers(0, 2),
        index=st.integers(0, 20),
        operation=st.sampled_from((*INTERACTION_OPERATIONS, *CHAT_SPELLINGS)),
        pick=st.integers(0, 2),
    )
    def agent_operates(self, agent: int, index: int, operation: str, pick: int) -> None:
        """Any operation by any agent on any interaction: accepted exactly when it is a capability."""
        ids = self.ids + [i for i in self.media.interactions if i not in self.ids]
        if not ids:
            return
        user_id = self.users[agent]
        interaction_id = ids[index % len(ids)]
        interaction = self.media.interactions[interaction_id]
        handling = interaction.handling_of(user_id)
        params = self._params(operation, interaction, user_id, pick)
        allowed = handling is not None and operation in handling.capabilities and params is not None
        before = copy.deepcopy(self.media.snapshot())
        pending = self.clock.pending()
        try:
            answer = self._do("operate", user_id, interaction_id, operation, params or {})
        except Refusal as refusal:
            assert not allowed, (operation, refusal.message)
            assert refusal.code in (2, 6) if params is not None else refusal.code in (1, 2, 6)
            assert self.media.snapshot() == before and self.clock.pending() == pending
            assert not self.sent
            return
        assert allowed, (operation, handling and handling.state)
        if "replyInteractionId" in answer:
            self.ids.append(answer["replyInteractionId"])
        self._take(
            replay=operation == "RequestChatHistory",
            routed=operation not in ("InviteUser", "SingleStepConference")
            and not (operation in ("SingleStepTransfer", "Transfer") and "userId" in (params or {})),
        )

    def _params(self, operation: str, interaction: Any, user_id: str, target: int) -> dict[str, Any] | None:
        """Valid parameters for the operation, or None when there are none now (no other agent to invite).
        A chat's spelling of the reference's examples takes the parameters of the operation it names."""
        if interaction.channel == "chat":
            operation = CHAT_SPELLINGS.get(operation, operation)
        if operation in ("SingleStepTransfer", "Transfer") and target % 3:
            # to a queue of the interaction's channel, or to the holders of a skill: routing invites them
            queue = "Support mailbox" if interaction.channel == "email" else "Web chat"
            return {"queueName": queue} if target % 3 == 1 else {"skill": "Support"}
        if operation in ("InviteUser", "SingleStepTransfer", "Transfer"):
            others = [u for u in self.users if u != user_id and interaction.handling_of(u) is None]
            if not others:
                return None
            name = "agentId" if operation == "InviteUser" else "userId"
            return {name: others[target % len(others)]}
        return {
            "SendMessage": {"text": "answer"},
            "AttachUserData": {"userData": {"k": "v"}},
            "UpdateUserData": {"userData": {"k": "w"}},
            "DeleteUserData": {"userData": {"k": ""}},
            "PlaceInQueue": {"queueName": "Support mailbox" if interaction.channel == "email" else "Web chat"},
            "PlaceInWorkbin": {"workbin": "InProgress"},
            "Send": {"email_object": {"toAddress": "pat@example.org"}},
            "UpdateProperties": {"email_object": {"subject": "Re: later"}},
        }.get(operation, {})

    @rule(
        agent=st.integers(0, 2),
        channel=st.sampled_from(["chat", "email"]),
        operation=st.sampled_from(["Ready", "NotReady", "DoNotDisturbOn", "DoNotDisturbOff"]),
    )
    def agent_state(self, agent: int, channel: str, operation: str) -> None:
        dnd = self.center.users[self.users[agent]].channels[channel].dnd
        if operation == f"DoNotDisturb{dnd}":  # already as asked: refused, as on a device, changing nothing
            told = len(self.everything)
            try:
                self.media.channel_operate(self.users[agent], channel, operation)
            except Refusal as refused:
                assert refused.code == 2 and refused.state == dnd and len(self.everything) == told
                return
            raise AssertionError(f"{operation} twice on {channel} was accepted")
        self._do("channel_operate", self.users[agent], channel, operation)
        self._take()

    @rule(agent=st.integers(0, 2))
    def agent_pulls(self, agent: int) -> None:
        user_id = self.users[agent]
        workbin = self.media.workbin(user_id, "InProgress")
        if not workbin.interaction_ids:
            return
        self._do("pull", user_id, workbin.id, workbin.interaction_ids[0])
        self._take()

    # ------------------------------------------------------------------ invariants

    @invariant()
    def told_the_capabilities_they_have(self) -> None:
        for interaction in self.media.live():
            for handling in interaction.live_handlings():
                doc = self.last[(handling.user_id, interaction.id)]
                assert tuple(doc["capabilities"]) == handling.capabilities, (doc, handling.state)

    @invariant()
    def parked_interactions_wait_in_one_place(self) -> None:
        """An interaction is in at most one of: a workbin, a queue, agents' hands; and none parked is over."""
        waiting = set(self.media.waiting())
        for user_id in self.users:
            for workbin in self.media.workbins_of(user_id):
                for interaction_id in workbin.interaction_ids:
                    interaction = self.media.interactions[interaction_id]
                    assert not interaction.done and not interaction.live_handlings()
                    assert interaction_id not in waiting
        for interaction_id in waiting:
            assert not self.media.interactions[interaction_id].live_handlings()

    @invariant()
    def every_party_saw_the_same_history(self) -> None:
        for interaction in self.media.live():
            chat = interaction.chat
            if chat is None:
                continue
            for handling in interaction.live_handlings():
                if handling.state in WORKING:
                    told = self.history.get((handling.user_id, interaction.id))
                    assert told == list(range(1, chat.latest_event_id + 1)), (told, chat.latest_event_id)


MediaMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestMediaMachine = MediaMachine.TestCase
