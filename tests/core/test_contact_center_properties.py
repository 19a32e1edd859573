"""Random sequences of changes to the contact center: a refused change leaves everything as it was, and the
links between users, devices, skills and queues stay consistent whatever succeeded before."""

from __future__ import annotations

import copy

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from simulator.center_file import load_default
from simulator.core.contact_center import ContactCenter
from simulator.core.refusals import Refusal

NUMBERS = st.sampled_from(["5001", "5002", "8000", "04000", "6001", "6002", "6003"])
NAMES = st.sampled_from(["Sales", "Support", "Billing", "Chess", "Go"])
LEVELS = st.integers(min_value=-5, max_value=120)
PICK = st.integers(min_value=0, max_value=50)


def state_of(center: ContactCenter) -> object:
    """Everything a change could touch, as plain data."""
    return copy.deepcopy(
        (
            {key: vars(user) for key, user in center.users.items()},
            {key: vars(skill) for key, skill in center.skills.items()},
            {key: vars(device) for key, device in center.devices.items()},
            {key: vars(queue) for key, queue in center.queues.items()},
            {key: vars(contact) for key, contact in center.custom_contacts.items()},
            dict(center.agent_states),
            {key: vars(group) for key, group in center.settings_groups.items()},
        )
    )


def pick(table: dict, index: int):
    values = list(table.values())
    return values[index % len(values)] if values else None


class ContactCenterChanges(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.center = load_default()

    def attempt(self, change) -> None:
        before = state_of(self.center)
        try:
            change()
        except Refusal as refusal:
            assert 1 <= refusal.code <= 6 and refusal.message
            assert state_of(self.center) == before, f"refused but changed: {refusal.message}"

    @rule(number=NUMBERS)
    def add_device(self, number):
        self.attempt(lambda: self.center.add_device(number))

    @rule(user=PICK, device=PICK)
    def assign_device(self, user, device):
        target = pick(self.center.devices, device)
        if target is not None:
            self.attempt(lambda: self.center.assign_device(pick(self.center.users, user), target))

    @rule(user=PICK, device=PICK)
    def unassign_device(self, user, device):
        target = pick(self.center.devices, device)
        if target is not None:
            self.attempt(lambda: self.center.unassign_device(pick(self.center.users, user), target))

    @rule(device=PICK)
    def remove_device(self, device):
        target = pick(self.center.devices, device)
        if target is not None:
            self.attempt(lambda: self.center.remove_device(target))

    @rule(name=NAMES)
    def add_skill(self, name):
        self.attempt(lambda: self.center.add_skill(name))

    @rule(skill=PICK)
    def remove_skill(self, skill):
        target = pick(self.center.skills, skill)
        if target is not None:
            self.attempt(lambda: self.center.remove_skill(target))

    @rule(user=PICK, skill=PICK, level=LEVELS)
    def assign_skill(self, user, skill, level):
        target = pick(self.center.skills, skill)
        if target is not None:
            self.attempt(lambda: self.center.assign_skill(pick(self.center.users, user), target, level))

    @rule(user=PICK, skill=PICK, level=LEVELS)
    def set_level(self, user, skill, level):
        target = pick(self.center.skills, skill)
        if target is not None:
            self.attempt(lambda: self.center.set_skill_level(pick(self.center.users, user), target, level))

    @rule(
        name=NAMES,
        number=st.none() | NUMBERS,
        internal=st.booleans(),
        skills=st.lists(NAMES, max_size=2),
        channel=st.sampled_from(["voice", "chat", "email", "fax"]),
    )
    def add_queue(self, name, number, internal, skills, channel):
        self.attempt(lambda: self.center.add_queue(f"{name} queue", channel, number, internal, skills=skills))

    @rule(queue=PICK, skills=st.lists(NAMES, max_size=2), name=NAMES)
    def update_queue(self, queue, skills, name):
        target = pick(self.center.queues, queue)
        if target is not None:
            self.attempt(lambda: self.center.update_queue(target, {"name": f"{name} queue", "skills": skills}))

    @rule(
        user=PICK,
        roles=st.lists(st.sampled_from(["ROLE_AGENT", "ROLE_ADMIN", "ROLE_KING"]), max_size=2),
        first=st.text(max_size=3),
    )
    def update_user(self, user, roles, first):
        target = pick(self.center.users, user)
        self.attempt(lambda: self.center.update_user(target, {"firstName": first, "roles": roles}))

    @rule(user=PICK, by=PICK)
    def remove_user(self, user, by):
        target = pick(self.center.users, user)
        if target is not None and len(self.center.users) > 2:
            self.attempt(lambda: self.center.remove_user(target, by=pick(self.center.users, by)))

    @rule(
        name=st.sampled_from(["Nap", "Ready", "OutToLunch"]),
        state=st.sampled_from(["Ready", "NotReady", "Busy"]),
        mode=st.sampled_from([None, "AuxWork", "AutoIn"]),
        reason=st.sampled_from([None, "OutToLunch", "Nap"]),
    )
    def add_agent_state(self, name, state, mode, reason):
        self.attempt(lambda: self.center.add_agent_state(name, name, state, mode, reason))

    @rule(name=st.sampled_from(["Nap", "Ready", "OutToLunch", "Missing"]), state=st.sampled_from(["Ready", "NotReady"]))
    def update_agent_state(self, name, state):
        self.attempt(lambda: self.center.update_agent_state({"operationName": name, "state": state}))

    @invariant()
    def devices_and_users_agree(self):
        center = self.center
        for user in center.users.values():
            assert len(set(user.device_ids)) == len(user.device_ids)
            for device_id in user.device_ids:
                assert center.devices[device_id].user_id == user.id
            for skill_id, level in user.skill_levels.items():
                assert skill_id in center.skills and 0 <= level <= 100
        for device in center.devices.values():
            assert device.user_id is None or device.id in center.users[device.user_id].device_ids

    @invariant()
    def numbers_and_names_are_unique(self):
        numbers = [d.phoneNumber for d in self.center.devices.values()] + [
            q.phoneNumber for q in self.center.queues.values()
        ]
        assert len(numbers) == len(set(numbers))
        names = [skill.name for skill in self.center.skills.values()]
        assert len(names) == len(set(names))
        for queue in self.center.queues.values():
            assert all(skill_id in self.center.skills for skill_id in queue.skill_ids)

    @invariant()
    def agent_states_are_consistent(self):
        reasons = [s.reason for s in self.center.agent_states.values() if s.reason is not None]
        assert len(reasons) == len(set(reasons))
        for user in self.center.users.values():
            assert bool(user.channels) == ("ROLE_AGENT" in user.roles)


ContactCenterChanges.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_contact_center_changes = ContactCenterChanges.TestCase
