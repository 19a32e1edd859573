"""Routing: one way for calls and for chat and e-mail interactions to reach the agents who take them.

Work waits per queue (a bucket), in the order it is served; the agents free for a bucket wait too, best
first: the highest level in the queue's skills, then the one free longest, then the earlier user. Work is
offered to one agent at a time for a timeout; an agent who let it lapse or rejected it is chosen again only
when nobody else is free. That part is shared (`lanes.py` the waiting work, the free agents and the choice;
`offers.py` an offer and its timeout; `skills.py` who may take a queue's work, at which level; `engine.py`
that index kept in step with provisioning, user by user, the agents filed under it and the one loop that
offers work) and two thin adapters of the engine drive it: `calls.Router` rings agents' devices through
the telephony (`Telephony.offer`, `withdraw`), which knows it only as `voice.queueing_hook.QueueRouting`;
`interactions.InteractionQueues` says which interaction the multimedia engine invites which agent to.
`counters.py` is what call routing counts for statistics.
"""

from .calls import Router
from .interactions import InteractionQueues
from .skills import SKILL, skilled_agents

__all__ = ["SKILL", "InteractionQueues", "Router", "skilled_agents"]
