"""JSON encoding of what the session store keeps: the core events of ``elixir_pro.events``
(a Finding inside FindingsUpdated included) and the user's prompts (:class:`UserPrompt`).

Encoding is generic over the frozen dataclasses: fields become JSON values (tuples become
lists, enums their values) and decoding rebuilds them from the field types, so a new field
with a default needs no change here. Unknown fields in stored JSON are ignored, so an older
build can read what a newer one wrote.

Used by ``conversation.store``.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from elixir_pro import events


@dataclass(frozen=True, slots=True)
class UserPrompt:
    """What the user sent in a pane: the prompt text and how it was sent."""

    text: str
    tool_mode: str = ""
    role: str = ""
    context_files: tuple[str, ...] = ()


Record = events.CoreEvent | UserPrompt

RECORD_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        events.TextDelta,
        events.ThinkingDelta,
        events.Notice,
        events.ToolRequested,
        events.ToolFinished,
        events.EditProposed,
        events.UsageReported,
        events.FindingsUpdated,
        events.TurnError,
        events.TurnFinished,
        events.ContextMeasured,
        events.ContextCompacted,
        UserPrompt,
    )
}
"""Stored ``kind`` -> dataclass. The kind is the class name."""


class CodecError(ValueError):
    """A stored record that cannot be decoded (unknown kind, bad JSON, missing field)."""


def to_json_value(value: Any) -> Any:
    """A plain JSON value for ``value`` (dataclasses, tuples, enums, dicts, primitives)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    dump = getattr(value, "model_dump", None)  # an SDK (pydantic) object inside ``extra``
    if callable(dump):
        return to_json_value(dump(mode="json", exclude_none=True))
    raise TypeError(f"cannot store a value of type {type(value).__name__}")


def encode(record: Record) -> tuple[str, str]:
    """(kind, json payload) for a core event or a user prompt."""
    kind = type(record).__name__
    if kind not in RECORD_TYPES:
        raise TypeError(f"not a storable record: {kind}")
    return kind, json.dumps(to_json_value(record), ensure_ascii=False, separators=(",", ":"))


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:  # each class's own module resolves its string annotations
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def from_json_value(tp: Any, value: Any) -> Any:
    """Rebuild a value of type ``tp`` from its JSON form."""
    origin = typing.get_origin(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_json_value(options[0], value)
    if origin is tuple:
        args = typing.get_args(tp)
        item = args[0] if args else Any
        return tuple(from_json_value(item, v) for v in _as_list(value))
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        return [from_json_value(item, v) for v in _as_list(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise CodecError(f"expected an object, got {type(value).__name__}")
        return value
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _build(tp, value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    if tp is float and isinstance(value, int | float):
        return float(value)
    if tp in (str, int, bool) and isinstance(value, tp):
        return value
    raise CodecError(f"expected {getattr(tp, '__name__', tp)}, got {type(value).__name__}")


def _as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise CodecError(f"expected a list, got {type(value).__name__}")
    return value


def _build(cls: type[Any], data: Any) -> Any:
    if not isinstance(data, dict):
        raise CodecError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            try:
                kwargs[f.name] = from_json_value(hints[f.name], data[f.name])
            except (ValueError, TypeError) as exc:
                raise CodecError(f"{cls.__name__}.{f.name}: {exc}") from None
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise CodecError(f"{cls.__name__}: missing field {f.name!r}")
    return cls(**kwargs)


def decode(kind: str, payload: str) -> Record:
    """The record stored as (``kind``, ``payload``); raises CodecError when it cannot be."""
    cls = RECORD_TYPES.get(kind)
    if cls is None:
        raise CodecError(f"unknown record kind {kind!r}")
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise CodecError(f"{kind}: bad JSON: {exc}") from None
    record: Record = _build(cls, data)
    return record
