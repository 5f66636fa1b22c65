"""Builds the TUI's context from the core packages (agent, conversation, session store) and
reopens stored sessions. Imported by the App after the first frame is requested, so the heavy
pieces load lazily; each missing piece degrades to a one-line reason.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.errors import UserError
from elixir_pro.tui.recorder import SessionRecorder
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
    from elixir_pro.tui.screens.bash_approval import mcp_modal_approver, modal_approver

    source: TurnSource = port.WorkspacePort(
        root,
        agent,
        approve_bash=modal_approver(app),
        approve_mcp=mcp_modal_approver(app),
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
    recorder = SessionRecorder(root, agent.name)
    recorder.on_error = lambda message: app.notify(message, severity="warning")
    context = TuiContext(root=root, agent=agent, conversation=conversation, recorder=recorder)
    context.notes.extend(recover_interrupted_apply(root))
    return context


def recover_interrupted_apply(root: Path) -> list[str]:
    """Finish what a crash interrupted (an apply is rolled back, an undo completed) before the
    user sees the project; returns what to tell them."""
    try:
        from elixir_pro.changes.journal import recover

        report = recover(root)
    except (ImportError, OSError, UserError) as exc:
        return [f"The undo journal could not be checked: {exc}"]
    notes = [
        f"An apply interrupted by a crash was rolled back ({entry})."
        for entry in report.rolled_back
    ]
    notes += [f"An interrupted undo was completed ({entry})." for entry in report.undo_completed]
    return notes + list(report.problems)


def resume_into(app: App[int], which: bool | str) -> None:
    """Reopen the latest session (``which`` True) or the session with that id."""
    from elixir_pro.tui.screens.main import MainScreen

    screen = next((s for s in app.screen_stack if isinstance(s, MainScreen)), None)
    recorder = screen.context.recorder if screen is not None else None
    store = recorder.store() if recorder is not None else None
    if screen is None or recorder is None or store is None:
        app.notify("Sessions are not available.", severity="warning")
        return
    try:
        if isinstance(which, str):
            session_id = which
        else:
            latest = store.latest_session()
            if latest is None:
                app.notify("No earlier session to resume; starting a new one.")
                return
            session_id = latest.id
        record = store.load(session_id)
    except UserError as exc:
        app.notify(exc.one_line(), severity="error")
        return

    async def show() -> None:
        import asyncio

        from elixir_pro.tui.resume import replay, session_state

        state = await asyncio.to_thread(session_state, screen.root, record)
        turns = await replay(screen, record, state)
        screen.restore_session_state(state)
        recorder.attach(session_id)
        title = record.info.title or "untitled"
        app.notify(f"Resumed '{title}' ({turns} turns).", timeout=4)

    app.run_worker(show(), group="resume", exclusive=True)


def open_sessions(app: App[int]) -> None:
    """Push the sessions screen; the chosen session is resumed."""
    from elixir_pro.tui.screens.main import MainScreen
    from elixir_pro.tui.screens.sessions import SessionsScreen

    screen = next((s for s in app.screen_stack if isinstance(s, MainScreen)), None)
    recorder = screen.context.recorder if screen is not None else None
    store = recorder.store() if recorder is not None else None
    if store is None:
        app.notify("Sessions are not available.", severity="warning")
        return
    try:
        sessions = store.list_sessions()
    except UserError as exc:
        app.notify(exc.one_line(), severity="error")
        return

    def chosen(session_id: str | None) -> None:
        if session_id:
            resume_into(app, session_id)

    current = recorder.session_id if recorder is not None else None
    app.push_screen(SessionsScreen(sessions, current=current), chosen)
