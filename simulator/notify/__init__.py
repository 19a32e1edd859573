"""Notification: the World's events as the reference's CometD messages, delivered to their users.

`notifier.Notifier` subscribes to the World's event stream and renders each event as the documents of
its topic (/v2/me/calls, /v2/me/devices, /v2/me/channels, /v2/me/interactions, /v2/me/workbins, /v2/me,
/v2/users); `endpoint` builds the Bayeux server clients connect to, with who may handshake and subscribe.
"""

from .endpoint import PATH, create_server
from .notifier import Notifier

__all__ = ["PATH", "Notifier", "create_server"]
