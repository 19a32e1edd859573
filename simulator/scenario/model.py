"""A scenario as read from YAML: who takes part and the steps, each remembering the line it came from.

Values inside steps may still hold `${...}` references; they are resolved when the step runs, against
what earlier steps saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..distributions import Distribution

DEFAULT_PASSWORD = "password"
DEFAULT_ADMIN = ("admin@example.com", DEFAULT_PASSWORD)
DEFAULT_TIMEOUT = 10.0
TOPICS = ("/v2/me/calls", "/v2/me/devices", "/v2/me/channels", "/v2/me", "/v2/me/interactions", "/v2/me/workbins")
VISITOR_ACTIONS = {"chat": None, "message": "SendMessage", "typing": "StartTyping", "stoptyping": "StopTyping",
                   "leave": "Leave"}  # fmt: skip
CHANNELS = ("voice", "chat", "email")
WEBSOCKET = "websocket"
TRANSPORTS = (WEBSOCKET, "long-polling")  # an agent's Bayeux client, as a desktop's CometD client chooses
WORLD_ACTIONS = {"call": None, "hangup": "Hangup", "dtmf": "SendDtmf", "answer": "Answer"}


@dataclass(frozen=True)
class AgentSpec:
    """A user the scenario logs in: REST credentials, a Bayeux client on every /v2/me topic."""

    name: str  # how steps call this agent (default: the user name before '@')
    user: str
    password: str
    session: bool  # StartContactCenterSession on `channels` before the steps
    ready: bool  # then Ready
    line: int
    channels: tuple[str, ...] = ("voice",)
    transport: str = WEBSOCKET  # of its Bayeux client, one of TRANSPORTS


@dataclass(frozen=True, kw_only=True)
class Step:
    number: int
    line: int
    title: str | None = None
    save: str | None = None

    def describe(self) -> str:
        return self.title or type(self).__name__


@dataclass(frozen=True, kw_only=True)
class Reply:
    """What a REST answer must show: HTTP status (optional), statusCode (default 0) and a body subset."""

    status: int | None = None
    status_code: int | None = 0
    body: Any = None


@dataclass(frozen=True, kw_only=True)
class Operation(Step):
    """An agent posts `{"operationName": ..., **params}` on the operation's path."""

    agent: str
    operation: str
    call: Any = None
    interaction: Any = None
    path: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    reply: Reply = field(default_factory=Reply)

    def describe(self) -> str:
        on = self.call or self.interaction
        return self.title or f"{self.agent} {self.operation}" + (f" on {on}" if on else "")


@dataclass(frozen=True, kw_only=True)
class Request(Step):
    """Any REST request, with the credentials of one of the scenario's agents."""

    agent: str
    method: str
    path: Any
    json: Any = None
    reply: Reply = field(default_factory=Reply)

    def describe(self) -> str:
        return self.title or f"{self.agent} {self.method} {self.path}"


@dataclass(frozen=True, kw_only=True)
class World(Step):
    """The simulated world acts through the control API: a customer calls, hangs up, answers, presses keys."""

    action: str
    call: Any = None
    caller: Any = None
    to: Any = None
    party: Any = None
    digits: Any = None
    user_data: Any = None

    def describe(self) -> str:
        if self.title:
            return self.title
        if self.action == "call":
            return f"customer {self.caller} calls {self.to}"
        return f"customer {self.action} on {self.call}" + (f" ({self.digits})" if self.digits else "")


@dataclass(frozen=True, kw_only=True)
class Visitor(Step):
    """A chat visitor acts through the control API: starts a chat on a queue, types, sends, leaves."""

    action: str
    chat: Any = None
    queue: Any = None
    nickname: Any = None
    subject: Any = None
    text: Any = None

    def describe(self) -> str:
        if self.title:
            return self.title
        if self.action == "chat":
            return f"visitor {self.nickname} starts a chat"
        return f"visitor {self.action} on {self.chat}" + (f": {self.text}" if self.text else "")


@dataclass(frozen=True, kw_only=True)
class Email(Step):
    """An e-mail arrives from `sender` on an e-mail queue, through the control API."""

    sender: Any
    to: Any = None
    cc: Any = None
    queue: Any = None
    subject: Any = None
    text: Any = None
    attachments: Any = None

    def describe(self) -> str:
        return self.title or f"e-mail from {self.sender}" + (f": {self.subject}" if self.subject else "")


@dataclass(frozen=True, kw_only=True)
class Wait(Step):
    seconds: float

    def describe(self) -> str:
        return self.title or f"wait {self.seconds:g} s"


@dataclass(frozen=True, kw_only=True)
class Expect(Step):
    """A notification the agent must receive on `topic` within `within` seconds, matching `match`.

    With `count`, exactly that many matching notifications must arrive in the whole window (0: never).
    """

    agent: str
    topic: str
    match: dict[str, Any]
    within: float
    count: int | None = None

    def describe(self) -> str:
        if self.title:
            return self.title
        what = ", ".join(f"{key}={value}" for key, value in self.match.items())
        times = "" if self.count is None else f" x{self.count}"
        return f"{self.agent} gets {self.topic} {what}{times} within {self.within:g} s"


@dataclass(frozen=True, kw_only=True)
class ExpectStatistic(Step):
    """A statistic of an object (a queue, skill or agent, by name or id) whose sample must have `value`
    within `within` seconds: the latest sample now, or a later one as the clock moves on."""

    statistic: str
    object: Any
    value: Any
    within: float

    def describe(self) -> str:
        return self.title or f"{self.statistic} of {self.object} is {self.value} within {self.within:g} s"


@dataclass(frozen=True)
class TrafficSpec:
    """Inbound traffic: customers call `to` for `duration` seconds; the gaps, talk, wrap-up and patience
    times are drawn from a generator seeded with `seed`."""

    to: Any
    duration: float
    seed: int
    arrivals: Distribution
    talk: Distribution
    wrap_up: Distribution
    patience: Distribution
    agents: tuple[str, ...]  # the scenario's agents who take the calls (empty: all of them)


@dataclass(frozen=True, kw_only=True)
class Traffic(Step):
    """Inbound traffic played until every call it started has ended; saves its counters."""

    spec: TrafficSpec

    def describe(self) -> str:
        spec = self.spec
        return self.title or f"traffic to {spec.to} for {spec.duration:g} s (seed {spec.seed})"


@dataclass(frozen=True)
class Scenario:
    source: str
    name: str
    description: str | None
    contact_center: str | None  # a path, None for the built-in one
    timeout: float
    admin: tuple[str, str]
    variables: dict[str, Any]
    agents: tuple[AgentSpec, ...]
    steps: tuple[Step, ...]
    faults: dict[str, Any] | None = None  # a fault plan put in force after the agents log in (/sim/faults)
