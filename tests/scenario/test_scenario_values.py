"""References to saved values and partial matching, the two rules every scenario step relies on."""

from __future__ import annotations

import pytest

from simulator.scenario.values import Unresolved, mismatch, references, resolve

SAVED = {"call": {"id": "c1", "participants": ["5002", "+1555"], "n": 3}, "agent1": {"phoneNumber": "5001"}}


def test_a_whole_reference_keeps_the_type_and_a_partial_one_becomes_text() -> None:
    assert resolve("${call.n}", SAVED) == 3
    assert resolve("${call.participants}", SAVED) == ["5002", "+1555"]
    assert resolve("/api/v2/me/calls/${call.id}?n=${call.n}", SAVED) == "/api/v2/me/calls/c1?n=3"
    assert resolve({"to": "${agent1.phoneNumber}", "list": ["${call.participants[1]}"]}, SAVED) == {
        "to": "5001",
        "list": ["+1555"],
    }


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("${nobody}", "no variable 'nobody'"),
        ("${call.nope}", "call.nope does not exist"),
        ("${call.participants[5]}", "call.participants[5] does not exist"),
    ],
)
def test_a_reference_to_nothing_says_which_part_is_missing(text: str, problem: str) -> None:
    with pytest.raises(Unresolved, match=problem.replace("[", r"\[").replace("]", r"\]")):
        resolve(text, SAVED)


def test_references_names_every_variable_used_at_any_depth() -> None:
    assert list(references({"a": ["${x.y}", "pre ${z} post"], "${k}": 1})) == ["x", "z", "k"]


DOCUMENT = {
    "call": {"state": "Held", "participants": ["5002"], "userData": {"a": 1, "b": 2}, "mute": "Off"},
    "agents": {"agent1@example.com": {"n": 1}},
}


@pytest.mark.parametrize(
    "expected",
    [
        {"call.state": "Held"},
        {"call": {"state": "Held"}},
        {"call.userData": {"a": 1}},
        {"call.participants": ["5002"]},
        {"call.participants.0": "5002"},
        {},
        {"agents": {"agent1@example.com": {"n": 1}}},
    ],
)
def test_partial_matches(expected: dict) -> None:
    assert mismatch(expected, DOCUMENT) is None


@pytest.mark.parametrize(
    ("expected", "problem"),
    [
        ({"call.state": "Established"}, "call.state: expected 'Established', got 'Held'"),
        ({"call.recordingState": "Stopped"}, "call.recordingState: missing (expected 'Stopped')"),
        ({"call.participants": []}, "call.participants: expected [], got ['5002']"),
        ({"call.userData": {"a": True}}, "call.userData.a: expected True, got 1"),
        ({"call.mute": ["Off"]}, "call.mute: expected ['Off'], got 'Off'"),
    ],
)
def test_mismatches_name_the_path_and_both_values(expected: dict, problem: str) -> None:
    assert mismatch(expected, DOCUMENT) == problem
