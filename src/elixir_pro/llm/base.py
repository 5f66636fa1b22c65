"""The Backend protocol: one turn in, an async stream of core events out.

Implemented by the Anthropic backend (Claude) and the offline backend (the engine). Used by
the conversation sessions, the headless ``ask`` command and, through the bridge, the TUI.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.events import CoreEvent


@dataclass(slots=True)
class TurnRequest:
    """Everything a backend needs for one turn.

    ``history`` is the conversation so far in Anthropic message-param form (role/content);
    ``context_files`` are project-relative paths the user added with ``@path``.
    """

    prompt: str
    cognitive_mode: CognitiveMode
    tool_mode: ToolMode
    role: EnsembleRole
    project_root: Path
    history: list[dict[str, Any]] = field(default_factory=list)
    context_files: list[str] = field(default_factory=list)
    extra_context: str = ""


class Backend(Protocol):
    """A source of answers. ``label`` is what the status bar shows (model id or
    "offline engine")."""

    @property
    def label(self) -> str: ...

    def stream_turn(self, request: TurnRequest) -> AsyncIterator[CoreEvent]: ...
