"""The virtual clock the voice core's timers run on, and the tables' fast capability check."""

from __future__ import annotations

import asyncio

from voice_rig import CUSTOMER, Rig

from simulator.core.voice import CALL_OPERATIONS, AsyncioClock, VirtualClock


def test_callbacks_run_in_time_order_then_scheduling_order() -> None:
    clock = VirtualClock()
    ran: list[tuple[str, float]] = []
    clock.call_later(2, lambda: ran.append(("b", clock.now())))
    clock.call_later(1, lambda: ran.append(("a", clock.now())))
    clock.call_later(2, lambda: ran.append(("c", clock.now())))
    clock.advance(1.5)
    assert ran == [("a", 1.0)] and clock.now() == 1.5
    clock.advance(10)
    assert ran == [("a", 1.0), ("b", 2.0), ("c", 2.0)] and clock.now() == 11.5


def test_callbacks_scheduled_by_callbacks_run_within_the_same_advance() -> None:
    clock = VirtualClock()
    ran: list[float] = []
    clock.call_later(1, lambda: clock.call_later(1, lambda: ran.append(clock.now())))
    clock.advance(2)
    assert ran == [2.0]


def test_cancelled_callbacks_do_not_run_and_are_not_pending() -> None:
    clock = VirtualClock()
    ran: list[int] = []
    handle = clock.call_later(1, lambda: ran.append(1))
    clock.call_later(0, lambda: ran.append(0))
    assert clock.pending() == 2
    handle.cancel()
    assert clock.pending() == 1
    clock.advance(0)
    clock.advance(5)
    assert ran == [0]


def test_fast_capability_check_agrees_with_transitions() -> None:
    """`Leg.may` reads the tables directly; it must answer as transitions' own `may_<trigger>` does."""
    rig = Rig()
    call_id = rig.inbound(1, CUSTOMER)
    rig.op(1, call_id, "StartCallRecording")
    rig.op(1, call_id, "InitiateTransfer", destination="5002")
    consult = rig.calls(2)[0].id
    rig.op(2, consult, "Answer")
    rig.op(2, consult, "MuteCall")
    rig.dial(3, "5001")
    engine = rig.engine
    legs = [party for call in engine._calls.values() for party in call.legs()]  # noqa: SLF001 - a white-box check
    assert {leg.state for leg in legs} == {"Held", "Established", "Ringing", "Dialing"}
    for leg in legs:
        for operation in CALL_OPERATIONS:
            assert leg.may(operation) == getattr(leg, f"may_{operation}")(), (leg.state, operation)


def test_the_asyncio_clock_schedules_on_the_loop() -> None:
    loop = asyncio.new_event_loop()
    try:
        clock = AsyncioClock(loop)
        done = loop.create_future()
        start = clock.now()
        clock.call_later(0.01, lambda: done.set_result(clock.now()))
        assert loop.run_until_complete(done) >= start + 0.01
    finally:
        loop.close()
