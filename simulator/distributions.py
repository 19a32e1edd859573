"""Random times as load tools describe them, drawn from a seeded generator so a run repeats exactly: the
gaps and durations of scenario traffic, the latency and late replies of injected faults."""

from __future__ import annotations

import random
from dataclasses import dataclass

DISTRIBUTIONS = {"constant": 1, "uniform": 2, "exponential": 1, "normal": 2}  # name -> how many parameters


@dataclass(frozen=True)
class Distribution:
    """`constant: x`, `uniform: [low, high]`, `exponential: mean`, `normal: [mean, sd]` (never below 0)."""

    kind: str
    parameters: tuple[float, ...]

    def draw(self, generator: random.Random) -> float:
        if self.kind == "constant":
            return self.parameters[0]
        if self.kind == "uniform":
            return generator.uniform(*self.parameters)
        if self.kind == "exponential":
            return generator.expovariate(1.0 / self.parameters[0]) if self.parameters[0] > 0 else 0.0
        return max(0.0, generator.gauss(*self.parameters))
