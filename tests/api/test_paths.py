"""The middlewares' path test: a prefix covers itself and the paths below it, never a longer name."""

from __future__ import annotations

from simulator.api.paths import under


def test_a_prefix_covers_itself_and_what_is_below_it_only() -> None:
    ours = under(("/sim", "/api/v2"))
    assert [ours(path) for path in ("/sim", "/sim/", "/sim/calls", "/api/v2", "/api/v2/me/calls/1")] == [True] * 5
    assert [ours(path) for path in ("/simple", "/si", "/", "", "/api/v20", "/api", "/x/sim")] == [False] * 7
