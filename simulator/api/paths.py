"""Whether a request path is under one of some prefixes: each middleware asks on every request, so the
question is prepared once, when the middleware is made."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def under(prefixes: Iterable[str]) -> Callable[[str], bool]:
    """A test true for each prefix itself and every path below it (`/sim`, `/sim/calls`; not `/simple`)."""
    exact = frozenset(prefixes)
    below = tuple(prefix + "/" for prefix in exact)

    def test(path: str) -> bool:
        return path in exact or path.startswith(below)

    return test
