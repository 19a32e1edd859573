"""Statistics under random traffic on a virtual clock: customers call the Sales line and hang up, chat
visitors arrive on the Web chat queue and leave, agents change state, answer and hang up, time passes.

Every sample of the queue adds up: the calls answered, abandoned and still in the queue are the calls
offered to it by then. And every statistic is a function of the event stream: each value sampled at
time t equals the value recomputed, at t, by a fresh `Statistics` handed only the events up to the
sampling (so nothing but the stream feeds the statistics).
"""

from __future__ import annotations

from contextlib import suppress

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from simulator.center_file import load_default
from simulator.core.events import Event
from simulator.core.refusals import Refusal
from simulator.core.voice import VirtualClock, VoiceOptions
from simulator.core.world import World
from simulator.statistics import Statistics

AGENTS = ("agent1@example.com", "agent2@example.com", "agent3@example.com")
CUSTOMERS = tuple(f"+1555000{n:04d}" for n in range(6))
SUMMED = ("Total_Answered", "Total_Abandoned", "Current_In_Queue")


class StatisticsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        center = load_default()
        center.voice_options = VoiceOptions(no_answer_timeout=15)
        self.world = World(center, VirtualClock())
        self.statistics = Statistics(center, self.world.clock)
        self.world.events.subscribe(self.statistics)
        self.log: list[Event] = []  # the whole stream, for replaying into a fresh Statistics
        self.world.events.subscribe(self.log.append)
        self.statistics.start()
        self.queue_id = next(q.id for q in center.queues.values() if q.phoneNumber == "8000")
        self.users = {}
        for name in AGENTS:
            user = center.user_named(name)
            assert user is not None
            self.users[name] = user.id
            self.world.agent_operate(user.id, "StartContactCenterSession", {"channels": ["voice"]})
        self.placed: list[str] = []
        self.chats: list[str] = []
        self.checked = 0  # samples of the queue already checked
        self.offered_then = 0
        self.ticks: list[tuple[float, int]] = []  # (clock time, events seen) of every sampling
        self.replayed = 0
        sample = self.statistics._tick

        def tick(frequency: int) -> None:  # note where in the stream each sampling happens
            self.ticks.append((self.world.clock.now(), len(self.log)))
            sample(frequency)

        self.statistics._tick = tick  # type: ignore[method-assign]

    def _try(self, action) -> None:  # noqa: ANN001
        with suppress(Refusal):  # a refusal changes nothing; the sums must hold all the same
            action()

    @rule(customer=st.sampled_from(CUSTOMERS))
    def customer_calls(self, customer: str) -> None:
        self.placed.append(self.world.place_call(customer, "8000"))

    @rule(index=st.integers(0, 20))
    def customer_hangs_up(self, index: int) -> None:
        if self.placed:
            call_id = self.placed[index % len(self.placed)]
            with suppress(Refusal):
                for number, _state in self.world.remote_parties(call_id):
                    self._try(lambda n=number: self.world.remote_operate(call_id, n, "Hangup"))

    @rule(agent=st.sampled_from(AGENTS), operation=st.sampled_from(["Ready", "NotReady", "AfterCallWork"]))
    def agent_state(self, agent: str, operation: str) -> None:
        self._try(lambda: self.world.channel_operate(self.users[agent], "voice", operation, {}))

    @rule(agent=st.sampled_from(AGENTS), operation=st.sampled_from(["Answer", "Hangup"]))
    def agent_call(self, agent: str, operation: str) -> None:
        user_id = self.users[agent]
        for view in self.world.calls_of(user_id):
            self._try(lambda v=view: self.world.call_operate(user_id, v.id, operation, {}))

    @rule(nickname=st.sampled_from(["Vera", "Ivo"]))
    def visitor_chats(self, nickname: str) -> None:
        self.chats.append(self.world.start_chat("Web chat", nickname))

    @rule(index=st.integers(0, 20))
    def visitor_leaves(self, index: int) -> None:
        if self.chats:
            self._try(lambda: self.world.visitor_operate(self.chats[index % len(self.chats)], "Leave"))

    @rule(seconds=st.sampled_from([0.5, 5, 10, 14.9, 40, 600]))
    def time_passes(self, seconds: float) -> None:
        self.offered_then = len(self.placed)  # no call is placed while the clock moves
        self.world.advance(seconds)

    @invariant()
    def every_sample_adds_up_to_the_calls_offered(self) -> None:
        series = [self.statistics.series(self.queue_id, name) for name in SUMMED]
        assert len({len(values) for values in series}) == 1
        stamps = [[stamp for stamp, _value in values] for values in series]
        assert stamps[0] == stamps[1] == stamps[2]
        for index in range(self.checked, len(series[0])):
            assert sum(values[index][1] for values in series) == self.offered_then
        self.checked = len(series[0])

    @invariant()
    def every_sample_is_recomputed_from_the_stream_up_to_its_time(self) -> None:
        center = self.statistics.center
        for now, seen in self.ticks[self.replayed :]:
            fresh = Statistics(center, _Stopped(now))
            for event in self.log[:seen]:
                fresh(event)
            stamp = round((self.statistics.epoch + now) * 1000)
            for definition in center.statistics:
                for object_id in self.statistics.objects(definition.object_type):
                    sampled = dict(self.statistics.series(object_id, definition.name))
                    if stamp in sampled:  # this sampling was of this statistic's frequency
                        assert sampled[stamp] == fresh.value(definition, object_id), (definition.name, now)
        self.replayed = len(self.ticks)


class _Stopped:
    """A clock that reads `now` forever: the recomputation happens at the sampling's time."""

    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now

    def call_later(self, delay: float, callback):  # noqa: ANN001, ANN201
        raise AssertionError("a recomputation sets no timer")


TestStatistics = StatisticsMachine.TestCase
TestStatistics.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
