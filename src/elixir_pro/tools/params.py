"""Typed validation of tool inputs.

Each tool declares its parameters as a tuple of :class:`Param`; the same declaration gives the
JSON schema sent to the model (``input_schema``) and validates what the model sends back
(``validate``). A missing, unknown or wrongly typed field raises :class:`ToolError` naming the
field, which the toolset turns into an ``is_error`` outcome the model sees.

Used by every tool module in this package and by ``toolset`` to build definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal


class ToolError(Exception):
    """A refusal or failure the model should see as a tool error (never a traceback)."""


Kind = Literal["string", "integer", "boolean"]


@dataclass(frozen=True, slots=True)
class Param:
    """One input field of a tool."""

    name: str
    kind: Kind
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


class Args:
    """Validated tool input with typed accessors (values are already checked by ``validate``)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, object]) -> None:
        self._values = dict(values)

    def string(self, name: str) -> str:
        value = self._values[name]
        assert isinstance(value, str)
        return value

    def opt_string(self, name: str) -> str | None:
        value = self._values.get(name)
        assert value is None or isinstance(value, str)
        return value

    def opt_int(self, name: str) -> int | None:
        value = self._values.get(name)
        assert value is None or (isinstance(value, int) and not isinstance(value, bool))
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self._values.get(name, default)
        assert isinstance(value, bool)
        return value


def _check(tool: str, param: Param, value: object) -> object:
    field = f"{tool}.{param.name}"
    if param.kind == "string":
        if not isinstance(value, str):
            raise ToolError(f"Invalid input: {field} must be a string, got {_type_name(value)}.")
        if param.enum and value not in param.enum:
            allowed = ", ".join(repr(e) for e in param.enum)
            raise ToolError(f"Invalid input: {field} must be one of {allowed}, got {value!r}.")
        return value
    if param.kind == "integer":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ToolError(f"Invalid input: {field} must be an integer, got {_type_name(value)}.")
        if param.minimum is not None and value < param.minimum:
            raise ToolError(f"Invalid input: {field} must be >= {param.minimum}, got {value}.")
        if param.maximum is not None and value > param.maximum:
            raise ToolError(f"Invalid input: {field} must be <= {param.maximum}, got {value}.")
        return value
    if not isinstance(value, bool):
        raise ToolError(f"Invalid input: {field} must be a boolean, got {_type_name(value)}.")
    return value


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}.get(
        type(value), "object" if isinstance(value, dict) else type(value).__name__
    )


def validate(tool: str, params: tuple[Param, ...], raw: object) -> Args:
    """Check ``raw`` (the model's tool input) against ``params``; raise ToolError naming the
    first bad field. ``null`` for an optional field counts as absent."""
    if not isinstance(raw, Mapping):
        raise ToolError(f"Invalid input: {tool} expects an object, got {_type_name(raw)}.")
    known = {p.name: p for p in params}
    unknown = sorted(str(k) for k in raw if k not in known)
    if unknown:
        raise ToolError(
            f"Invalid input: {tool} has no parameter {unknown[0]!r} "
            f"(parameters: {', '.join(known)})."
        )
    values: dict[str, object] = {}
    for param in params:
        value = raw.get(param.name)
        if value is None:
            if param.required:
                raise ToolError(f"Invalid input: {tool}.{param.name} is required.")
            continue
        values[param.name] = _check(tool, param, value)
    return Args(values)


def input_schema(params: tuple[Param, ...], descriptions: Mapping[str, str]) -> dict[str, Any]:
    """The JSON schema for ``params``, with each field's description from the prompt module."""
    properties: dict[str, Any] = {}
    for param in params:
        prop: dict[str, Any] = {"type": param.kind}
        if param.name in descriptions:
            prop["description"] = descriptions[param.name]
        if param.enum:
            prop["enum"] = list(param.enum)
        if param.minimum is not None:
            prop["minimum"] = param.minimum
        if param.maximum is not None:
            prop["maximum"] = param.maximum
        properties[param.name] = prop
    return {
        "type": "object",
        "properties": properties,
        "required": [p.name for p in params if p.required],
        "additionalProperties": False,
    }
