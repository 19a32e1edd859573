"""The contact center a simulator runs, loaded from a YAML file.

Loading keeps each YAML node's line, so that a mistake in a user's file is reported as
`file:line: reason` rather than as a bare exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .users import ROLES, User

DEFAULT = "default_contact_center.yaml"


class ContactCenterError(ValueError):
    """A contact-center file that cannot be used; the message names the file, the line and the reason."""


@dataclass
class ContactCenter:
    name: str
    users: dict[str, User] = field(default_factory=dict)

    def user_named(self, user_name: str) -> User | None:
        for user in self.users.values():
            if user.userName == user_name:
                return user
        return None


def load_default() -> ContactCenter:
    text = resources.files("simulator").joinpath(DEFAULT).read_text(encoding="utf-8")
    return parse(text, f"<built-in {DEFAULT}>")


def load(path: str | Path) -> ContactCenter:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as problem:
        raise ContactCenterError(f"{path}: cannot read: {problem.strerror}") from None
    return parse(text, str(path))


def parse(text: str, source: str) -> ContactCenter:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as problem:
        line = problem.problem_mark.line + 1 if problem.problem_mark else 1
        raise ContactCenterError(f"{source}:{line}: not valid YAML: {problem.problem}") from None
    reader = _Reader(source)
    top = reader.mapping(root, "the file")
    center = ContactCenter(name=reader.string(top, "name", required=False) or "Contact center")
    for index, node in enumerate(reader.sequence(top.get("users"), "users")):
        entry = reader.mapping(node, f"users[{index}]")
        user_name = reader.string(entry, "userName", where=node)
        if center.user_named(user_name):
            reader.fail(entry["userName"], f"users[{index}].userName {user_name!r} is used twice")
        roles = [reader.scalar(role, f"users[{index}].roles") for role in reader.sequence(entry.get("roles"), "roles")]
        for role_node, role in zip(reader.sequence(entry.get("roles"), "roles"), roles, strict=True):
            if role not in ROLES:
                reader.fail(role_node, f"users[{index}].roles: {role!r} is not one of {', '.join(ROLES)}")
        user = User(
            id=f"user{index + 1}",
            userName=user_name,
            password=reader.string(entry, "password", where=node),
            firstName=reader.string(entry, "firstName", required=False) or "",
            lastName=reader.string(entry, "lastName", required=False) or "",
            roles=roles or ["ROLE_AGENT"],
        )
        center.users[user.id] = user
    return center


class _Reader:
    """Typed access to YAML nodes that reports the line of whatever is wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node | None, reason: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        raise ContactCenterError(f"{self.source}:{line}: {reason}")

    def mapping(self, node: yaml.Node | None, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping")
        result: dict[str, yaml.Node] = {}
        for key, value in node.value:
            result[str(key.value)] = value
        result["__node__"] = node
        return result

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list")
        return list(node.value)

    def scalar(self, node: yaml.Node, what: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be a single value")
        return yaml.SafeLoader(" ").construct_object(node)

    def string(self, entry: dict[str, yaml.Node], key: str, required: bool = True, where: Any = None) -> str | None:
        node = entry.get(key)
        if node is None:
            if required:
                self.fail(where or entry.get("__node__"), f"{key} is missing")
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            self.fail(node, f"{key} must be a string")
        return str(node.value)
