"""A Bayeux 1.0 (CometD) server for aiohttp, with no knowledge of what it carries.

Mount it in any aiohttp application with `mount(app, "/cometd", BayeuxServer())`, then push with
`server.publish(channel, data)` (every subscriber) or `server.deliver(user, channel, data)` (the sessions
of one user). A `SecurityPolicy` decides who may handshake, subscribe and publish; `Extension`s hook into
every message received and reply sent (the acknowledge extension is one, registered by default).
"""

from .ack import AcknowledgeExtension
from .extension import Extension
from .mount import SERVER_KEY, mount
from .options import Options
from .policy import SecurityPolicy
from .server import BayeuxServer
from .session import ServerSession
from .session_store import SessionStore

__all__ = [
    "SERVER_KEY",
    "AcknowledgeExtension",
    "BayeuxServer",
    "Extension",
    "Options",
    "SecurityPolicy",
    "ServerSession",
    "SessionStore",
    "mount",
]
