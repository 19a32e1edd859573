"""The multimedia core: chat and e-mail interactions, agents' chat and e-mail channels, workbins.

Built on the voice core's machinery (tables of `transitions`, the clock, refusals before any change):
`Multimedia` is the engine every change enters through; `interaction.py` holds the table of an agent's
part in an interaction, `chat.py` a chat session's history, `email.py` e-mail content and replies,
`workbin.py` the agents' workbins, `queueing.py` the queues, `params.py` how parameters are read,
`document.py` the reference's documents and `events.py` what the notifier is handed.
"""

from .events import INTERACTIONS, WORKBINS, ChannelChanged, InteractionMessage, MediaEvent, WorkbinMessage
from .interaction import HANDLING_TRANSITIONS, INTERACTION_OPERATIONS, Handling, Interaction
from .multimedia import MediaOptions, Multimedia
from .workbin import Workbin, workbin_id

__all__ = [
    "HANDLING_TRANSITIONS",
    "INTERACTIONS",
    "INTERACTION_OPERATIONS",
    "WORKBINS",
    "ChannelChanged",
    "Handling",
    "Interaction",
    "InteractionMessage",
    "MediaEvent",
    "MediaOptions",
    "Multimedia",
    "Workbin",
    "WorkbinMessage",
    "workbin_id",
]
