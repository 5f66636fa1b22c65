"""Context you can see and manage: how full a pane's conversation is, and compaction.

:class:`ContextKeeper` (one per session) measures the context after every request from the
usage the API returned (input + cached + output tokens: exact and free; the fake server and
proxies may not serve ``count_tokens``) against the model's window (``llm.context_window_tokens``,
else the backend's ``context_window()``, from ``models.list()``). Before a turn it projects the
next request (the last measure plus the new user message, estimated from its length) and,
past ``llm.compact_at`` of the window, compacts: the older turns (all but the last
``llm.compact_keep_turns``) are rendered as a plain transcript (tool results cut short), the
model summarises them in one request without tools, and the history becomes a marked
``<conversation_summary>`` block plus the turns kept. :class:`~elixir_pro.events.ContextCompacted`
carries the summary, so the pane shows it and the session store keeps it.

A turn that hits the window anyway (``context_too_long``) is compacted, keeping no older turn,
and retried once by the session. Used by :class:`~elixir_pro.conversation.session.Session`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from elixir_pro.config import LlmConfig
from elixir_pro.conversation import compaction_text as T
from elixir_pro.events import ContextCompacted, ContextMeasured, TurnError, UsageReported

CHARS_PER_TOKEN = 3.0
TOOL_RESULT_CHARS = 2000
"""Each tool result in the transcript is cut to this many characters."""
TRANSCRIPT_SHARE = 0.5
"""The transcript sent for summary fills at most this share of the window."""


class Summariser(Protocol):
    async def summarise(self, system_prompt: str, text: str) -> tuple[str, UsageReported]: ...


class CompactionFailed(Exception):
    """The summary request failed; the message is one line."""


def estimate_tokens(value: Any) -> int:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return int(len(text) / CHARS_PER_TOKEN) + 1


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def turn_starts(history: Sequence[dict[str, Any]]) -> list[int]:
    """Indices of the messages that open a turn: user messages that are not tool results."""
    return [
        i
        for i, message in enumerate(history)
        if message.get("role") == "user"
        and not any(b.get("type") == "tool_result" for b in _blocks(message))
    ]


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}{T.CUT.format(count=len(text) - 2 * half)}{text[-half:]}"


def _block_text(block: dict[str, Any]) -> str:
    kind = block.get("type")
    if kind == "text":
        return str(block.get("text", ""))
    if kind in ("tool_use", "server_tool_use"):
        args = json.dumps(block.get("input", {}), ensure_ascii=False)
        return T.TOOL_CALL.format(name=block.get("name", "?"), input=_shorten(args, 300))
    if kind == "tool_result":
        content = block.get("content", "")
        if isinstance(content, list):
            content = " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
        error = " (error)" if block.get("is_error") else ""
        return T.TOOL_RESULT.format(error=error, text=_shorten(str(content), TOOL_RESULT_CHARS))
    return ""


def transcript(messages: Sequence[dict[str, Any]], limit_chars: int) -> str:
    """The messages as plain text for the summary request, at most ``limit_chars`` long."""
    parts: list[str] = []
    for message in messages:
        body = "\n".join(t for t in (_block_text(b) for b in _blocks(message)) if t)
        if body:
            parts.append(f"{T.ROLE_LINE.format(role=message.get('role', '?'))}\n{body}")
    return _shorten("\n\n".join(parts), max(limit_chars, 1000))


def summary_messages(summary: str, turns: int) -> list[dict[str, Any]]:
    """The marked summary block and its acknowledgement, which open the compacted history."""
    block = T.SUMMARY_BLOCK.format(turns=turns, summary=summary)
    return [
        {"role": "user", "content": [{"type": "text", "text": block}]},
        {"role": "assistant", "content": [{"type": "text", "text": T.SUMMARY_ACK}]},
    ]


def compacted_history(
    history: list[dict[str, Any]], event: ContextCompacted
) -> list[dict[str, Any]]:
    """``history`` as it was after the compaction ``event`` (which summarised its first
    ``event.turns`` turns): replays a stored compaction when a session is loaded."""
    starts = turn_starts(history)
    cut = starts[event.turns] if event.turns < len(starts) else len(history)
    return [*summary_messages(event.summary, event.turns), *history[cut:]]


@dataclass(slots=True)
class Compacted:
    history: list[dict[str, Any]]
    event: ContextCompacted
    usage: UsageReported


class ContextKeeper:
    """One pane's context meter and compaction (see the module doc)."""

    def __init__(self, settings: LlmConfig) -> None:
        self.settings = settings
        self.tokens = 0  # the context after the last request (0: not measured yet)
        self._windows: dict[str, int] = {}

    async def window(self, backend: object) -> int:
        """The window in tokens (0: unknown, e.g. the offline engine)."""
        if self.settings.context_window_tokens > 0:
            return self.settings.context_window_tokens
        label = str(getattr(backend, "label", ""))
        if label not in self._windows:
            probe = getattr(backend, "context_window", None)
            self._windows[label] = int(await probe()) if callable(probe) else 0
        return self._windows[label]

    def measure(self, usage: UsageReported, window: int) -> ContextMeasured:
        self.tokens = (
            usage.input_tokens
            + usage.cache_creation_input_tokens
            + usage.cache_read_input_tokens
            + usage.output_tokens
        )
        return ContextMeasured(self.tokens, window)

    def should_compact(
        self, history: Sequence[dict[str, Any]], next_text: str, window: int
    ) -> bool:
        """Whether the next request would fill ``llm.compact_at`` of the window."""
        share = self.settings.compact_at
        if share <= 0 or window <= 0 or not self.tokens:
            return False
        projected = self.tokens + estimate_tokens(next_text)
        keep = self.settings.compact_keep_turns
        return projected >= share * window and len(turn_starts(history)) > keep

    async def compact(
        self,
        summariser: Summariser,
        history: list[dict[str, Any]],
        *,
        keep: int,
        window: int,
        reason: str,
    ) -> Compacted | None:
        """Summarise all turns but the last ``keep``; None when there is nothing older."""
        starts = turn_starts(history)
        if len(starts) <= keep:
            return None
        cut = starts[len(starts) - keep] if keep > 0 else len(history)
        older, kept = history[:cut], history[cut:]
        room = int((window or 200_000) * TRANSCRIPT_SHARE * CHARS_PER_TOKEN)
        request = T.REQUEST.format(transcript=transcript(older, room))
        try:
            summary, usage = await summariser.summarise(T.SYSTEM, request)
        except Exception as exc:  # a failed request is one line, the history stays whole
            error = getattr(exc, "error", None)
            detail = error.message if isinstance(error, TurnError) else f"{exc}"
            raise CompactionFailed(T.FAILED.format(detail=detail)) from exc
        if not summary:
            raise CompactionFailed(T.FAILED.format(detail="the model wrote no summary"))
        turns = len(starts) - keep
        new_history = [*summary_messages(summary, turns), *kept]
        before = self.tokens or estimate_tokens(history)
        overhead = max(0, before - estimate_tokens(history))  # system prompt and tools
        self.tokens = overhead + estimate_tokens(new_history)
        event = ContextCompacted(summary, turns, before, self.tokens, reason)
        return Compacted(new_history, event, usage)
