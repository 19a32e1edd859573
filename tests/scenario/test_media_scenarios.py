"""The scenario format's chat and e-mail steps: bad ones reported at their line, good ones run end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_scenario_check import GOOD_HEAD, only_problem

from simulator.scenario import check


@pytest.mark.parametrize(
    ("steps", "line", "reason"),
    [
        ("  - {visitor: dance, chat: x}\n", 6, "visitor must be one of chat, message, typing, stoptyping, leave"),
        ("  - {visitor: chat}\n", 6, "visitor chat needs nickname"),
        ("  - {visitor: message, chat: x}\n", 6, "visitor message needs text"),
        ("  - {visitor: leave}\n", 6, "visitor leave needs chat"),
        ("  - {visitor: chat, nickname: V, chat: x}\n", 6, "a new chat has no id yet"),
        ("  - {email: pat@example.org, attachments: log.txt}\n", 6, "attachments must be a list"),
        ("  - {email: pat@example.org, subjekt: Hi}\n", 6, "steps[0].subjekt is not a known field"),
        ("  - agent: agent1\n    operation: Hold\n    interaction: x\n", 7, "'Hold' is not an interaction operation"),
        ("  - {agent: agent1, operation: Accept, interaction: x, call: y}\n", 6, "give call or interaction"),
        ("  - expect: {agent: agent1, topic: /v2/me/chats}\n", 6, "topic must be one of"),
    ],
)
def test_a_bad_chat_or_email_step_is_reported_at_its_line(tmp_path: Path, steps: str, line: int, reason: str) -> None:
    found_line, found_reason = only_problem(tmp_path, GOOD_HEAD + steps)
    assert (found_line, reason in found_reason) == (line, True), found_reason


def test_agents_channels_must_be_known(tmp_path: Path) -> None:
    head = "name: s\nagents:\n  - user: agent1@example.com\n    channels: [chat, fax]\nsteps:\n  - wait: 1\n"
    line, reason = only_problem(tmp_path, head)
    assert line == 4 and "channels must be a non-empty list of voice, chat, email" in reason


def test_the_saved_chat_and_email_names_are_defined_for_later_steps(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "  - {visitor: chat, nickname: Vera}\n"
        "  - {visitor: message, chat: '${chat.id}', text: hi}\n"
        "  - {email: pat@example.org}\n"
        "  - {agent: agent1, operation: Accept, interaction: '${email.id}'}\n"
    )
    path = tmp_path / "good.yaml"
    path.write_text(text, encoding="utf-8")
    assert check(path) == []
