"""Builds the TUI's context from the core packages (agent, conversation, session store) and
reopens stored sessions. Imported by the App after the first frame is requested, so the heavy
pieces load lazily; each missing piece degrades to a one-line reason.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.tui.services import TuiContext, TurnSource, UnavailableConversation, load_agent_info

if TYPE_CHECKING:
    from textual.app import App

    from elixir_pro.tui.services import AgentInfo


def backend_label(model: str | None, offline: bool, agent_model: str | None) -> str:
    """What the status bar says before the first turn (no network needed to know it)."""
    if offline or not (
        os.environ.get("ANTHROPIC_API_KEY") or os.environ.get("ANTHROPIC_AUTH_TOKEN")
    ):
        return "offline engine"
    return f"claude {model or os.environ.get('ELIXIR_PRO_MODEL') or agent_model or 'sonnet'}"


def build_conversation(
    app: App[int],
    root: Path,
    agent: AgentInfo,
    *,
    model: str | None,
    offline: bool,
) -> TurnSource:
    try:
        port = importlib.import_module("elixir_pro.tui.conversation_port")
    except ImportError as exc:
        return UnavailableConversation(f"the conversation package is missing ({exc.name})")
    from elixir_pro.tui.screens.bash_approval import modal_approver

    source: TurnSource = port.WorkspacePort(
        root,
        agent,
        approve_bash=modal_approver(app),
        model=model,
        offline=offline,
        label=backend_label(model, offline, agent.definition.model if agent.definition else None),
    )
    return source


def build_context(
    app: App[int],
    root: Path,
    *,
    model: str | None = None,
    offline: bool = False,
    agent_name: str | None = None,
) -> TuiContext:
    agent = load_agent_info(root, agent_name)
    conversation = build_conversation(app, root, agent, model=model, offline=offline)
    return TuiContext(root=root, agent=agent, conversation=conversation)


def resume_into(app: App[int], which: bool | str) -> None:
    app.notify("Resuming sessions is not available yet.", severity="warning")


def open_sessions(app: App[int]) -> None:
    app.notify("The session list is not available yet.", severity="warning")
