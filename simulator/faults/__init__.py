"""Faults on demand: what a client must survive, injected on purpose and seeded, so a failing run repeats.

A plan (`plan.py`, read from `POST /sim/faults` or a scenario's `faults:` section) names added latency and
errors on chosen routes, a rate limit, Bayeux connections dropped and held connects answered late, and
services of the system gone down. `http_faults.py` applies the REST ones, `bayeux_faults.py` the
notification ones, from outside the Bayeux server; `control.py` is `/sim/faults`.
"""

from .plan import FaultPlan, parse
from .state import FAULTS, Faults

__all__ = ["FAULTS", "FaultPlan", "Faults", "parse"]
