"""The shared part of routing on its own: which waiting work goes first across buckets, and which free
agent takes it (level, then free longest, then user order, then device; the tried set last)."""

from __future__ import annotations

from simulator.core.routing.lanes import Lanes


def _lanes() -> Lanes[str]:
    """Agents a (level 5, free since 3), b (level 5, free since 1), c (level 9, free since 2, user order
    after both), each free for bucket Q; c also for bucket R."""
    lanes: Lanes[str] = Lanes()
    lanes.free("a", "user-a", 3.0, [("Q", 5)], order=0)
    lanes.free("b", "user-b", 1.0, [("Q", 5)], order=1)
    lanes.free("c", "user-c", 2.0, [("Q", 9), ("R", 1)], order=2)
    return lanes


def _take(lanes: Lanes[str]) -> tuple[str, str] | None:
    entry = lanes.next_ready()
    if entry is None:
        return None
    choice = lanes.choose(entry)
    assert choice is not None
    lanes.remove(entry.work_id)
    lanes.busy(choice[0])
    return entry.work_id, choice[0]


def test_the_highest_level_then_the_longest_free_takes_the_work() -> None:
    lanes = _lanes()
    for work in ("w1", "w2", "w3"):
        lanes.wait(work, "Q", lanes.turn_at_back())
    assert [_take(lanes) for _ in range(4)] == [("w1", "c"), ("w2", "b"), ("w3", "a"), None]


def test_equal_level_and_time_go_to_the_earlier_user_then_the_earlier_device() -> None:
    lanes: Lanes[str] = Lanes()
    lanes.free("second-device", "u1", 0.0, [("Q", 1)], order=0, place=1)
    lanes.free("other-user", "u2", 0.0, [("Q", 1)], order=1, place=0)
    lanes.free("first-device", "u1", 0.0, [("Q", 1)], order=0, place=0)
    for work in ("w1", "w2", "w3"):
        lanes.wait(work, "Q", lanes.turn_at_back())
    assert [_take(lanes) for _ in range(3)] == [("w1", "first-device"), ("w2", "second-device"), ("w3", "other-user")]


def test_work_is_served_by_turn_across_buckets_and_a_turn_at_the_front_goes_first() -> None:
    lanes = _lanes()
    lanes.wait("late", "Q", lanes.turn_at_back())
    lanes.wait("later", "R", lanes.turn_at_back())
    lanes.wait("back-again", "R", lanes.turn_at_front())
    assert _take(lanes) == ("back-again", "c")  # c was R's only agent: "later" waits for another
    assert _take(lanes) == ("late", "b")
    assert _take(lanes) is None and "later" in lanes


def test_a_user_tried_before_is_chosen_only_when_nobody_else_is_free() -> None:
    lanes = _lanes()
    entry = lanes.wait("w", "Q", lanes.turn_at_back(), tried={"user-c", "user-b"})
    assert lanes.choose(entry) == ("a", "user-a")
    lanes.busy("a")
    assert lanes.choose(entry) == ("c", "user-c")  # everyone free was tried: the best of them


def test_an_agent_busy_and_free_again_counts_as_free_from_the_later_time() -> None:
    lanes = _lanes()
    lanes.busy("b")
    lanes.free("b", "user-b", 4.0, [("Q", 5)], order=1)
    lanes.busy("c")
    lanes.wait("w", "Q", lanes.turn_at_back())
    assert _take(lanes) == ("w", "a")  # a free since 3, b only since 4 now
    lanes.wait("x", "Q", lanes.turn_at_back())
    lanes.remove("x")
    assert lanes.next_ready() is None  # work gone is no longer routed
