"""What queue routing counts for /sim/state: per queue the calls offered, answered and abandoned with
their waits, and per agent the calls routed to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class QueueCounters:
    """What happened to the calls of one queue; waits are in seconds on the simulator's clock."""

    offered: int = 0  # calls that entered the queue
    answered: int = 0
    abandoned: int = 0
    ring_no_answer: int = 0  # offers an agent let ring out
    total_wait: float = 0.0  # queue entry to answer, summed over answered calls
    longest_wait: float = 0.0

    def document(self, waiting: int) -> dict[str, Any]:
        average = self.total_wait / self.answered if self.answered else 0.0
        return {
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "ringNoAnswer": self.ring_no_answer,
            "waiting": waiting,
            "averageWait": round(average, 3),
            "longestWait": round(self.longest_wait, 3),
        }


@dataclass
class AgentCounters:
    """What routing did with one agent."""

    offered: int = 0
    answered: int = 0  # routed calls the agent handled
    no_answer: int = 0

    def document(self) -> dict[str, Any]:
        return {"offered": self.offered, "answered": self.answered, "noAnswer": self.no_answer}
