"""A simulator of a contact center's Web Services API v2 and its CometD notifications.

`api` answers REST requests, `core` holds the contact center, `notifications` wires the Bayeux server,
`cli` is the `gwsim` command.
"""
