"""Both file formats: the C parser where PyYAML has it, the same lines in errors, duplicate keys refused."""

from __future__ import annotations

import pytest
import yaml

from simulator import yaml_nodes
from simulator.center_file import parse as parse_center
from simulator.core.contact_center import ContactCenterError
from simulator.scenario.reader import ScenarioError
from simulator.scenario.reader import parse as parse_scenario

CENTER = """\
name: Twice
users:
  - userName: a@example.com
    password: password
    roles: [agent]
    password: other
"""
SCENARIO = """\
name: Twice
steps:
  - wait: 1
    name: first
    wait: 2
"""


def test_the_c_parser_is_used_where_pyyaml_has_it() -> None:
    expected = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader
    assert yaml_nodes.Loader is expected


def test_a_key_given_twice_in_a_contact_center_file_is_refused_at_its_line() -> None:
    with pytest.raises(ContactCenterError) as refused:
        parse_center(CENTER, "center.yaml")
    assert str(refused.value) == "center.yaml:6: password: a key given twice (first on line 4)"


def test_a_key_given_twice_in_a_scenario_file_is_refused_at_its_line() -> None:
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(SCENARIO, "s.yaml")
    assert [str(problem) for problem in refused.value.problems] == [
        "s.yaml:5: wait: a key given twice (first on line 3)"
    ]


def test_the_same_key_in_different_mappings_and_merge_keys_are_accepted() -> None:
    root = yaml_nodes.compose("a: {x: 1}\nb: {x: 2}\nbase: &b {y: 1}\nc:\n  <<: *b\n  z: 2\n")
    assert isinstance(root, yaml.MappingNode)


@pytest.mark.parametrize("loader", [yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)])
def test_syntax_errors_have_the_same_line_with_either_parser(loader: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_nodes, "Loader", loader)
    with pytest.raises(yaml_nodes.YamlProblem) as problem:
        yaml_nodes.compose("name: x\nsteps:\n  - wait: 1\n  - [unclosed\n")
    assert problem.value.line == 5
