"""Every scenario in scenarios/ passes against an in-process simulator, and fits the published schema."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from simulator.scenario import read, run

LIBRARY = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))


def test_the_library_covers_the_reference_flows() -> None:
    names = {path.stem for path in LIBRARY}
    assert {
        "inbound_answer_hangup", "outbound_dial", "hold_retrieve", "single_step_transfer", "two_step_transfer",
        "single_step_conference", "two_step_conference", "call_recording", "mute", "dtmf", "do_not_disturb",
        "call_forwarding", "agent_states", "queue_routing", "abandoned_call", "simulated_hour",
    } <= names  # fmt: skip


@pytest.mark.parametrize("path", LIBRARY, ids=[path.stem for path in LIBRARY])
async def test_scenario_passes(path: Path) -> None:
    result = await run(read(path))
    assert result.passed, result.failure
    assert len(result.steps) == len(result.scenario.steps)


@pytest.mark.parametrize("path", LIBRARY, ids=[path.stem for path in LIBRARY])
def test_scenario_fits_the_schema(path: Path) -> None:
    schema = json.loads(resources.files("simulator").joinpath("scenario.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
