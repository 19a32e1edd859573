"""How the simulated telephony behaves: timers, optional features, and what remote numbers do when dialed.

Defaults follow the reference (`seeds/002`); each switch names the other reading a user may need.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

ANSWER = "answer"
BUSY = "busy"
NO_ANSWER = "no_answer"


@dataclass(frozen=True)
class RemoteRule:
    """What an external number does when rung: `outcome` after `delay` seconds.

    `pattern` is a shell-style pattern on the dialed number ("+1555*", "9*", "*"). `answer` picks up,
    `busy` fails the attempt with an error notification, `no_answer` rings until the world answers or
    the no-answer timeout ends the attempt.
    """

    pattern: str
    outcome: str = ANSWER
    delay: float = 2.0

    def __post_init__(self) -> None:
        if self.outcome not in (ANSWER, BUSY, NO_ANSWER):
            raise ValueError(f"outcome must be answer, busy or no_answer, not {self.outcome!r}")

    def matches(self, number: str) -> bool:
        return fnmatch.fnmatchcase(number, self.pattern)


@dataclass(frozen=True)
class VoiceOptions:
    """Switches of the voice core.

    - `remote_rules`: first matching rule decides an external number's behaviour; none matching means
      `default_remote`.
    - `no_answer_timeout`: seconds an unanswered party rings before the attempt fails with "No answer"
      (None: rings until someone acts).
    - `busy_delay`: seconds before a busy signal (or Do Not Disturb) is reported; a real network takes a
      moment, and the dialer sees Dialing first.
    - `wrap_up_seconds`: after-call work length after an established call ends (None or 0: no automatic
      after-call work). The desktop hint `WrapUpTime` of real servers carries the same number.
    - `mute`: offer MuteCall/UnmuteCall. The reference lists the operations but none of its capability
      examples shows them; keep True so capabilities match what is accepted, or False to reproduce the
      examples' lists exactly (the operations are then refused).
    - `recording`: call recording is enabled in this contact center ("In contact centers where call
      recording is enabled..."): recordingState and the four recording operations.
    - `clear_call`: offer ClearCall on a ringing or established call, as a real 8.5 server does (gws-notes); the
      reference's operation table does not list it.
    - `forward_hops`: how many forwards a call follows before it counts as unreachable (loops end there).
    """

    remote_rules: tuple[RemoteRule, ...] = ()
    default_remote: RemoteRule = field(default_factory=lambda: RemoteRule("*", ANSWER, 2.0))
    no_answer_timeout: float | None = 30.0
    busy_delay: float = 0.5
    wrap_up_seconds: float | None = None
    mute: bool = True
    recording: bool = True
    clear_call: bool = True
    forward_hops: int = 5

    def remote_rule(self, number: str) -> RemoteRule:
        for rule in self.remote_rules:
            if rule.matches(number):
                return rule
        return self.default_remote
