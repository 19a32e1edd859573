"""Settings groups: general, real-time reporting, agent states, and groups the contact center defines.

Every group is a list of settings identified by a `key` attribute, as the reference's GET examples show
(`{"key": "name", "settings": [...]}`). What differs is who may add or remove settings and which values
are valid; those rules are data on the group so that one set of operations serves all of them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .numerals import is_whole_number
from .refusals import FORBIDDEN, INVALID, Refusal, exists, not_found

READY_STATES = ("Ready", "NotReady")
WORK_MODES = {
    "Ready": ("ManualIn", "AutoIn", "ReturnBack"),
    "NotReady": ("AfterCallWork", "AuxWork", "LegalGuard", "NoCallDisconnect", "WalkAway"),
}


@dataclass(frozen=True)
class AgentState:
    """An agent-state descriptor of `/settings/agent-states`; its id appears in every `userState`."""

    id: str
    operationName: str
    displayName: str
    state: str
    workMode: str | None = None
    reason: str | None = None
    builtin: bool = False

    def document(self) -> dict[str, object]:
        doc: dict[str, object] = {
            "id": self.id,
            "operationName": self.operationName,
            "displayName": self.displayName,
            "state": self.state,
        }
        if self.workMode is not None:
            doc["workMode"] = self.workMode
        if self.reason is not None:
            doc["reason"] = self.reason
        return doc

    def user_state(self) -> dict[str, object]:
        """The `userState` object devices and channels carry while an agent is in this state."""
        doc: dict[str, object] = {"id": self.id, "state": self.state, "displayName": self.displayName}
        if self.workMode is not None:
            doc["workMode"] = self.workMode
        if self.reason is not None:
            doc["reason"] = self.reason
        return doc


# The five read-only states every contact center starts with, ids as in the reference.
BUILTIN_AGENT_STATES = (
    AgentState(
        "D3663509-3D82-4DD3-A82E-2EA8EFA02AEF",
        "AfterCallWork",
        "AfterCallWork",
        "NotReady",
        "AfterCallWork",
        builtin=True,
    ),
    AgentState("2B36138D-C564-4562-A8CB-3C32D564F296", "AuxWork", "AuxWork", "NotReady", "AuxWork", builtin=True),
    AgentState("900D55CC-2BB0-431F-8BF9-D3525B383BE6", "NotReady", "Not Ready", "NotReady", builtin=True),
    AgentState("0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB", "Offline", "Offline", "Logout", builtin=True),
    AgentState("9430250E-0A1B-421F-B372-F29E69366DED", "Ready", "Ready", "Ready", builtin=True),
)
OFFLINE = BUILTIN_AGENT_STATES[3]

GENERAL = "general-settings"
REPORTING = "reporting"
AGENT_STATES = "agent-states"

GENERAL_DEFAULTS = {"countryCode": "US", "countryDigits": "1", "countryName": "United States"}
REPORTING_DEFAULTS = {"defaultTargetServiceLevelPercentage": "80", "defaultServiceLevelInterval": "60"}


def check_general(name: str, value: str) -> str | None:
    """Why `value` cannot be the general setting `name`, or None."""
    if name == "countryCode" and not (len(value) == 2 and value.isalpha() and value.isupper()):
        return "value of countryCode must be two capital letters, such as US"
    if name == "countryDigits" and not (is_whole_number(value) and 1 <= len(value) <= 4):
        return "value of countryDigits must be 1 to 4 digits"
    if name == "countryName" and not value.strip():
        return "value of countryName must not be empty"
    return None


def check_reporting(name: str, value: str) -> str | None:
    """Why `value` cannot be the reporting setting `name`, or None (ranges from the reference)."""
    if not is_whole_number(value):
        return f"value of {name} must be a whole number"
    number = int(value)
    if name == "defaultServiceLevelInterval" and number < 1:
        return "value of defaultServiceLevelInterval must be a positive integer"
    if name == "defaultTargetServiceLevelPercentage" and not 1 <= number <= 100:
        return "value of defaultTargetServiceLevelPercentage must be between 1 and 100"
    return None


@dataclass
class SettingsGroup:
    """One group: its settings in order, each a JSON object whose `key` attribute identifies it."""

    name: str
    displayName: str
    key: str = "name"
    settings: list[dict[str, Any]] = field(default_factory=list)
    builtin: bool = False  # created by the contact center itself, not by POST /settings: cannot be deleted
    fixed_names: bool = False  # general and reporting: the set of settings is fixed, only values change

    @property
    def id(self) -> str:
        """A group is identified by its URI-compatible name."""
        return self.name

    def document(self) -> dict[str, object]:
        return {"name": self.name, "displayName": self.displayName, "key": self.key}

    def find(self, key_value: Any) -> dict[str, Any] | None:
        for setting in self.settings:
            if setting.get(self.key) == key_value:
                return setting
        return None

    def contents(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.settings)

    def add(self, setting: dict[str, Any]) -> None:
        if self.fixed_names:
            raise Refusal(FORBIDDEN, f"settings cannot be added to the {self.name} group, only changed with PUT")
        value = setting.get(self.key)
        if value is None:
            raise Refusal(INVALID, f"{self.key} is required: it is the key of the {self.name} group")
        if self.find(value) is not None:
            raise exists("setting", self.key, str(value))
        self.settings.append(copy.deepcopy(setting))

    def update(self, changes: dict[str, Any]) -> None:
        """Overwrite the top-level attributes given; nested objects are replaced whole, as in the reference."""
        setting = self._existing(changes)
        setting.update(copy.deepcopy(changes))

    def remove(self, key_value: Any) -> None:
        if self.fixed_names:
            raise Refusal(FORBIDDEN, f"settings cannot be removed from the {self.name} group")
        setting = self._existing({self.key: key_value})
        self.settings.remove(setting)

    def _existing(self, changes: dict[str, Any]) -> dict[str, Any]:
        value = changes.get(self.key)
        if value is None:
            raise Refusal(INVALID, f"{self.key} is required: it identifies the setting in the {self.name} group")
        setting = self.find(value)
        if setting is None:
            raise not_found(f"setting of {self.name} with {self.key}", str(value))
        return setting


def name_value_group(name: str, display_name: str, values: dict[str, str]) -> SettingsGroup:
    settings = [{"name": key, "value": value} for key, value in values.items()]
    return SettingsGroup(name, display_name, "name", settings, builtin=True, fixed_names=True)
