"""Record and replay of a run: every input the World took (REST operations, /sim actions, clock moves)
and the World's event stream, with simulated times, as JSON lines; a replay plays the inputs on a fresh
simulator and compares its stream with the recorded one; a recording converts to a scenario.

The recorder is a subscriber of the World's one event stream and knows nothing of what else subscribes.
"""

from .recorder import Recorder, Recording

__all__ = ["Recorder", "Recording"]
