"""Scenario steps that expect a value of the Statistics API: read, checked, run, and failing with the
value last seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenario import check, parse, run

HEAD = """\
name: statistics
agents:
  - user: agent1@example.com
    ready: true
steps:
"""


@pytest.mark.parametrize(
    ("step", "reason"),
    [
        ("  - expect: {statistic: ServiceLevel, object: Sales line}\n", "value is missing"),
        ("  - expect: {statistic: ServiceLevel, object: Sales line, value: high}\n", "value must be a number"),
        ("  - expect: {statistic: ServiceLevel, value: 1}\n", "object is missing"),
        ("  - expect: {statistic: ServiceLevel, object: Sales line, value: 1, agent: agent1}\n", "agent is not a"),
        ("  - expect: {statistic: ServiceLevel, object: Sales line, value: 1, within: -2}\n", "within must be"),
    ],
)
def test_bad_statistic_steps_are_named(tmp_path: Path, step: str, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(HEAD + step, encoding="utf-8")
    [problem] = check(path)
    assert problem.line == 6 and reason in problem.reason, problem.reason


async def test_a_statistic_step_passes_when_a_sample_has_the_value() -> None:
    scenario = parse(
        HEAD
        + """\
  - customer: call
    from: "+15551230001"
    to: "8000"
  - expect: {statistic: Total_Answered, object: Sales line, value: 0, within: 10}
    save: answered
  - expect: {statistic: CurrentReadyAgents, object: Sales, value: 0, within: 10}
""",
        "inline.yaml",
    )
    result = await run(scenario)
    assert result.passed, result.failure
    assert result.saved["answered"]["statistic"] == "Total_Answered" and result.saved["answered"]["value"] == 0


@pytest.mark.parametrize(
    ("step", "failure"),
    [
        ("{statistic: Total_Answered, object: Sales line, value: 3, within: 20}", "never was 3 within 20 s: the last"),
        ("{statistic: Nonsense, object: Sales line, value: 3}", "statisticName 'Nonsense'"),
        ("{statistic: ServiceLevel, object: Nobody, value: 3}", "objectId 'Nobody'"),
    ],
)
async def test_a_statistic_step_fails_with_what_it_saw(step: str, failure: str) -> None:
    result = await run(parse(HEAD + f"  - expect: {step}\n", "inline.yaml"))
    assert not result.passed and failure in (result.failure or ""), result.failure
