"""A conversation turn and its state machine.

``idle → streaming ⇄ awaiting-approval → finished | interrupted``: a session is idle between
turns; a turn streams, waits while the user decides on a Bash command, and ends finished or
interrupted (an error, or stopped by the user; an interrupted turn can be retried). Used by
:mod:`elixir_pro.conversation.session`, the TUI (pane state) and ``ask``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from elixir_pro.agent.modes import EnsembleRole, ToolMode
from elixir_pro.events import TurnError
from elixir_pro.llm.usage import UsageTotals


class TurnState(StrEnum):
    IDLE = "idle"
    STREAMING = "streaming"
    AWAITING_APPROVAL = "awaiting-approval"
    FINISHED = "finished"
    INTERRUPTED = "interrupted"


ALLOWED: dict[TurnState, frozenset[TurnState]] = {
    TurnState.IDLE: frozenset({TurnState.STREAMING}),
    TurnState.STREAMING: frozenset(
        {TurnState.AWAITING_APPROVAL, TurnState.FINISHED, TurnState.INTERRUPTED}
    ),
    TurnState.AWAITING_APPROVAL: frozenset({TurnState.STREAMING, TurnState.INTERRUPTED}),
    TurnState.FINISHED: frozenset(),
    TurnState.INTERRUPTED: frozenset(),
}


class TurnStateError(RuntimeError):
    """A transition the state machine does not allow (a bug in the caller)."""


def new_turn_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(slots=True)
class Turn:
    """One request and its answer. ``messages`` are the turn's message params so far."""

    prompt: str
    tool_mode: ToolMode
    role: EnsembleRole
    context_files: list[str] = field(default_factory=list)
    extra_context: str = ""
    id: str = field(default_factory=new_turn_id)
    state: TurnState = TurnState.IDLE
    text: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)
    error: TurnError | None = None
    escalation: tuple[str, ...] = ()
    usage: UsageTotals = field(default_factory=UsageTotals)
    retry_of: str | None = None

    def move(self, target: TurnState) -> None:
        if target not in ALLOWED[self.state]:
            raise TurnStateError(f"turn {self.id}: {self.state} -> {target} is not allowed")
        self.state = target

    @property
    def done(self) -> bool:
        return self.state in (TurnState.FINISHED, TurnState.INTERRUPTED)
