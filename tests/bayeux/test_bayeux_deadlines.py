"""Many bounds under one timer: each key past its deadline expires, in time and once; a key removed in
time, or forgotten by close, never does; a deadline earlier than the armed one is still kept."""

from __future__ import annotations

import asyncio

import pytest

from bayeux.deadlines import RESOLUTION, Deadlines, time_out

BOUND = 5.0  # seconds any wait here may take


async def test_bounds_expire_at_their_deadline_unless_removed_in_time() -> None:
    loop = asyncio.get_running_loop()
    deadlines = Deadlines()
    expired: list[str] = []
    now = loop.time()
    middle: asyncio.Future[None] = loop.create_future()
    late: asyncio.Future[None] = loop.create_future()
    deadlines.add(late, now + 0.3, time_out)
    deadlines.add("removed", now + 0.1, expired.append)
    deadlines.add("early", now + 0.05, expired.append)  # earlier than the timer armed so far
    deadlines.add(middle, now + 0.2, time_out)
    deadlines.remove("removed")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(middle, BOUND)
    assert loop.time() >= now + 0.2 - RESOLUTION and expired == ["early"] and not late.done()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(late, BOUND)
    assert loop.time() >= now + 0.3 - RESOLUTION and expired == ["early"]


async def test_what_is_done_in_time_or_closed_is_left_as_it_is() -> None:
    loop = asyncio.get_running_loop()
    deadlines = Deadlines()
    answered: asyncio.Future[int] = loop.create_future()
    deadlines.add(answered, loop.time() + 0.05, time_out)
    answered.set_result(1)
    deadlines.add("closed", loop.time(), pytest.fail)
    deadlines.close()
    later: asyncio.Future[None] = loop.create_future()
    deadlines.add(later, loop.time() + 0.1, time_out)  # due after both: had they been kept, they expired
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(later, BOUND)
    assert answered.result() == 1


def test_a_bound_on_uvloop_expires_in_one_or_two_firings_of_the_timer() -> None:
    """uvloop's timers fire up to a millisecond early: counted, not timed, the timer runs about once a bound
    rather than again and again until its clock ticks over."""
    uvloop = pytest.importorskip("uvloop")
    fired = 0

    async def bounds() -> None:
        nonlocal fired
        loop = asyncio.get_running_loop()
        deadlines = Deadlines()
        fire = deadlines._fire

        def counted() -> None:
            nonlocal fired
            fired += 1
            fire()

        deadlines._fire = counted  # type: ignore[method-assign]
        for number in range(20):
            future: asyncio.Future[None] = loop.create_future()
            deadlines.add(future, loop.time() + 0.0123 + number / 10_000, time_out)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(future, BOUND)

    loop = uvloop.new_event_loop()
    try:
        loop.run_until_complete(bounds())
    finally:
        loop.close()
    assert 20 <= fired <= 40
