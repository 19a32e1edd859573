"""The event loop the simulator's commands run on, chosen in one place: uvloop's where it is installed
(its sockets and timers are C, which the Bayeux server's long-polling measures at Faye's CPU per message,
against 1.2 times on asyncio's), else asyncio's own."""

from __future__ import annotations

import asyncio
import importlib.util

LOOPS = ("auto", "asyncio", "uvloop")


def available(loop: str) -> bool:
    """Whether `loop` (one of LOOPS) can be had here."""
    return loop != "uvloop" or importlib.util.find_spec("uvloop") is not None


def runner(loop: str = "auto") -> asyncio.Runner:
    """An asyncio.Runner on uvloop's loop for auto or uvloop when it is installed, else on asyncio's."""
    if loop == "asyncio" or importlib.util.find_spec("uvloop") is None:
        return asyncio.Runner()
    import uvloop

    return asyncio.Runner(loop_factory=uvloop.new_event_loop)
