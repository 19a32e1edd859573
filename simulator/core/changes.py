"""The changes of the World that are neither a call, a device nor an interaction: a password changed, the
contact center provisioned, the World reset. Plain data, appended to the event stream (`events`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PasswordChanged:
    """The outcome of a password change or reset of `user_id`, made by `by_id`; `failure` is the
    (errorCode, message) of a refused attempt, None for a success."""

    user_id: str
    by_id: str
    failure: tuple[int, str] | None = None


@dataclass(frozen=True, slots=True)
class CenterChanged:
    """The contact center was provisioned at run time (`what` names the change, e.g. `update_user`).

    `user_ids` are the users whose own view (channels, agent states, devices, roles) it may have changed,
    a user it created among them, so their subscribers can look again at those users only; empty when it
    changed nobody's view.
    """

    what: str
    user_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceStateChanged:
    """A service of the system (`/services`: a T-Server, the Stat Server...) went to `state` (Active,
    Inactive or ReadOnly): the reference tells it on /notifications/services."""

    service_id: str
    state: str


@dataclass(frozen=True, slots=True)
class WorldReset:
    """The World went back to the contact center as loaded, with no call or interaction: subscribers
    start again from what it is now (clients are not told, as after a server restart)."""


ENTERED, ANSWERED, ABANDONED = "entered", "answered", "abandoned"


@dataclass(frozen=True, slots=True)
class QueueCallChanged:
    """A call of a voice queue, or a chat or e-mail of a media queue (`call_id` is then the interaction's
    id), `entered` it, was `answered` by an agent (`user_id`), or was `abandoned`: it ended before any
    agent answered, while waiting or while an agent's phone rang. What the statistics of queues are
    computed from; the caller's leg has no device, so no call event shows it."""

    what: str
    call_id: str
    queue_id: str
    user_id: str | None = None
