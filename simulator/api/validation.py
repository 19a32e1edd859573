"""Request bodies: read within a size limit, parsed as a JSON object, checked field by field.

A schema reports every problem at once, each naming its field the way a client wrote it
(`users[2].userName is required`, `level must be an integer between 0 and 100`), in the spirit of
per-field validation messages. Nothing is handed to the contact center until the whole body is valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from ..core.refusals import INVALID, MISSING
from . import bounds
from .keys import BODY
from .responses import Failure

MAX_BODY = 64 * 1024
PHONE = r"^\+?[0-9]{1,20}$"
DIALABLE = r"^\+?[0-9][0-9 ()-]{0,29}$"
EMAIL = r"^[^@\s]+@[^@\s]+$"
_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "boolean": "true or false",
    "array": "a list",
    "object": "a JSON object",
    "any": "any JSON value",
}


async def read_body(request: web.Request, required: bool = True) -> dict[str, Any]:
    """The body as a JSON object within the bounds of `bounds`; an empty body is `{}` when not required."""
    length = request.content_length  # parsed from its header at each reading: read once
    if length is not None and length > MAX_BODY:
        raise Failure(INVALID, f"the request body is {length} bytes; the limit is {MAX_BODY}", 413)
    raw = b""
    content = request.content
    while not content.at_eof():  # a body that has all arrived is one read, with no second one to see its end
        raw += await content.read(MAX_BODY)
        if len(raw) > MAX_BODY:
            raise Failure(INVALID, f"the request body is larger than {MAX_BODY} bytes", 413)
    request[BODY] = raw
    if not raw.strip():
        if required:
            raise Failure(MISSING, "the request body is missing: send a JSON object")
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as problem:
        raise Failure(INVALID, f"the request body is not valid JSON: {problem}") from None
    if not isinstance(data, dict):
        raise Failure(INVALID, f"the request body must be a JSON object, not {_json_type(data)}")
    bounds.check_body(data)
    return data


@dataclass(frozen=True)
class Field:
    """One attribute a client may send, and what makes its value acceptable."""

    name: str
    type: str = "string"
    required: bool = False
    choices: tuple[str, ...] = ()
    items: str | None = None
    pattern: str | None = None
    pattern_text: str = ""
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 255
    description: str = ""
    json_schema: Mapping[str, Any] | None = None  # what the OpenAPI document says of a value `check` leaves alone

    def check(self, value: Any, where: str) -> tuple[Any, str | None]:
        """The value to use, or why it is wrong."""
        name = where + self.name
        if self.type == "integer":
            if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value):
                value = int(value)  # the reference writes numbers as strings ("level": "0")
            if isinstance(value, bool) or not isinstance(value, int):
                return value, f"{name} must be {self._range_text()}"
            if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum
            ):
                return value, f"{name} must be {self._range_text()}"
            return value, None
        if self.type == "boolean":
            if isinstance(value, str) and value.lower() in ("true", "false"):
                value = value.lower() == "true"
            if not isinstance(value, bool):
                return value, f"{name} must be true or false"
            return value, None
        if self.type == "array":
            if not isinstance(value, list):
                return value, f"{name} must be a list"
            for index, item in enumerate(value):
                if self.items == "string" and not isinstance(item, str):
                    return value, f"{name}[{index}] must be a string"
                if self.items == "object" and not isinstance(item, dict):
                    return value, f"{name}[{index}] must be a JSON object"
                if self.choices and item not in self.choices:
                    return value, f"{name}[{index}] {item!r} is not one of {', '.join(self.choices)}"
            return value, None
        if self.type == "object":
            return value, None if isinstance(value, dict) else f"{name} must be a JSON object"
        if self.type == "any":
            return value, None
        if not isinstance(value, str):
            return value, f"{name} must be a string, not {_json_type(value)}"
        if not value.strip():
            return value, f"{name} must not be empty"
        if len(value) > self.max_length:
            return value, f"{name} must be at most {self.max_length} characters long"
        if self.choices and value not in self.choices:
            return value, f"{name} must be one of {', '.join(self.choices)}"
        if self.pattern and not re.fullmatch(self.pattern, value):
            return value, f"{name} must be {self.pattern_text or 'in the right format'}"
        return value, None

    def _range_text(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"an integer between {self.minimum} and {self.maximum}"
        if self.minimum is not None:
            return f"an integer of at least {self.minimum}"
        return "an integer"

    def openapi(self, nullable: bool = False) -> dict[str, Any]:
        """The JSON schema of the values `check` accepts; `nullable` when null means "not given"."""
        schema: dict[str, Any] = {} if self.type == "any" else {"type": self.type}
        schema.update(self.json_schema or {})
        if self.type == "string":
            if self.choices:
                schema["enum"] = list(self.choices)
            else:
                schema.update(minLength=1, maxLength=self.max_length)
                schema["pattern"] = self.pattern or r"\S"  # not blank; the formats exclude blanks themselves
        if self.type == "array":
            item: dict[str, Any] = {"type": self.items or "string"}
            if self.choices:
                item["enum"] = list(self.choices)
            schema["items"] = item
            schema["maxItems"] = bounds.MAX_MEMBERS
        if self.type == "object":
            schema["maxProperties"] = bounds.MAX_MEMBERS
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.description:
            schema["description"] = self.description
        if nullable and schema:
            schema["nullable"] = True
            if "enum" in schema:
                schema["enum"] = [*schema["enum"], None]
        return schema


@dataclass(frozen=True)
class Schema:
    """The attributes of one kind of request body. `open` bodies may carry attributes of their own."""

    name: str
    fields: tuple[Field, ...]
    read_only: tuple[str, ...] = ("id",)
    open: bool = False
    extra: tuple[str, ...] = field(default=())  # accepted and ignored, such as "type": "Custom"

    def check(self, body: dict[str, Any], where: str = "", partial: bool = False) -> dict[str, Any]:
        """The valid values of `body`; raises one Failure listing every problem otherwise.

        `partial` is for updates: nothing is required, but what is given must be valid.
        """
        problems: list[tuple[int, str]] = []
        values: dict[str, Any] = {}
        known = {item.name: item for item in self.fields}
        for name, value in body.items():
            spec = known.get(name)
            if spec is None:
                if name in self.read_only:
                    problems.append((INVALID, f"{where}{name} is read-only and cannot be set"))
                elif self.open or name in self.extra:
                    values[name] = value
                else:
                    expected = ", ".join(known) or "none"
                    problems.append((INVALID, f"{where}{name} is not a field of {self.name} (fields: {expected})"))
                continue
            if value is None:
                if spec.required and not partial:
                    problems.append((MISSING, f"{where}{name} is required"))
                continue
            checked, problem = spec.check(value, where)
            if problem:
                problems.append((INVALID, problem))
            else:
                values[name] = checked
        if not partial:
            for spec in self.fields:
                if spec.required and spec.name not in body:
                    problems.append((MISSING, f"{where}{spec.name} is required"))
        elif not body:
            problems.append(
                (MISSING, f"{where.rstrip('.') or 'the request body'} must name at least one of {', '.join(known)}")
            )
        if problems:
            raise Failure(problems[0][0], "; ".join(message for _, message in problems))
        return values

    def openapi(self, partial: bool = False) -> dict[str, Any]:
        """The JSON schema of the bodies `check` accepts: null stands for an absent optional field, an
        update names at least one field."""
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {item.name: item.openapi(nullable=partial or not item.required) for item in self.fields},
            "additionalProperties": self.open,
            "maxProperties": bounds.MAX_MEMBERS,
        }
        for name in self.extra:
            schema["properties"][name] = {}
        required = [item.name for item in self.fields if item.required]
        if required and not partial:
            schema["required"] = required
        if partial:
            schema["minProperties"] = 1
        return schema


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
