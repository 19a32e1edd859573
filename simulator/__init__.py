"""A simulator of a contact center's Web Services API v2 and its CometD notifications.

`api` answers REST requests, `core` holds the contact center and the world that runs it, `notify` turns
the core's events into the reference's notification documents over the Bayeux server, `app` composes
them (with `health`, the request `journal` and the `recorded_calls` behind /recordings), `recording`
records and replays runs, `faults` injects faults on demand, `cli` is the `gwsim` command, `serve` its
server, `library` the ready scenarios installed with the package.

Importing this package imports nothing else: the pytest plugin and `gwsim --version` rely on it.
"""

__version__ = "0.2.0"  # the one place of the version: pyproject.toml reads it
