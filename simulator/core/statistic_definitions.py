"""Statistic definitions in the reference's `statistics.yaml` entry format, and which of them the
simulator computes.

A definition names a statistic of one kind of object (AGENT, QUEUE, SKILL_Q: the calls of queues that
require the skill, SKILL_AG: the agents holding it) and is sampled every `notificationFrequency` seconds.
Only the extended mode (`statisticDefinitionEx`) is read: the simple mode names a type defined in a Stat
Server's configuration, which the simulator does not have. Each definition is mapped, when the file is
read, to one `measure` the statistics package computes from the event stream; a definition with no
measure is refused then, naming the property at fault, so a running simulator never holds a statistic it
cannot answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

AGENT, QUEUE, SKILL_Q, SKILL_AG = "AGENT", "QUEUE", "SKILL_Q", "SKILL_AG"
OBJECT_TYPES = (AGENT, QUEUE, SKILL_Q, SKILL_AG)
CALL_OBJECTS = (QUEUE, SKILL_Q)  # subject DNAction: what happens to calls
AGENT_OBJECTS = (AGENT, SKILL_AG)  # subject AgentStatus: what agents are doing
IN_CALL = frozenset(
    {"CallUnknown", "CallConsult", "CallInternal", "CallOutbound", "CallInbound", "CallRinging", "CallDialing"}
)
EX_PROPERTIES = (
    "category", "mainMask", "relativeMask", "subject", "intervalType", "dynamicTimeProfile", "timeRangeLeft",
    "timeRangeRight", "timeRangeLeft2", "timeRangeRight2", "dynamicFilter", "distinguishByConnId",
)  # fmt: skip
INTERVAL_TYPES = ("GrowingWindow", "SinceLogin", "SlidingSelection", "SlidingWindow")

# (subject, category, mainMask) -> measure; None as the mask: any non-empty subset of IN_CALL.
_CALL_MEASURES = {
    ("DNAction", "TotalNumber", frozenset({"CallAnswered"})): "answered",
    ("DNAction", "TotalNumber", frozenset({"CallAbandoned"})): "abandoned",
    ("DNAction", "CurrentNumber", frozenset({"CallWait"})): "waiting",
    ("DNAction", "CurrentMaxTime", frozenset({"CallWait"})): "longest_waiting",
    ("DNAction", "AverageTime", frozenset({"CallWait"})): "average_wait",
    ("DNAction", "TotalNumberInTimeRangePercentage", frozenset({"CallAnswered"})): "answered_in_range",
}
_AGENT_MEASURES = {
    ("AgentStatus", "CurrentNumber", frozenset({"WaitForNextCall"})): "ready",
    ("AgentStatus", "CurrentNumber", frozenset({"NotReadyForNextCall"})): "not_ready",
    ("AgentStatus", "CurrentMaxTime", frozenset({"WaitForNextCall"})): "longest_idle",
}
SERVICE_LEVEL = "ServiceLevel"  # the statistic `defaultServiceLevelInterval` sets the threshold of


class DefinitionError(ValueError):
    """A definition the simulator refuses; the message names the property (`statisticDefinitionEx.category`)."""


@dataclass(frozen=True)
class StatisticDefinition:
    """One entry of the `statistics` section, with the measure it is computed as."""

    name: str
    object_type: str
    frequency: int  # seconds between samples
    measure: str
    category: str
    main_mask: tuple[str, ...]
    subject: str
    time_range: tuple[int, int] | None = None  # seconds: timeRangeLeft, timeRangeRight
    time_range2: tuple[int, int] | None = None

    @property
    def service_level(self) -> bool:
        """Whether `defaultServiceLevelInterval` replaces timeRangeRight (the reference: ServiceLevel of
        queues, and with it of skills)."""
        return self.name == SERVICE_LEVEL and self.measure in ("answered_in_range", "service_factor")


def read_definition(data: Any) -> StatisticDefinition:
    """The definition of one entry (plain data as YAML gives it), or DefinitionError naming the property."""
    if not isinstance(data, dict):
        raise DefinitionError("must be a mapping")
    known = ("name", "objectType", "notificationMode", "notificationFrequency", "statisticDefinitionEx",
             "statisticDefinitionName", "timeProfile", "timeRange", "timeRange2")  # fmt: skip
    for key in data:
        if key not in known:
            raise DefinitionError(f"{key} is not a known property (known: {', '.join(known)})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DefinitionError("name must be a non-empty string")
    object_type = data.get("objectType")
    if object_type not in OBJECT_TYPES:
        raise DefinitionError(f"objectType must be one of {', '.join(OBJECT_TYPES)}, not {object_type!r}")
    mode = data.get("notificationMode")
    if mode != "PERIODICAL":
        raise DefinitionError(f"notificationMode {mode!r} is not computed: the simulator samples PERIODICAL only")
    frequency = data.get("notificationFrequency")
    if isinstance(frequency, bool) or not isinstance(frequency, int) or frequency < 1:
        raise DefinitionError("notificationFrequency must be a positive whole number of seconds")
    ex = data.get("statisticDefinitionEx")
    if ex is None:
        raise DefinitionError(
            "statisticDefinitionEx is missing: the simple mode (statisticDefinitionName) names a Stat Server "
            "type the simulator does not have"
        )
    if not isinstance(ex, dict):
        raise DefinitionError("statisticDefinitionEx must be a mapping")
    return _extended(name, object_type, frequency, ex)


def _extended(name: str, object_type: str, frequency: int, ex: dict[str, Any]) -> StatisticDefinition:
    for key in ex:
        if key not in EX_PROPERTIES:
            raise DefinitionError(f"statisticDefinitionEx.{key} is not a known property")
    for key in ("category", "subject"):
        if not isinstance(ex.get(key), str):
            raise DefinitionError(f"statisticDefinitionEx.{key} must be a string")
    category, subject = ex["category"], ex["subject"]
    mask = _mask(ex.get("mainMask"), "mainMask", required=category != "ServiceFactor1")
    interval = ex.get("intervalType")
    if interval not in (None, "GrowingWindow"):
        raise DefinitionError(
            f"statisticDefinitionEx.intervalType {interval!r} is not computed (computed: GrowingWindow)"
        )
    for key in ("dynamicFilter", "distinguishByConnId"):
        if ex.get(key) is not None:
            raise DefinitionError(f"statisticDefinitionEx.{key} is not computed by the simulator")
    time_range = _range(ex, "timeRangeLeft", "timeRangeRight")
    time_range2 = _range(ex, "timeRangeLeft2", "timeRangeRight2")
    measure = _measure(object_type, subject, category, mask)
    if measure in ("answered_in_range", "service_factor") and time_range is None:
        raise DefinitionError(f"statisticDefinitionEx.timeRangeRight is required by category {category}")
    return StatisticDefinition(
        name, object_type, frequency, measure, category, tuple(sorted(mask)), subject, time_range, time_range2
    )


def _measure(object_type: str, subject: str, category: str, mask: frozenset[str]) -> str:
    if object_type in CALL_OBJECTS:
        if subject == "DNAction" and category == "ServiceFactor1":
            return "service_factor"
        measure = _CALL_MEASURES.get((subject, category, mask))
    else:
        measure = _AGENT_MEASURES.get((subject, category, mask))
        if subject == "AgentStatus" and category == "CurrentNumber" and mask and mask <= IN_CALL:
            measure = "in_call"
    if measure is not None:
        return measure
    wanted = "DNAction" if object_type in CALL_OBJECTS else "AgentStatus"
    if subject != wanted:
        raise DefinitionError(f"statisticDefinitionEx.subject {subject!r} is not computed for {object_type} "
                              f"(computed: {wanted})")  # fmt: skip
    if category not in {key[1] for key in (*_CALL_MEASURES, *_AGENT_MEASURES)} | {"ServiceFactor1"}:
        raise DefinitionError(f"statisticDefinitionEx.category {category!r} is not computed by the simulator")
    raise DefinitionError(
        f"statisticDefinitionEx.mainMask {', '.join(sorted(mask))} is not computed with category {category} "
        f"for {object_type}"
    )


def _mask(value: Any, key: str, required: bool) -> frozenset[str]:
    if value is None:
        if required:
            raise DefinitionError(f"statisticDefinitionEx.{key} is missing")
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise DefinitionError(f"statisticDefinitionEx.{key} must be a comma-delimited list of names")
    return frozenset(item.strip() for item in items if item.strip())


def _range(ex: dict[str, Any], left_key: str, right_key: str) -> tuple[int, int] | None:
    left, right = ex.get(left_key), ex.get(right_key)
    if left is None and right is None:
        return None
    for key, value in ((left_key, left), (right_key, right)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise DefinitionError(f"statisticDefinitionEx.{key} must be a whole number of seconds, 0 or more")
    left, right = left or 0, right
    if right is None or right < left:
        raise DefinitionError(f"statisticDefinitionEx.{right_key} must be given and not below {left_key}")
    return (left, right)


def check_names(definitions: list[StatisticDefinition]) -> None:
    """One statistic per name and object: SKILL_Q and SKILL_AG both describe skills, so they share names."""
    seen: dict[tuple[str, str], str] = {}
    for definition in definitions:
        family = "SKILL" if definition.object_type in (SKILL_Q, SKILL_AG) else definition.object_type
        key = (definition.name, family)
        if key in seen:
            raise DefinitionError(f"name {definition.name!r} is defined twice for {seen[key]}/{definition.object_type}")
        seen[key] = definition.object_type


def _entry(name: str, object_type: str, category: str, mask: str, subject: str, **extra: Any) -> dict[str, Any]:
    ex: dict[str, Any] = {"category": category, "subject": subject, **extra}
    if mask:
        ex["mainMask"] = mask
    return {
        "name": name, "objectType": object_type, "notificationMode": "PERIODICAL", "notificationFrequency": 10,
        "statisticDefinitionEx": ex,
    }  # fmt: skip


def default_statistics() -> list[StatisticDefinition]:
    """The statistics every contact center has unless its file lists its own: the reference's minimal list
    of queue, skill and agent statistics that the simulator computes."""
    growing = {"intervalType": "GrowingWindow", "dynamicTimeProfile": "0:00"}
    in_call = "CallUnknown, CallConsult, CallInternal, CallOutbound, CallInbound, CallRinging, CallDialing"
    entries = [
        _entry("Total_Answered", QUEUE, "TotalNumber", "CallAnswered", "DNAction", **growing),
        _entry("Total_Abandoned", QUEUE, "TotalNumber", "CallAbandoned", "DNAction", **growing),
        _entry("Current_In_Queue", QUEUE, "CurrentNumber", "CallWait", "DNAction"),
        _entry("CurrMaxCallWaitingTime", QUEUE, "CurrentMaxTime", "CallWait", "DNAction", relativeMask="CallWait"),
        _entry("AverageWaitingTime", QUEUE, "AverageTime", "CallWait", "DNAction", relativeMask="CallWait", **growing),
    ]
    for object_type in (QUEUE, SKILL_Q):
        entries.append(
            _entry(
                SERVICE_LEVEL,
                object_type,
                "TotalNumberInTimeRangePercentage",
                "CallAnswered",
                "DNAction",
                timeRangeLeft=0,
                timeRangeRight=60,
                **growing,
            )  # fmt: skip
        )
    for object_type in (SKILL_AG, AGENT):
        entries += [
            _entry("CurrentReadyAgents", object_type, "CurrentNumber", "WaitForNextCall", "AgentStatus"),
            _entry("CurrentNotReadyAgents", object_type, "CurrentNumber", "NotReadyForNextCall", "AgentStatus"),
            _entry("CurrNumberInCall", object_type, "CurrentNumber", in_call, "AgentStatus"),
            _entry("LongestIdleTime", object_type, "CurrentMaxTime", "WaitForNextCall", "AgentStatus"),
        ]
    definitions = [read_definition(entry) for entry in entries]
    check_names(definitions)
    return definitions
