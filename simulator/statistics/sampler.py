"""The statistics of the Statistics API: every defined statistic of every object, sampled on the clock.

`Statistics` subscribes to the World's event stream and keeps a `Tally` of it; every
`notificationFrequency` seconds of the simulator's clock it samples each statistic of that frequency
for every object of its type, so on a virtual clock a simulated hour yields all of its samples as the
clock is advanced through it. Which objects exist and which agents hold a skill are read from the
contact center's configuration; what the calls and agents did comes from the events only.

Sample times are milliseconds since the epoch in simulated time: the clock's reading when sampling
started is taken to be the wall-clock time then.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterable

from ..core.changes import QueueCallChanged, WorldReset
from ..core.contact_center import ContactCenter
from ..core.events import Event
from ..core.settings import REPORTING
from ..core.statistic_definitions import AGENT, QUEUE, SKILL_AG, SKILL_Q, StatisticDefinition
from ..core.users import AGENT as AGENT_ROLE
from ..core.voice import Clock
from ..core.voice.events import CallStateChanged, DeviceStateChanged
from .tally import IN_CALL, NOT_READY, READY, QueueTally, Tally

_AGENT_STATUS = {"ready": READY, "not_ready": NOT_READY, "in_call": IN_CALL}  # measure -> AgentStatus
MAX_SAMPLES = 8640  # per statistic of an object: a day of samples every 10 seconds
Sample = tuple[int, float]  # (ms since the epoch, value)
Row = tuple[int, tuple[str, ...], tuple[float, ...]]  # one sampling of an object: time, statistics' names, values


class Statistics:
    """Samples of every statistic the contact center defines, computed from the events it is handed."""

    def __init__(self, center: ContactCenter, clock: Clock) -> None:
        self.center = center
        self.clock = clock
        self.epoch = 0.0  # wall-clock seconds at the clock's zero, set by `start`
        self.tally = Tally()
        # (object id, object type, frequency) -> the rows of its samplings, oldest first: one row per object
        # and sampling for all its statistics of that frequency, which share the tuple of their names. Rows
        # are tuples of numbers and strings only, which the cycle collector stops tracking: an hour of a
        # thousand agents is half a million rows it would otherwise walk again and again
        self.samples: dict[tuple[str, str, int], deque[Row]] = {}
        self._series: dict[tuple[str, int], dict[str, deque[Row]]] = {}  # the same, by type and frequency
        # which users are sampled as agents and which agents hold each skill, as of a revision of the contact
        # center (a reset moves it too): read from its configuration at every sampling, that would be a scan
        # of every user every few simulated seconds, for a membership that changes only when an admin provisions
        self._members: dict[tuple[str, str], tuple[str, ...]] = {}
        self._members_revision = -1
        self._started = False

    # ------------------------------------------------------------------ the event stream

    def __call__(self, event: Event) -> None:
        change = event.change
        if isinstance(change, QueueCallChanged):
            self.tally.queue_call(change, event.time)
        elif isinstance(change, CallStateChanged):
            self.tally.call(change, event.time)
        elif isinstance(change, DeviceStateChanged):
            self.tally.device(change, event.time)
        elif isinstance(change, WorldReset):
            self.tally = Tally()
            self.samples.clear()
            self._series.clear()

    # ------------------------------------------------------------------ sampling

    def start(self) -> None:
        """Start the sampling timers, one per notification frequency (once the clock can take timers)."""
        if self._started:
            return
        self._started = True
        self.epoch = time.time() - self.clock.now()  # a real clock can be read only once its loop runs
        for frequency in sorted({definition.frequency for definition in self.center.statistics}):
            self._schedule(frequency)

    def _schedule(self, frequency: int) -> None:
        self.clock.call_later(frequency, lambda: self._tick(frequency))

    def _tick(self, frequency: int) -> None:
        self._schedule(frequency)
        stamp = round((self.epoch + self.clock.now()) * 1000)
        by_type: dict[str, list[StatisticDefinition]] = {}
        for definition in self.center.statistics:
            if definition.frequency == frequency:
                by_type.setdefault(definition.object_type, []).append(definition)
        for object_type, definitions in by_type.items():
            names = tuple(definition.name for definition in definitions)
            row_of = (
                self._agent_rows(stamp, names, definitions)
                if object_type == AGENT
                else self._rows(stamp, names, definitions)
            )
            series = self._series.setdefault((object_type, frequency), {})
            for object_id in self.objects(object_type):
                # an object's statistics are computed together and kept as one row: with a thousand
                # agents, a sampling is thousands of values every few simulated seconds
                rows = series.get(object_id)
                if rows is None:
                    rows = series[object_id] = self.samples[(object_id, object_type, frequency)] = deque(
                        maxlen=MAX_SAMPLES
                    )
                rows.append(row_of(object_id))

    def _rows(self, stamp: int, names: tuple[str, ...], definitions: list[StatisticDefinition]) -> Callable[[str], Row]:
        return lambda object_id: (stamp, names, tuple(self.values(definitions, object_id)))

    def _agent_rows(
        self, stamp: int, names: tuple[str, ...], definitions: list[StatisticDefinition]
    ) -> Callable[[str], Row]:
        """`_rows` of agents for one sampling, which with a thousand agents comes every few simulated
        seconds: an agent's values depend only on its status (and, Ready, on how long it has been), so agents
        of one status share one row, and only a Ready agent's idle time is computed for it."""
        now = self.clock.now()
        statuses = self.tally.agent_status
        shared: dict[str, Row] = {}
        idle = [index for index, definition in enumerate(definitions) if definition.measure == "longest_idle"]

        def row_of(user_id: str) -> Row:
            status, since = statuses.get(user_id, ("", now))
            row = shared.get(status)
            if row is None:
                row = shared[status] = (stamp, names, tuple(self._agent_values(definitions, user_id, now)))
            if status != READY or not idle:
                return row
            own = list(row[2])
            for index in idle:
                own[index] = round(now - since)
            return (stamp, names, tuple(own))

        return row_of

    def objects(self, object_type: str) -> tuple[str, ...]:
        """The ids of the objects a statistic of `object_type` is sampled for."""
        if object_type == QUEUE:  # voice, chat and e-mail queues alike
            return tuple(self.center.queues)
        if object_type in (SKILL_Q, SKILL_AG):
            return tuple(self.center.skills)
        return self._member_ids(("agents", ""), self._agent_ids)

    def _agent_ids(self) -> tuple[str, ...]:
        return tuple(user.id for user in self.center.users.values() if user.has_role(AGENT_ROLE))

    def _member_ids(self, key: tuple[str, str], compute: Callable[[], tuple[str, ...]]) -> tuple[str, ...]:
        """`compute()`, kept until the contact center's next change."""
        if self._members_revision != self.center.revision:
            self._members.clear()
            self._members_revision = self.center.revision
        found = self._members.get(key)
        if found is None:
            found = self._members[key] = compute()
        return found

    def value(self, definition: StatisticDefinition, object_id: str) -> float:
        """The statistic's value for the object now."""
        return self.values([definition], object_id)[0]

    def values(self, definitions: list[StatisticDefinition], object_id: str) -> list[float]:
        """The values now of `definitions`, all of one object type, for the object `object_id`."""
        now = self.clock.now()
        object_type = definitions[0].object_type
        if object_type in (QUEUE, SKILL_Q):
            tallies = self._queues_of(object_type, object_id)
            return [_call_value(definition, tallies, now, self._threshold(definition)) for definition in definitions]
        if object_type == AGENT:
            return self._agent_values(definitions, object_id, now)
        users = self._agents_with(object_id)
        statuses = [self.tally.agent_status.get(user_id, ("", now)) for user_id in users]
        counts = Counter(status for status, _since in statuses)
        values: list[float] = []
        for definition in definitions:
            if definition.measure == "longest_idle":
                values.append(round(max((now - since for status, since in statuses if status == READY), default=0.0)))
            else:
                values.append(counts[_AGENT_STATUS[definition.measure]])
        return values

    def _agent_values(self, definitions: list[StatisticDefinition], user_id: str, now: float) -> list[float]:
        """`values` of one agent: the same counts over a single status, without tallying a list of them."""
        status, since = self.tally.agent_status.get(user_id, ("", now))
        return [
            (round(now - since) if status == READY else 0)
            if definition.measure == "longest_idle"
            else int(status == _AGENT_STATUS[definition.measure])
            for definition in definitions
        ]

    def _queues_of(self, object_type: str, object_id: str) -> list[QueueTally]:
        if object_type == QUEUE:
            ids: Iterable[str] = (object_id,)
        else:
            ids = (queue.id for queue in self.center.queues.values() if object_id in queue.skill_ids)
        return [self.tally.queues[queue_id] for queue_id in ids if queue_id in self.tally.queues]

    def _agents_with(self, skill_id: str) -> tuple[str, ...]:
        return self._member_ids(("skill", skill_id), lambda: self._holders(skill_id))

    def _holders(self, skill_id: str) -> tuple[str, ...]:
        skill = self.center.skills.get(skill_id)
        if skill is None:
            return ()
        return tuple(user.id for user, _level in self.center.holders_of(skill) if user.has_role(AGENT_ROLE))

    def _threshold(self, definition: StatisticDefinition) -> tuple[int, int] | None:
        """timeRange of the definition; for ServiceLevel its right end is `defaultServiceLevelInterval`."""
        if definition.time_range is None or not definition.service_level:
            return definition.time_range
        settings = {setting["name"]: setting["value"] for setting in self.center.settings_of(REPORTING)}
        return (definition.time_range[0], int(settings.get("defaultServiceLevelInterval", definition.time_range[1])))

    # ------------------------------------------------------------------ what the API reads

    def kinds_of(self, object_id: str) -> tuple[str, ...]:
        """The object types `object_id` is (a skill is both SKILL_Q and SKILL_AG); empty if unknown."""
        queue = self.center.queues.get(object_id)
        if queue is not None:
            return (QUEUE,)
        if object_id in self.center.skills:
            return (SKILL_Q, SKILL_AG)
        user = self.center.users.get(object_id)
        if user is None:
            return ()
        return (AGENT,) if user.has_role(AGENT_ROLE) or self._sampled_agent(object_id) else ()

    def _sampled_agent(self, user_id: str) -> bool:
        """Whether the user was sampled as an agent: one who lost ROLE_AGENT is sampled no more, but what
        was measured while they had it still reads (until a reset)."""
        frequencies = {definition.frequency for definition in self.center.statistics}
        return any((user_id, AGENT, frequency) in self.samples for frequency in frequencies)

    def definitions_of(self, object_id: str) -> list[StatisticDefinition]:
        kinds = self.kinds_of(object_id)
        return [definition for definition in self.center.statistics if definition.object_type in kinds]

    def series(self, object_id: str, name: str) -> list[Sample]:
        """The samples of one statistic of one object, oldest first."""
        found: list[Sample] = []
        for definition in self.definitions_of(object_id):
            if definition.name == name:
                for stamp, names, values in self.samples.get(
                    (object_id, definition.object_type, definition.frequency), ()
                ):
                    if name in names:  # rows taken before the statistic was defined do not hold it
                        found.append((stamp, values[names.index(name)]))
        return found


def _call_value(
    definition: StatisticDefinition, tallies: list[QueueTally], now: float, threshold: tuple[int, int] | None
) -> float:
    measure = definition.measure
    answered = sum(len(tally.answered_waits) for tally in tallies)
    abandoned = sum(len(tally.abandoned_waits) for tally in tallies)
    counts: dict[str, Callable[[], float]] = {
        "answered": lambda: answered,
        "abandoned": lambda: abandoned,
        "waiting": lambda: sum(len(tally.waiting) for tally in tallies),
        "longest_waiting": lambda: round(
            max((now - since for tally in tallies for since in tally.waiting.values()), default=0.0)
        ),
        "average_wait": lambda: (
            round(sum(tally.total_wait for tally in tallies) / (answered + abandoned)) if answered or abandoned else 0
        ),
    }
    if measure in counts:
        return counts[measure]()
    assert threshold is not None
    left, right = threshold
    within = sum(tally.within(tally.answered_waits, left, right) for tally in tallies)
    if measure == "answered_in_range":
        total = answered
    else:  # service_factor: answered, and abandoned after the second time range
        late = definition.time_range2[1] if definition.time_range2 else 0
        total = answered + sum(tally.longer(tally.abandoned_waits, late) for tally in tallies)
    return round(100 * within / total, 2) if total else 0
