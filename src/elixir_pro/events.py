"""Core events: frozen dataclasses that every producer (LLM backends, the offline engine, the
watcher, the changes package) yields and every consumer (the TUI bridge, the headless CLI,
the session store) reads. Nothing here knows about Textual.

A turn is an async iterator of these events, always ending with :class:`TurnFinished` or
:class:`TurnError` followed by :class:`TurnFinished`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elixir_pro.engine.findings import Finding


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A fragment of the assistant's answer text."""

    text: str


@dataclass(frozen=True, slots=True)
class ThinkingDelta:
    text: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should see that is not part of the answer (waiting on a retry,
    the offline engine being used, a truncated tool output...)."""

    message: str
    level: str = "info"  # info | warning | error


@dataclass(frozen=True, slots=True)
class ToolRequested:
    """The model asked to run a tool."""

    call_id: str
    name: str
    input: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ToolFinished:
    """A tool ran (or was refused); ``output`` is what the model sees."""

    call_id: str
    name: str
    output: str
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class EditProposed:
    """A Write/Edit (or an autofix) was staged into the pending changeset, not written."""

    path: str
    kind: str  # modify | create | delete
    added: int
    removed: int
    changeset_id: str


@dataclass(frozen=True, slots=True)
class UsageReported:
    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float = 0.0
    model: str = ""


@dataclass(frozen=True, slots=True)
class FindingsUpdated:
    """The engine's findings for some files changed. ``new`` are the ones not seen before."""

    paths: tuple[str, ...]
    findings: tuple[Finding, ...]
    new: tuple[Finding, ...] = ()
    resolved: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class TurnError:
    """A failure during a turn. The partial answer already streamed is kept."""

    # no_key | auth | rate_limit | overloaded | connection | context_too_long | interrupted
    # | refusal | api | tool
    kind: str
    message: str
    retryable: bool = False


@dataclass(frozen=True, slots=True)
class TurnFinished:
    """The end of a turn. ``text`` is the whole answer; ``escalation`` the reasons to escalate
    (empty when the turn did not escalate)."""

    text: str
    stop_reason: str = "end_turn"
    interrupted: bool = False
    escalation: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ContextMeasured:
    """How much of the model's context window the conversation fills, after a request (the
    usage the API returned: input, cached and output tokens). ``window`` 0: unknown."""

    tokens: int
    window: int

    @property
    def share(self) -> float:
        return self.tokens / self.window if self.window > 0 else 0.0


@dataclass(frozen=True, slots=True)
class ContextCompacted:
    """Older turns of the pane were replaced by a summary the model wrote (``summary``, the
    block sent from now on instead of them). ``reason``: auto | manual | overflow."""

    summary: str
    turns: int
    tokens_before: int
    tokens_after: int
    reason: str = "auto"


CoreEvent = (
    TextDelta
    | ThinkingDelta
    | Notice
    | ToolRequested
    | ToolFinished
    | EditProposed
    | UsageReported
    | FindingsUpdated
    | TurnError
    | TurnFinished
    | ContextMeasured
    | ContextCompacted
)
