"""What the TUI needs from the core, behind small protocols: the agent's defaults, a source of
turns (the conversation workspace), the session recorder, the watcher, the analyzer and the
supervision map. Heavy packages (anthropic, tree-sitter, git) are imported only when first
used, inside these functions; a piece that is not available gives a one-line reason instead.

Built by :mod:`elixir_pro.tui.app` into a :class:`TuiContext` that the screens read.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from elixir_pro.agent.modes import CognitiveMode, EnsembleRole, ToolMode
from elixir_pro.events import CoreEvent, Notice, TurnFinished

if TYPE_CHECKING:
    from elixir_pro.agent.model import AgentDefinition
    from elixir_pro.changes.changeset import Changeset
    from elixir_pro.tui.recorder import SessionRecorder


@dataclass(frozen=True, slots=True)
class AgentInfo:
    """The agent's defaults the TUI shows and starts with."""

    name: str
    default_mode: CognitiveMode = CognitiveMode.GENERATIVE
    tool_mode: ToolMode = ToolMode.SOLUTION
    role: EnsembleRole = EnsembleRole.SOLO
    threshold: float = 0.6
    proactive_triggers: tuple[str, ...] = ()
    definition: AgentDefinition | None = None


def load_agent_info(root: Path, name: str | None = None) -> AgentInfo:
    """The agent for ``root`` (UserError, one line, when its file is bad)."""
    from elixir_pro.agent import resolve_agent

    agent = resolve_agent(root, name)
    return AgentInfo(
        name=agent.name,
        default_mode=agent.cognitive_modes.default,
        tool_mode=agent.tools.default_mode,
        role=agent.ensemble_roles.default,
        threshold=agent.escalation.confidence_threshold,
        proactive_triggers=tuple(agent.proactive_triggers),
        definition=agent,
    )


@dataclass(frozen=True, slots=True)
class PanelEvent:
    """An event of a panel run: the pane it belongs to and the ensemble role of that turn
    (``panel_member``, ``auditor``, or ``decision_maker`` for the closing summary)."""

    mode: CognitiveMode
    role: str
    event: CoreEvent


class TurnSource(Protocol):
    """The conversation as the TUI drives it (one session per cognitive mode)."""

    @property
    def label(self) -> str: ...

    @property
    def pending_changeset(self) -> Changeset | None: ...

    @property
    def usage(self) -> tuple[int, float]:
        """Tokens and cost of the whole session so far."""
        ...

    def send(
        self,
        mode: CognitiveMode,
        prompt: str,
        *,
        tool_mode: ToolMode,
        context_files: list[str],
        extra_context: str = "",
    ) -> AsyncIterator[CoreEvent]: ...

    def retry(self, mode: CognitiveMode) -> AsyncIterator[CoreEvent] | None: ...

    def panel(
        self, prompt: str, *, tool_mode: ToolMode, context_files: list[str]
    ) -> AsyncIterator[PanelEvent]: ...

    def restore_history(self, mode: CognitiveMode, history: list[dict[str, Any]]) -> None: ...

    def restore_pending(self, changeset: Changeset) -> None:
        """Take up a stored pending changeset again (a resumed session's staged changes)."""
        ...

    def note_review(self, outcome_text: str) -> None: ...

    def tell_agent(self, text: str) -> None:
        """Something the user did outside a turn (an undo), sent with the next prompt."""
        ...

    def mark_gate(self) -> None: ...

    def acknowledge_gate(self) -> None: ...


class UnavailableConversation:
    """The stand-in when the conversation package cannot be loaded: every turn says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @property
    def label(self) -> str:
        return "no backend"

    @property
    def pending_changeset(self) -> Changeset | None:
        return None

    @property
    def usage(self) -> tuple[int, float]:
        return 0, 0.0

    async def send(
        self,
        mode: CognitiveMode,
        prompt: str,
        *,
        tool_mode: ToolMode,
        context_files: list[str],
        extra_context: str = "",
    ) -> AsyncIterator[CoreEvent]:
        yield Notice(f"Conversations are not available: {self.reason}", "error")
        yield TurnFinished("")

    def retry(self, mode: CognitiveMode) -> AsyncIterator[CoreEvent] | None:
        return None

    async def panel(
        self, prompt: str, *, tool_mode: ToolMode, context_files: list[str]
    ) -> AsyncIterator[PanelEvent]:
        role = EnsembleRole.DECISION_MAKER.value
        mode = CognitiveMode.EVALUATIVE
        yield PanelEvent(
            mode, role, Notice(f"Panel runs are not available: {self.reason}", "error")
        )
        yield PanelEvent(mode, role, TurnFinished(""))

    def restore_history(self, mode: CognitiveMode, history: list[dict[str, Any]]) -> None:
        return None

    def restore_pending(self, changeset: Changeset) -> None:
        return None

    def note_review(self, outcome_text: str) -> None:
        return None

    def tell_agent(self, text: str) -> None:
        return None

    def mark_gate(self) -> None:
        return None

    def acknowledge_gate(self) -> None:
        return None


@dataclass(slots=True)
class TuiContext:
    """Everything the screens need, built once by the App."""

    root: Path
    agent: AgentInfo
    conversation: TurnSource
    recorder: SessionRecorder | None = None
    watch: bool = True
    analyze: bool = True
    notes: list[str] = field(default_factory=list)
    clock: Callable[[], float] = time.monotonic  # the turns' elapsed time (tests freeze it)
