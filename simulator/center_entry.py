"""One mapping of a contact-center file, read field by field: each value is checked for its type and
every mistake names the file, the line and the field's path (`users[2].password`).

The file's sections are read into `ContactCenter` calls by `center_file`; this module knows only YAML
nodes and their lines.
"""

from __future__ import annotations

from typing import Any, Literal, NoReturn, overload

import yaml

from .core.contact_center import ContactCenterError
from .core.refusals import Refusal

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
BOOL = "tag:yaml.org,2002:bool"
FLOAT = "tag:yaml.org,2002:float"
NULL = "tag:yaml.org,2002:null"


class Entry:
    """A YAML mapping and the path that names it in messages, e.g. `users[2]`."""

    def __init__(self, source: str, node: yaml.Node, path: str) -> None:
        self.source = source
        self.node = node
        self.path = path
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{path or 'the file'} must be a mapping")
        self.fields: dict[str, yaml.Node] = {}
        for key, value in node.value:
            self.fields[str(key.value)] = value

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, node: yaml.Node | None, reason: str) -> NoReturn:
        line = (node or self.node).start_mark.line + 1
        raise ContactCenterError(f"{self.source}:{line}: {reason}")

    def line_of(self, key: str) -> yaml.Node:
        return self.fields.get(key, self.node)

    def only(self, *known: str) -> None:
        for key, value in self.fields.items():
            if key not in known:
                self.fail(value, f"{self.name(key)} is not a known field (known: {', '.join(known)})")

    def _scalar(self, key: str, tag: str, what: str, required: bool) -> Any:
        node = self.fields.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
            if required:
                self.fail(self.node, f"{self.name(key)} is missing")
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != tag:
            hint = ' (quote it: "5001")' if tag == STR and node.tag == INT else ""
            self.fail(node, f"{self.name(key)} must be {what}{hint}")
        return yaml.SafeLoader("").construct_object(node)

    @overload
    def string(self, key: str, required: Literal[True] = True) -> str: ...
    @overload
    def string(self, key: str, required: bool) -> str | None: ...
    def string(self, key: str, required: bool = True) -> str | None:
        value = self._scalar(key, STR, "a string", required)
        if value is not None and not value.strip():
            self.fail(self.fields[key], f"{self.name(key)} must not be empty")
        return value

    @overload
    def integer(self, key: str, required: Literal[True] = True) -> int: ...
    @overload
    def integer(self, key: str, required: bool) -> int | None: ...
    def integer(self, key: str, required: bool = True) -> int | None:
        return self._scalar(key, INT, "an integer", required)

    def seconds(self, key: str, *, positive: bool = False) -> float | None:
        """A duration in seconds, 0 or more (above 0 when `positive`), written as an integer or a decimal
        number."""
        node = self.fields.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (INT, FLOAT):
            self.fail(node, f"{self.name(key)} must be a number of seconds")
        value = float(yaml.SafeLoader("").construct_object(node))
        if positive and value <= 0:
            self.fail(node, f"{self.name(key)} must be above 0 seconds")
        if value < 0:
            self.fail(node, f"{self.name(key)} must be 0 or more seconds")
        return value

    @overload
    def boolean(self, key: str, required: Literal[True]) -> bool: ...
    @overload
    def boolean(self, key: str, required: bool = False) -> bool | None: ...
    def boolean(self, key: str, required: bool = False) -> bool | None:
        return self._scalar(key, BOOL, "true or false", required)

    def items(self, key: str) -> list[tuple[str, yaml.Node]]:
        """The elements of a list field, each with its path such as `users[0].skills[1]`."""
        node = self.fields.get(key)
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{self.name(key)} must be a list")
        return [(f"{self.name(key)}[{index}]", item) for index, item in enumerate(node.value)]

    def entries(self, key: str) -> list[Entry]:
        return [Entry(self.source, item, path) for path, item in self.items(key)]

    def strings(self, key: str) -> list[str]:
        result = []
        for path, item in self.items(key):
            if not isinstance(item, yaml.ScalarNode) or item.tag != STR:
                self.fail(item, f"{path} must be a string")
            result.append(item.value)
        return result

    def child(self, key: str) -> Entry | None:
        node = self.fields.get(key)
        return None if node is None else Entry(self.source, node, self.name(key))

    def refused(self, refusal: Refusal, key: str | None = None) -> NoReturn:
        """Report a refusal of the contact center at the line of this entry (or of one of its fields)."""
        node = self.fields.get(key) if key else None
        reason = refusal.message.removeprefix("Operation forbidden, ")
        self.fail(node, f"{self.name(key) if key else self.path}: {reason}")


def plain(node: yaml.Node) -> Any:
    """The Python value of a node (used for free-form settings, whose content the file decides)."""
    loader = yaml.SafeLoader("")
    return loader.construct_document(node)
