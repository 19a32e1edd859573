"""A simulator of a contact center's Web Services API v2 and its CometD notifications.

`api` answers REST requests, `core` holds the contact center and the world that runs it, `notify` turns
the core's events into the reference's notification documents, `notifications` wires the Bayeux server,
`app` composes them, `cli` is the `gwsim` command.
"""

__version__ = "0.2.0"
