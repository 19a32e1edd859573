"""The multimedia core: chat and e-mail interactions, agents' chat and e-mail channels, workbins.

Built on the core's machinery (tables of `transitions`, the clock, refusals before any change):
`Multimedia` (`multimedia.py`) is the engine every change enters through, one facade over the concepts it
is made of: `agent_channels.py` the agents' chat and e-mail channels (models of the agent-state machine
every channel has, `core.agent_state`) and when an agent is free,
`operations.py` the operations on an interaction and their table of handlers, `chat_work.py` what agents
and visitors do in a chat, `email_work.py` e-mail arrivals, replies, drafts and attachments, `parking.py`
workbins, `invitations.py` routing as invitations revoked on the clock, `holdings.py` the indexes of who
holds what, `telling.py` what agents are told. The queues and free agents are routing's
(`simulator.core.routing.interactions`). Beneath them: `interaction.py` the table of an agent's
part in an interaction, `chat.py` a chat session's history, `email.py` e-mail content and replies,
`workbin.py` a workbin, `params.py` how parameters are read,
`document.py` the reference's documents and `events.py` what the notifier is handed.
"""

from .events import INTERACTIONS, WORKBINS, ChannelChanged, InteractionMessage, MediaEvent, WorkbinMessage
from .interaction import CHAT_SPELLINGS, HANDLING_TRANSITIONS, INTERACTION_OPERATIONS, Handling, Interaction
from .multimedia import MediaOptions, Multimedia
from .workbin import Workbin, workbin_id

__all__ = [
    "HANDLING_TRANSITIONS",
    "INTERACTIONS",
    "INTERACTION_OPERATIONS",
    "CHAT_SPELLINGS",
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
