"""YAML scenarios: read and check them (`reader`, with the field readers in `fields` and the steps'
in `steps`), run them against a simulator (`runner`) through real
HTTP and Bayeux clients (`agent`, `target`), inbound traffic (`traffic`), and report (`report`, with the
traffic's live lines and CSV); `gwsim check` / `gwsim run` in `command`.

The format is described in scenarios/README.md and simulator/scenario.schema.json.
"""

from .model import Scenario
from .reader import Problem, ScenarioError, check, parse, read
from .runner import ScenarioResult, StepResult, run

__all__ = ["Problem", "Scenario", "ScenarioError", "ScenarioResult", "StepResult", "check", "parse", "read", "run"]
