"""One streamed reply, accumulated from the Messages API's raw server-sent events.

We read the raw events (``client.messages.create(stream=True)``) rather than the SDK's
accumulating helper so that the end of the stream is checked and bad tool input does not end
the turn: ``stopped`` is True only once ``message_stop`` arrived (a stream that just ends is
an interrupted reply, never a finished one), ``started`` once ``message_start`` did (an empty
200 response is a failed attempt), and a tool call whose input is not a JSON object is kept
with an empty input and its parse error in ``bad_inputs``, for the tool loop to answer with an
``is_error`` tool result. Content blocks come out in message-param form (plain JSON dicts) to
be sent back as the assistant turn.

Used by the Anthropic backend.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from elixir_pro.events import TextDelta, ThinkingDelta

_TOOL_BLOCKS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})
_USAGE_KEYS = (
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
)
DROP_KEYS = frozenset({"parsed_output"})


def _plain(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json", exclude_none=True)
    return value


@dataclass(slots=True)
class StreamedReply:
    """The reply so far: see the module doc."""

    model: str = ""
    stop_reason: str | None = None
    usage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_USAGE_KEYS, 0))
    started: bool = False
    stopped: bool = False
    bad_inputs: dict[str, str] = field(default_factory=dict)
    _blocks: dict[int, dict[str, Any]] = field(default_factory=dict)
    _json: dict[int, str] = field(default_factory=dict)

    @property
    def blocks(self) -> list[dict[str, Any]]:
        """The content blocks in order, without empty text blocks (the API rejects them)."""
        ordered = [self._blocks[i] for i in sorted(self._blocks)]
        return [b for b in ordered if not (b.get("type") == "text" and not b.get("text"))]

    def client_tool_calls(self) -> list[dict[str, Any]]:
        return [b for b in self.blocks if b.get("type") == "tool_use"]

    def feed(self, event: Any) -> TextDelta | ThinkingDelta | None:
        """Take one raw stream event; returns what the user should see of it, if anything."""
        kind = getattr(event, "type", "")
        if kind == "message_start":
            self.started = True
            message = event.message
            self.model = str(getattr(message, "model", "") or "")
            self._take_usage(getattr(message, "usage", None))
        elif kind == "content_block_start":
            block = {k: v for k, v in _plain(event.content_block).items() if k not in DROP_KEYS}
            self._blocks[event.index] = block
            if block.get("type") in _TOOL_BLOCKS:
                self._json[event.index] = ""
        elif kind == "content_block_delta":
            return self._delta(event.index, event.delta)
        elif kind == "content_block_stop":
            self._finish_block(event.index)
        elif kind == "message_delta":
            self.stop_reason = getattr(event.delta, "stop_reason", None) or self.stop_reason
            self._take_usage(getattr(event, "usage", None))
        elif kind == "message_stop":
            self.stopped = True
        return None

    def _delta(self, index: int, delta: Any) -> TextDelta | ThinkingDelta | None:
        block = self._blocks.get(index)
        if block is None:
            return None
        kind = getattr(delta, "type", "")
        if kind == "text_delta" and delta.text:
            block["text"] = block.get("text", "") + delta.text
            return TextDelta(delta.text)
        if kind == "input_json_delta" and index in self._json:
            self._json[index] += delta.partial_json or ""
        elif kind == "thinking_delta" and delta.thinking:
            block["thinking"] = block.get("thinking", "") + delta.thinking
            return ThinkingDelta(delta.thinking)
        elif kind == "signature_delta":
            block["signature"] = delta.signature
        elif kind == "citations_delta":
            block.setdefault("citations", []).append(_plain(delta.citation))
        return None

    def _finish_block(self, index: int) -> None:
        raw = self._json.pop(index, None)
        block = self._blocks.get(index)
        if raw is None or block is None:
            return
        if not raw.strip():
            return  # no input_json_delta: the start's input stands
        try:
            value = json.loads(raw)
        except ValueError as exc:
            self._bad(block, f"its input is not valid JSON ({exc})")
            return
        if not isinstance(value, dict):
            self._bad(block, f"its input must be a JSON object, got {type(value).__name__}")
            return
        block["input"] = value

    def _bad(self, block: dict[str, Any], why: str) -> None:
        block["input"] = {}
        self.bad_inputs[str(block.get("id", ""))] = why

    def _take_usage(self, usage: Any) -> None:
        if usage is None:
            return
        for key in _USAGE_KEYS:
            value = getattr(usage, key, None)
            if isinstance(value, int):
                self.usage[key] = value
