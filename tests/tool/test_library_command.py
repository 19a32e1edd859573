"""The scenario library by name: `gwsim scenarios`, `--library` for check and run, and the real-clock
tolerance of numbers."""

from __future__ import annotations

import pytest

from simulator.cli import main
from simulator.scenario import library, values


def test_scenarios_lists_every_library_file_with_its_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == library.names()
    assert "queue_routing" in library.names() and "simulated_hour" in library.names()
    assert all(len(line.split(None, 1)) == 2 for line in lines), lines  # every one has its title


def test_check_takes_library_names_and_patterns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--library", "chat_*", "--library", "dtmf"]) == 0
    chats = [name for name in library.names() if name.startswith("chat_")]
    assert capsys.readouterr().out.strip() == f"{len(chats) + 1} scenario file(s) OK"


@pytest.mark.parametrize("command", ["check", "run"])
def test_an_unknown_name_is_refused_before_anything_runs(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--library", "no_such_flow"]) == 2
    assert "no library scenario 'no_such_flow' (gwsim scenarios lists them)" in capsys.readouterr().err


def test_nothing_to_run_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    assert "give scenario files, or --library NAME" in capsys.readouterr().err


def test_numbers_match_within_the_tolerance_only_when_given() -> None:
    assert values.mismatch({"longestWait": 30.0}, {"longestWait": 30.011}) is not None
    assert values.mismatch({"longestWait": 30.0}, {"longestWait": 30.011}, tolerance=0.5) is None
    assert values.mismatch({"offered": 3}, {"offered": 4}, tolerance=values.REAL_CLOCK_TOLERANCE) is not None
    assert values.mismatch({"on": True}, {"on": 1}, tolerance=0.5) is not None  # booleans are not numbers
