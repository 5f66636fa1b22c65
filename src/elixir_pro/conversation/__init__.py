"""Conversations: one session per cognitive mode (pane), the turn state machine, ensemble
panel runs, the workspace holding them, and persistence (SQLite session store).

Public API (used by ``ask`` and the TUI)::

    workspace = await open_workspace(root, model=None, offline=False, sink=None)
    session = workspace.session(CognitiveMode.CRITICAL)
    async for event in session.send(prompt, context_files=[...]): ...
    async for event in session.retry(): ...
    async for tagged in run_panel(workspace, prompt): ...   # PanelEvent(mode, role, event)
"""

from __future__ import annotations

from elixir_pro.conversation.ensemble import PanelEvent, run_panel
from elixir_pro.conversation.session import Session
from elixir_pro.conversation.turns import Turn, TurnState
from elixir_pro.conversation.workspace import EventSink, Workspace, open_workspace, store_sink

__all__ = [
    "EventSink",
    "PanelEvent",
    "Session",
    "Turn",
    "TurnState",
    "Workspace",
    "open_workspace",
    "run_panel",
    "store_sink",
]
