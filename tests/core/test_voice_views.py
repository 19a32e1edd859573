"""What the engine compares between what a user was told and what a leg shows now."""

from __future__ import annotations

import dataclasses

from simulator.core.voice.events import ATTACHED_DATA_CHANGED, STATUS_CHANGE, CallView
from simulator.core.voice.views import kind_of_change

VIEW = CallView(
    id="c1",
    state="Established",
    call_uuid="u1",
    call_type="Inbound",
    device_id="d1",
    phone_number="5001",
    participants=("+15550100",),
    ani="+15550100",
    dnis="5001",
    user_data={},
    duration=3,
    mute="Off",
    recording_state=None,
    capabilities=("Hold", "Release"),
)


def test_views_that_differ_only_in_duration_are_the_same_but_for_it() -> None:
    later = dataclasses.replace(VIEW, duration=40)
    assert VIEW.same_but_duration(later) and later.same_but_duration(VIEW)
    assert kind_of_change(VIEW, later) is None


def test_any_other_field_makes_views_differ() -> None:
    for change in ({"mute": "On"}, {"capabilities": ("Release",)}, {"monitoring": {"mode": "Coach"}}):
        changed = dataclasses.replace(VIEW, duration=40, **change)  # type: ignore[arg-type]
        assert not VIEW.same_but_duration(changed), change
        assert kind_of_change(VIEW, changed) == STATUS_CHANGE, change
    assert kind_of_change(VIEW, dataclasses.replace(VIEW, user_data={"k": "v"})) == ATTACHED_DATA_CHANGED
