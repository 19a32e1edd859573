"""Provisioning of settings groups, settings and agent-state definitions: each change checks everything
before it touches anything, and an agent state in use cannot be taken away from under its agents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .channels import Channel
from .provisioning import provisions
from .refusals import FORBIDDEN, INVALID, Refusal, exists
from .settings import (
    AGENT_STATES,
    GENERAL,
    REPORTING,
    WORK_MODES,
    AgentState,
    SettingsGroup,
    check_general,
    check_reporting,
)
from .users import User

if TYPE_CHECKING:
    from .voice import Telephony


class SettingsProvisioning:
    """The settings and agent-state changes of `ContactCenter`, its base."""

    users: dict[str, User]
    agent_states: dict[str, AgentState]
    settings_groups: dict[str, SettingsGroup]

    if TYPE_CHECKING:  # the rest of the contact center (see contact_center.ContactCenter)

        def new_id(self) -> str: ...
        def agent_state(self, operation_name: str) -> AgentState: ...
        def settings_group(self, name: str) -> SettingsGroup: ...
        @property
        def telephony(self) -> Telephony: ...

    @provisions
    def add_settings_group(self, name: str, displayName: str, key: str = "name") -> SettingsGroup:
        if name in self.settings_groups:
            raise exists("settings group", "name", name)
        group = SettingsGroup(name, displayName, key)
        self.settings_groups[name] = group
        return group

    @provisions
    def remove_settings_group(self, name: str) -> None:
        group = self.settings_group(name)
        if group.builtin:
            raise Refusal(
                FORBIDDEN,
                f"Operation forbidden, settings group {name!r} is built in; only groups "
                "created with POST /settings can be deleted",
            )
        del self.settings_groups[name]

    @provisions
    def add_setting(self, group_name: str, setting: dict[str, Any]) -> None:
        group = self.settings_group(group_name)
        if group_name == AGENT_STATES:
            self.add_agent_state(**setting)
        else:
            group.add(setting)

    @provisions
    def update_setting(self, group_name: str, changes: dict[str, Any]) -> None:
        group = self.settings_group(group_name)
        if group_name == AGENT_STATES:
            self.update_agent_state(changes)
            return
        if group_name in (GENERAL, REPORTING):
            check = check_general if group_name == GENERAL else check_reporting
            name, value = changes.get("name"), changes.get("value")
            if isinstance(name, str) and group.find(name) is not None and isinstance(value, str):
                problem = check(name, value)
                if problem:
                    raise Refusal(INVALID, problem)
        group.update(changes)

    @provisions
    def remove_setting(self, group_name: str, key_value: Any) -> None:
        group = self.settings_group(group_name)
        if group_name == AGENT_STATES:
            self.remove_agent_state(key_value)
        else:
            group.remove(key_value)

    @provisions
    def add_agent_state(
        self,
        operationName: str,
        displayName: str,
        state: str,
        workMode: str | None = None,
        reason: str | None = None,
        id: str | None = None,
    ) -> AgentState:
        if operationName in self.agent_states:
            raise exists("agent state", "operationName", operationName)
        candidate = AgentState(id or self.new_id(), operationName, displayName, state, workMode, reason)
        self._check_agent_state(candidate)
        self.agent_states[operationName] = candidate
        return candidate

    @provisions
    def update_agent_state(self, changes: dict[str, Any]) -> AgentState:
        current = self.agent_state(changes["operationName"])
        if current.builtin:
            raise Refusal(
                FORBIDDEN, f"Operation forbidden, agent state {current.operationName!r} is built in and read-only"
            )
        values = {**current.__dict__, **changes}
        updated = AgentState(**values)
        self._check_agent_state(updated)
        self.agent_states[updated.operationName] = updated  # every channel reads the definitions live
        return updated

    @provisions
    def remove_agent_state(self, operation_name: str) -> None:
        state = self.agent_state(operation_name)
        if state.builtin:
            raise Refusal(FORBIDDEN, f"Operation forbidden, agent state {operation_name!r} is built in and read-only")
        in_use = [user.userName for user in self.users.values() if self._in_state(user, state)]
        if in_use:
            raise Refusal(INVALID, f"agent state {operation_name!r} is the current state of {in_use[0]!r}")
        del self.agent_states[operation_name]

    def _in_state(self, user: User, state: AgentState) -> bool:
        devices = (self.telephony.device_view(device_id).user_state for device_id in user.device_ids)
        channels = (channel.user_state for channel in user.channels.values() if isinstance(channel, Channel))
        return any(user_state.get("id") == state.id for user_state in devices) or any(
            channel_state.id == state.id for channel_state in channels
        )

    def _check_agent_state(self, state: AgentState) -> None:
        if state.state not in ("Ready", "NotReady"):
            raise Refusal(INVALID, f"state {state.state!r} is not one of Ready, NotReady")
        if state.workMode is not None and state.workMode not in WORK_MODES[state.state]:
            raise Refusal(
                INVALID,
                f"workMode {state.workMode!r} does not apply to state {state.state}: use one of "
                f"{', '.join(WORK_MODES[state.state])}",
            )
        if state.reason is not None:
            for other in self.agent_states.values():
                if other.reason == state.reason and other.operationName != state.operationName:
                    raise exists("agent state", "reason", state.reason)
