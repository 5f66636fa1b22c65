"""The Backend protocol: one turn in, an async stream of core events out.

Implemented by the Anthropic backend (Claude) and the offline backend (the engine). Used by
the conversation sessions, the headless ``ask`` command and, through the bridge, the TUI.

A backend does not know about agents or widgets: the caller (a conversation session) composes
the system prompt and builds the toolset for the turn's tool mode and puts them in the
:class:`TurnRequest`. Every turn ends with :class:`~elixir_pro.events.TurnFinished` whose
``extra["messages"]`` holds the turn's new messages in Anthropic message-param form (plain
JSON-able dicts), so the session store can persist them and a resumed session can send them
back as history.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.events import CoreEvent, EditProposed

if TYPE_CHECKING:
    from elixir_pro.changes.changeset import Changeset


class ToolResult(Protocol):
    """What running one tool gives back (``elixir_pro.tools.ToolOutcome`` has this shape)."""

    @property
    def output(self) -> str: ...

    @property
    def is_error(self) -> bool: ...

    @property
    def edit(self) -> EditProposed | None: ...


class Toolset(Protocol):
    """The tools of one turn (``elixir_pro.tools.build_toolset`` builds the real one)."""

    def definitions(self) -> list[dict[str, Any]]: ...

    def server_tools(self) -> list[dict[str, Any]]: ...

    async def run(self, name: str, tool_input: dict[str, Any]) -> ToolResult: ...


@dataclass(slots=True)
class TurnRequest:
    """Everything a backend needs for one turn.

    ``history`` is the conversation so far in Anthropic message-param form (role/content);
    ``context_files`` are project-relative paths the user added with ``@path``.
    ``system_prompt`` is the composed prompt for the mode/tool mode/role; ``toolset`` the
    tools allowed in the tool mode (None: no tools); ``changeset`` the pending changeset that
    edits are staged into. ``resume_messages`` (set by a retry) are the messages an
    interrupted turn had already completed: the backend continues from them instead of
    sending ``prompt`` again.
    """

    prompt: str
    cognitive_mode: CognitiveMode
    tool_mode: ToolMode
    role: EnsembleRole
    project_root: Path
    history: list[dict[str, Any]] = field(default_factory=list)
    context_files: list[str] = field(default_factory=list)
    extra_context: str = ""
    system_prompt: str = ""
    toolset: Toolset | None = None
    changeset: Changeset | None = None
    turn_id: str = ""
    resume_messages: list[dict[str, Any]] | None = None


class Backend(Protocol):
    """A source of answers. ``label`` is what the status bar shows (model id or
    "offline engine")."""

    @property
    def label(self) -> str: ...

    @property
    def is_offline(self) -> bool: ...

    def stream_turn(self, request: TurnRequest) -> AsyncIterator[CoreEvent]: ...

    async def aclose(self) -> None:
        """Release connections (the HTTP client); the backend is not used afterwards."""
        ...
