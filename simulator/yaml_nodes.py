"""YAML text composed into nodes that keep their lines, for the contact-center and scenario readers.

The C parser (libyaml's `CSafeLoader`) is used where PyYAML was built with it: it composes the same nodes
with the same marks, many times faster than the pure-Python one. A mapping that repeats a key is refused
at the line of the repetition: YAML says keys are unique, and PyYAML would silently keep the last value.
"""

from __future__ import annotations

import yaml

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(ValueError):
    """Text that is not valid YAML for the readers; `line` is 1-based."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def compose(text: str) -> yaml.Node | None:
    """The root node of `text` (None for an empty document), every mapping's keys checked unique."""
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark
        raise YamlProblem(mark.line + 1 if mark else 1, f"not valid YAML: {problem.problem}") from None
    if root is not None:
        _refuse_duplicate_keys(root)
    return root


def _refuse_duplicate_keys(root: yaml.Node) -> None:
    pending = [root]
    seen_nodes: set[int] = set()  # aliases may point back at a node already checked
    while pending:
        node = pending.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    line = key.start_mark.line + 1
                    if key.value in keys:
                        raise YamlProblem(line, f"{key.value}: a key given twice (first on line {keys[key.value]})")
                    keys[key.value] = line
                pending += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            pending += node.value
