"""The work of one multimedia operation does not grow with the contact center.

Work is counted, not timed: the engine's own checks are wrapped with counters (whether an agent is free,
who holds an interaction, which handlings are live, which capabilities a handling has, who may take a
queue's work) and one operation's calls are compared in a small contact center, in one with a hundred
times the agents, and in one with fifty times the interactions going on. An engine that scanned agents
or interactions after an action would count more in the larger ones.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from simulator.center_file import load_default
from simulator.core.contact_center import ContactCenter
from simulator.core.media import Handling, Interaction, Multimedia
from simulator.core.routing import skills
from simulator.core.voice import VirtualClock

CASES = {"small": (20, 10), "many agents": (2000, 10), "many interactions": (20, 500)}


class Counted:
    """Counters around the engine's checks, installed for one test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: Counter[str] = Counter()
        self._wrap(monkeypatch, Multimedia, "_free")
        self._wrap(monkeypatch, Interaction, "handling_of")
        self._wrap(monkeypatch, Interaction, "live_handlings")
        self._wrap(monkeypatch, skills, "skilled_agents")
        capabilities = Handling.capabilities.fget  # type: ignore[attr-defined]
        monkeypatch.setattr(Handling, "capabilities", property(self._counting("capabilities", capabilities)))

    def _wrap(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
        monkeypatch.setattr(owner, name, self._counting(name, getattr(owner, name)))

    def _counting(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return function(*args, **kwargs)

        return counted

    def of(self, operation: Callable[[], Any]) -> dict[str, int]:
        self.calls.clear()
        operation()
        return dict(self.calls)


def contact_center(agents: int) -> tuple[ContactCenter, str]:
    """The default contact center grown to `agents` more agents with the chat queue's skill, all Ready on
    chat (as a contact-center file could start them), and one more agent, logged in but Not Ready, with
    the best level: the one the measured operations are about."""
    center = load_default()
    support = center.skill_named("Support")
    assert support is not None
    ready = center.agent_state("Ready")
    for number in range(agents):
        user = center.add_user(f"load{number}@example.com", "password")
        center.assign_skill(user, support, number % 5)
        user.channels["chat"].user_state = ready  # type: ignore[assignment]
    measured = center.add_user("measured@example.com", "password")
    center.assign_skill(measured, support, 9)
    return center, measured.id


def operations(agents: int, live: int, counted: Counted) -> dict[str, dict[str, int]]:
    """The counts of each measured operation in a contact center of `agents` with `live` chats going on."""
    center, measured = contact_center(agents)
    media = Multimedia(center, VirtualClock(), lambda event: None)
    media.configure({"capacity": 50})
    for _ in range(live):
        chat = media.start_chat("Web chat", "Visitor", text="hello")
        [invited] = media.interactions[chat].live_handlings()
        media.operate(invited.user_id, chat, "Accept")
    media.user_operate(measured, "StartContactCenterSession")
    assert len(media.live()) == live and media.waiting() == []

    counts = {"ready": counted.of(lambda: media.user_operate(measured, "Ready"))}
    arrived: list[str] = []
    counts["arrival"] = counted.of(lambda: arrived.append(media.start_chat("Web chat", "Vera", text="hi")))
    [chat] = arrived
    assert [interaction.id for interaction in media.of_user(measured)] == [chat]  # the best level was chosen
    counts["accept"] = counted.of(lambda: media.operate(measured, chat, "Accept"))
    counts["message"] = counted.of(lambda: media.operate(measured, chat, "SendMessage", {"text": "How can I help?"}))
    counts["complete"] = counted.of(lambda: media.operate(measured, chat, "Complete"))
    counts["not ready"] = counted.of(lambda: media.user_operate(measured, "NotReady"))
    assert media.of_user(measured) == [] and len(media.live()) == live
    return counts


def test_one_operation_does_the_same_work_whatever_the_size_of_the_contact_center(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counted = Counted(monkeypatch)
    measured = {case: operations(agents, live, counted) for case, (agents, live) in CASES.items()}
    small = measured["small"]
    assert small["arrival"].get("_free", 0) > 0  # the counters do see the engine's checks
    assert measured["many agents"] == small
    assert measured["many interactions"] == small
