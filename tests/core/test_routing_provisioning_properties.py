"""Routing kept up to date change by change is routing built over every agent: under random provisioning
(skills given, taken and leveled, devices given, taken back and removed, users added, changed and
removed, a queue's skills changed, queues and skills renamed) and agents changing state as time passes,
with calls and chats arriving, taken and transferred to skills, after every step what the call router
and the chat and e-mail queues hold (each user's groups, the tie-break order, every free agent with the
time it became free and its buckets) is what a build from scratch makes of the contact center; no work
waits while a free agent who may take it exists, and none waits where nobody routes."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from simulator.core.contact_center import ContactCenter
from simulator.core.refusals import Refusal
from simulator.core.routing.skills import SKILL, level_in
from simulator.core.users import AGENT, SUPERVISOR
from simulator.core.voice import VirtualClock
from simulator.core.world import World

SKILLS = ("Sales", "Spanish", "French")
OPERATIONS = ("Ready", "NotReady", "DoNotDisturbOn", "DoNotDisturbOff")
CUSTOMER = "+15551230000"


def _center() -> ContactCenter:
    center = ContactCenter(name="provisioned")
    for name in SKILLS:
        center.add_skill(name)
    center.add_queue("Sales line", "voice", phoneNumber="8000", skills=["Sales"])
    center.add_queue("Any line", "voice", phoneNumber="8001")
    center.add_queue("Spanish chat", "chat", internal=True, skills=["Spanish"])
    center.add_queue("Mail", "email", internal=True, skills=["French", "Sales"])
    center.add_queue("Any chat", "chat", internal=True)
    for number in range(4):
        user = center.add_user(f"agent{number}@example.com", "password")
        center.assign_device(user, center.add_device(f"{6000 + number}"))
        center.assign_skill(user, center.skills[next(iter(center.skills))], number)
    for number in range(3):
        center.add_device(f"{7000 + number}")
    return center


class ProvisioningMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = World(_center(), VirtualClock())
        self.added = 0
        for user_id in self.world.center.users:
            self._try(lambda u=user_id: self.world.agent_operate(u, "StartContactCenterSession", {}))
            self._try(lambda u=user_id: self.world.agent_operate(u, "Ready", {}))

    def _try(self, action: Any) -> None:
        with suppress(Refusal):  # a refusal changes nothing; the invariant must hold all the same
            action()

    def _user(self, index: int) -> Any:
        users = list(self.world.center.users.values())
        return users[index % len(users)] if users else None

    def _skill(self, index: int) -> Any:
        skills = list(self.world.center.skills.values())
        return skills[index % len(skills)]

    @rule(user=st.integers(0, 9), operation=st.sampled_from(OPERATIONS))
    def agent_state(self, user: int, operation: str) -> None:
        target = self._user(user)
        if target is not None:
            self._try(lambda: self.world.agent_operate(target.id, operation, {}))

    @rule(user=st.integers(0, 9), skill=st.integers(0, 2), level=st.integers(0, 9), how=st.integers(0, 2))
    def skill_changed(self, user: int, skill: int, level: int, how: int) -> None:
        target, chosen, world = self._user(user), self._skill(skill), self.world
        if target is None:
            return
        change = (world.assign_skill, world.set_skill_level, world.unassign_skill)[how]
        self._try(lambda: change(target, chosen) if how == 2 else change(target, chosen, level))

    @rule(user=st.integers(0, 9), device=st.integers(0, 9), give=st.booleans())
    def device_changed(self, user: int, device: int, give: bool) -> None:
        target = self._user(user)
        devices = list(self.world.center.devices.values())
        if target is None or not devices:
            return
        chosen = devices[device % len(devices)]
        change = self.world.assign_device if give else self.world.unassign_device
        self._try(lambda: change(target, chosen))

    @rule(device=st.integers(0, 9))
    def device_removed(self, device: int) -> None:
        devices = list(self.world.center.devices.values())
        if devices:
            self._try(lambda: self.world.remove_device(devices[device % len(devices)]))

    @rule()
    def user_added(self) -> None:
        self.added += 1
        self.world.add_user(userName=f"new{self.added}@example.com", password="password")

    @rule(user=st.integers(0, 9), agent=st.booleans())
    def roles_changed(self, user: int, agent: bool) -> None:
        target = self._user(user)
        if target is not None:
            self.world.update_user(target, {"roles": [AGENT] if agent else [SUPERVISOR]})

    @rule(user=st.integers(0, 9))
    def user_removed(self, user: int) -> None:
        target = self._user(user)
        if target is not None:
            self._try(lambda: self.world.remove_user(target))

    @rule(queue=st.integers(0, 3), skills=st.lists(st.integers(0, 2), max_size=2, unique=True))
    def queue_changed(self, queue: int, skills: list[int]) -> None:
        chosen = list(self.world.center.queues.values())[queue]
        self.world.update_queue(chosen, {"skills": [self._skill(index).name for index in skills]})

    @rule(queue=st.integers(0, 3))
    def queue_renamed(self, queue: int) -> None:
        chosen = list(self.world.center.queues.values())[queue]
        self.added += 1
        self._try(lambda: self.world.update_queue(chosen, {"name": f"{chosen.name.split('#')[0]}#{self.added}"}))

    @rule(skill=st.integers(0, 2))
    def skill_renamed(self, skill: int) -> None:
        chosen = self._skill(skill)
        self.added += 1
        self._try(lambda: self.world.update_skill(chosen, {"name": f"{chosen.name.split('#')[0]}#{self.added}"}))

    @rule(number=st.sampled_from(["8000", "8001"]))
    def call_placed(self, number: str) -> None:
        self.world.place_call(CUSTOMER, number)

    @rule(queue=st.sampled_from([2, 4]))
    def chat_started(self, queue: int) -> None:
        chosen = list(self.world.center.queues.values())[queue]
        self.world.start_chat(chosen.name, "Visitor", None, "hello")

    @rule(skill=st.integers(0, 2))
    def work_taken(self, skill: int) -> None:
        """Every agent answers the calls ringing them, and accepts their chat invitations and transfers
        each chat to a skill."""
        world = self.world
        transfer = {"skill": self._skill(skill).name}
        for user in list(world.center.users.values()):
            for call in world.calls_of(user.id):
                if call.state == "Ringing":
                    self._try(lambda u=user.id, c=call.id: world.call_operate(u, c, "Answer", {}))
            for interaction in world.interactions_of(user.id):
                self._try(lambda u=user.id, i=interaction.id: world.interaction_operate(u, i, "Accept", {}))
                self._try(
                    lambda u=user.id, i=interaction.id: world.interaction_operate(u, i, "SingleStepTransfer", transfer)
                )

    @rule(user=st.integers(0, 9))
    def work_ended(self, user: int) -> None:
        """An agent hangs up their calls."""
        target, world = self._user(user), self.world
        if target is None:
            return
        for call in world.calls_of(target.id):
            self._try(lambda c=call.id: world.call_operate(target.id, c, "Hangup", {}))

    @rule(seconds=st.sampled_from([0.5, 5, 40]))
    def time_passes(self, seconds: float) -> None:
        self.world.advance(seconds)

    @invariant()
    def no_work_waits_for_a_free_agent(self) -> None:
        """Every call waiting has no free agent its queue may route to; every chat waiting waits for a
        queue or a skill that exists, and has no agent free on its channel who may take it."""
        world, center = self.world, self.world.center
        agents = [user for user in center.users.values() if user.has_role(AGENT)]
        for call_id in world.router._lanes.ids():
            queue = center.queues[world.router._calls[call_id].queue_id]
            free = [user.userName for user in agents if level_in(center, queue, user) is not None
                    and any(world.telephony.device_free(device) for device in user.device_ids)]  # fmt: skip
            assert free == [], f"call {call_id} waits in {queue.name} while {free} are free"
        media = world.media
        for interaction_id in media.queues.ids():
            interaction = media.interactions[interaction_id]
            if interaction.skill is not None:
                skill = center.skill_named(interaction.skill)
                assert skill is not None, f"{interaction_id} waits for a skill gone: {interaction.skill}"
                may = [user for user in agents if skill.id in user.skill_levels]
            else:
                queue = next((q for q in center.queues.values() if q.name == interaction.queue), None)
                assert queue is not None, f"{interaction_id} waits in a queue gone: {interaction.queue}"
                may = [user for user in agents if level_in(center, queue, user) is not None]
            free = [user.userName for user in may if media._free(user, interaction.channel)]
            group = interaction.queue if interaction.skill is None else SKILL + interaction.skill
            assert free == [], f"{interaction_id} waits for {group} while {free} are free"

    @invariant()
    def kept_is_built(self) -> None:
        for routing in (self.world.router, self.world.media.queues):
            kept = routing.filed()
            routing.invalidate()
            assert routing.filed() == kept


TestProvisioning = ProvisioningMachine.TestCase
TestProvisioning.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
