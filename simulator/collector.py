"""The cycle collector's thresholds for gwsim's own long-running processes.

A loaded contact center is a large graph of long-lived objects (users, devices, machines and their
transitions), and every request allocates a burst of short-lived containers. Under CPython's default
thresholds (700 allocations) the collector runs so often that it walked that graph for about a seventh of
the server's CPU on the REST load benchmark, though almost nothing it visits is garbage: most of a
request's objects are freed by reference counting before any collection. Letting the young generation
grow to 10,000 objects, and the older ones collect less often, removes most of that work; reference
cycles are still collected, only later.

Only gwsim's own processes (serve, record, scenario) call `tune()`: a test run or an application that
embeds the simulator keeps its interpreter's settings.
"""

from __future__ import annotations

import gc

THRESHOLDS = (10_000, 20, 100)


def tune() -> None:
    """Set the thresholds above, for the rest of this process."""
    gc.set_threshold(*THRESHOLDS)
