"""The main screen: four cognitive-mode panes in tabs, the prompt, the side panels (findings,
supervision, context files), the status bar and the footer.

Turns run in named workers (one group per pane) that feed core events through the bridge
(:class:`~elixir_pro.tui.bridge.AgentEvent`) to the pane's current turn. Side-panel data and
the watcher are loaded in thread workers after the first paint, so the screen shows at once.
Pushed by :class:`~elixir_pro.tui.app.ElixirProApp`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from elixir_pro.agent.modes import COGNITIVE_MODES, TOOL_MODES, CognitiveMode, ToolMode
from elixir_pro.events import (
    ContextMeasured,
    CoreEvent,
    EditProposed,
    TextDelta,
    TurnError,
    TurnFinished,
)
from elixir_pro.tui import keys
from elixir_pro.tui.bridge import AgentEvent, AgentText, TextBatcher
from elixir_pro.tui.screens.main_input import InputMixin
from elixir_pro.tui.screens.main_pipeline import PipelineMixin
from elixir_pro.tui.screens.main_progress import TurnProgressMixin
from elixir_pro.tui.screens.main_side import SidePanelsMixin
from elixir_pro.tui.screens.main_turns import TurnFinishingMixin
from elixir_pro.tui.services import TuiContext
from elixir_pro.tui.widgets.key_bar import KeyBar
from elixir_pro.tui.widgets.mode_pane import ModePane
from elixir_pro.tui.widgets.mode_tabs import ModeTabs
from elixir_pro.tui.widgets.prompt_input import PromptInput, mentions
from elixir_pro.tui.widgets.side_area import SideArea
from elixir_pro.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from elixir_pro.tui.resume import SessionState
    from elixir_pro.tui.widgets.turn_view import TurnView


# turn errors that need the user before anything else works (the others stay in the pane)
FATAL_ERRORS = frozenset({"auth", "no_key", "context_too_long"})


class MainScreen(
    SidePanelsMixin,
    PipelineMixin,
    TurnFinishingMixin,
    TurnProgressMixin,
    InputMixin,
    Screen[None],
):
    CSS_PATH = "main.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*keys.bindings(), ("escape", "leave_prompt", "nav")]
    AUTO_FOCUS = "#prompt"

    def __init__(self, context: TuiContext) -> None:
        super().__init__(id="main")
        self.context = context
        self.root: Path = context.root
        self.tool_mode: ToolMode = context.agent.tool_mode
        self.context_files: list[str] = []
        self.turns: dict[str, TurnView] = {}
        self.streaming: set[CognitiveMode] = set()
        self.last_batch: tuple[str, ...] = ()
        self.gate_pending: tuple[str, ...] = ()
        self.gate_acknowledged = True
        self.pending_changes = 0
        self._text = TextBatcher()
        self._active: CognitiveMode = context.agent.default_mode

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            with Vertical(id="panes"):
                yield ModeTabs(self._active, id="tabs")
                for mode in COGNITIVE_MODES:
                    pane = ModePane(mode)
                    pane.display = mode is self._active
                    yield pane
            yield SideArea(id="side")  # panels are mounted on first use
        yield Static("", id="hint")
        yield self.make_progress()
        yield PromptInput(id="prompt")
        yield StatusBar(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        status = self.status
        status.backend = self.context.conversation.label
        status.tool_mode = self.tool_mode.value
        status.role = self.context.agent.role.value
        status.pane = self._active.value
        status.watcher = "off" if not self.context.watch else "starting"
        self.query_one("#side").display = False
        if self.context.notes:
            self.show_error("Problems at start", "\n".join(self.context.notes))

    def show_error(self, title: str, message: str) -> None:
        """The error modal: something the user must read (one line per problem)."""
        from elixir_pro.tui.screens.error import ErrorScreen

        self.app.push_screen(ErrorScreen(title, message))

    @property
    def current_mode(self) -> CognitiveMode:
        return self._active

    def pane(self, mode: CognitiveMode) -> ModePane:
        return self.query_one(f"#pane-{mode.value}", ModePane)

    # -- actions ---------------------------------------------------------------------------
    def action_show_pane(self, mode: str) -> None:
        chosen = CognitiveMode(mode)
        if chosen is self._active:
            return
        self.pane(self._active).display = False
        self._active = chosen
        self.pane(chosen).display = True
        self.query_one(ModeTabs).active = chosen
        self.status.pane = chosen.value
        self.progress.show_mode(chosen.value)

    def on_mode_tabs_selected(self, event: ModeTabs.Selected) -> None:
        self.action_show_pane(event.mode.value)

    def action_next_pane(self) -> None:
        index = COGNITIVE_MODES.index(self.current_mode)
        self.action_show_pane(COGNITIVE_MODES[(index + 1) % len(COGNITIVE_MODES)].value)

    def on_descendant_focus(self) -> None:
        self.status.nav = self.focus_area() == "pane"  # where single letters act

    def on_descendant_blur(self) -> None:
        self.status.nav = self.focus_area() == "pane"

    def action_cycle_tool_mode(self) -> None:
        index = TOOL_MODES.index(self.tool_mode)
        self.tool_mode = TOOL_MODES[(index + 1) % len(TOOL_MODES)]
        self.status.tool_mode = self.tool_mode.value

    def action_leave_prompt(self) -> None:
        if self.focused is self.query_one(PromptInput):
            self.pane(self.current_mode).focus()
        elif self.current_mode in self.streaming:
            self.action_cancel_turn()
        else:
            self.action_focus_prompt()

    def action_focus_prompt(self) -> None:
        self.query_one(PromptInput).focus()

    def action_help(self) -> None:
        from elixir_pro.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_sessions(self) -> None:
        opener = getattr(self.app, "open_sessions", None)
        if callable(opener):
            opener()

    def action_cancel_turn(self) -> None:
        self.workers.cancel_group(self, f"turn-{self.current_mode.value}")

    def action_compact(self) -> None:
        mode = self.current_mode
        compact = getattr(self.context.conversation, "compact", None)
        if not callable(compact):
            return
        if mode in self.streaming:
            self.notify("Wait for the answer in this pane first.", severity="warning")
            return
        self.start_turn_stream(mode, "(compact the conversation)", compact(mode), label="compact")

    def action_retry(self) -> None:
        mode = self.current_mode
        if mode in self.streaming:
            self.notify("Still answering in this pane.", severity="warning")
            return
        stream = self.context.conversation.retry(mode)
        if stream is None:
            self.notify("Nothing to retry in this pane.")
            return
        last = self.pane(mode).last_turn
        self.start_turn_stream(mode, last.prompt if last else "(retry)", stream, label="retry")

    def action_panel_run(self) -> None:
        prompt = self.query_one(PromptInput)
        text = prompt.text.strip() or (prompt.prompt_history[-1] if prompt.prompt_history else "")
        if not text:
            self.notify("Type a prompt first; the panel run sends it to all four modes.")
            return
        prompt.remember(text)
        prompt.text = ""
        self.run_panel(text)

    def action_review_last_change(self) -> None:
        self.review_last_change()

    def action_open_review(self) -> None:
        self.open_review()

    # -- prompt ----------------------------------------------------------------------------
    @on(PromptInput.Submitted)
    def submit(self, event: PromptInput.Submitted) -> None:
        added = self.add_context([m for m in mentions(event.text)])
        if added:
            self.notify("Added to context: " + ", ".join(added), timeout=3)
        self.send_prompt(self.current_mode, event.text)

    @on(PromptInput.CompletionHint)
    def show_hint(self, event: PromptInput.CompletionHint) -> None:
        hint = self.query_one("#hint", Static)
        hint.update("  ".join(event.matches))
        hint.display = bool(event.matches)

    def send_prompt(
        self,
        mode: CognitiveMode,
        text: str,
        *,
        tool_mode: ToolMode | None = None,
        extra_context: str = "",
        label: str = "",
    ) -> None:
        if mode in self.streaming:  # sent when the running turn ends
            options = {"tool_mode": tool_mode, "extra_context": extra_context, "label": label}
            self.queue_prompt(mode, text, options)
            return
        stream = self.context.conversation.send(
            mode,
            text,
            tool_mode=tool_mode or self.tool_mode,
            context_files=list(self.context_files),
            extra_context=extra_context,
        )
        self.start_turn_stream(mode, text, stream, label=label)

    # -- turns -----------------------------------------------------------------------------
    async def open_turn(self, mode: CognitiveMode, prompt: str, label: str = "") -> str:
        """Record the prompt and show a new turn in ``mode``'s pane; returns the turn id."""
        turn_id = uuid.uuid4().hex[:12]
        self.streaming.add(mode)
        self.status.busy = ", ".join(f"{m.value} answering…" for m in self.streaming)
        if self.context.recorder is not None:
            self.context.recorder.record_prompt(
                mode.value,
                turn_id,
                prompt,
                tool_mode=self.tool_mode.value,
                role=self.context.agent.role.value,
                context_files=tuple(self.context_files),
            )
        self.turns[turn_id] = await self.pane(mode).start_turn(prompt, turn_id=turn_id, label=label)
        self.progress_started(mode, turn_id, label)
        return turn_id

    def start_turn_stream(
        self, mode: CognitiveMode, prompt: str, stream: AsyncIterator[CoreEvent], label: str = ""
    ) -> None:
        """Show a new turn in ``mode``'s pane and feed it ``stream``'s events (a worker)."""
        self.streaming.add(mode)
        self.run_worker(
            self._pump(mode, prompt, stream, label),
            group=f"turn-{mode.value}",
            name=f"turn-{mode.value}",
            exclusive=True,
        )

    async def _pump(
        self, mode: CognitiveMode, prompt: str, stream: AsyncIterator[CoreEvent], label: str
    ) -> None:
        turn_id = await self.open_turn(mode, prompt, label)
        finished = False
        try:
            async for event in stream:
                finished = finished or isinstance(event, TurnFinished)
                self.deliver(mode, turn_id, event)
        except Exception as exc:  # a backend bug must not take the app down
            self.deliver(mode, turn_id, TurnError("api", f"{type(exc).__name__}: {exc}"))
        finally:
            if not finished:
                self.deliver(mode, turn_id, TurnFinished("", interrupted=True))

    def deliver(self, mode: CognitiveMode, turn_id: str, event: CoreEvent) -> None:
        """Record a turn's event in the session store and post it through the bridge."""
        if self.context.recorder is not None:
            self.context.recorder.record_event(mode.value, turn_id, event)
        if isinstance(event, TextDelta):
            batch = self._text.add(mode, turn_id, event.text)
            if batch is not None:
                self.post_message(batch)
            return
        self._text.close(turn_id)
        self.post_message(AgentEvent(mode, turn_id, event))

    @on(AgentText)
    async def route_text(self, message: AgentText) -> None:
        text = self._text.take(message)
        turn = self.turns.get(message.turn_id)
        self.progress_text(message.turn_id, text)
        if turn is not None and text:
            await turn.handle(TextDelta(text))

    @on(AgentEvent)
    async def route_event(self, message: AgentEvent) -> None:
        turn = self.turns.get(message.turn_id)
        event = message.event
        self.progress_event(message.turn_id, event)
        if isinstance(event, EditProposed):
            self.refresh_pending()
        if isinstance(event, ContextMeasured):
            self.status.measure(message.mode.value, event.tokens, event.window)
        if isinstance(event, TurnError) and event.kind in FATAL_ERRORS:
            self.show_error(f"{message.mode.value}: {event.kind}", event.message)
        if turn is None:
            return
        await turn.handle(event)
        if isinstance(event, TurnFinished):
            self.streaming.discard(message.mode)
            self.status.busy = ", ".join(f"{m.value} answering…" for m in self.streaming)
            await self.finish_turn(turn, event, message.mode)
            self.release_queue(message.mode, event.interrupted)

    def refresh_pending(self) -> None:
        changeset = self.context.conversation.pending_changeset
        self.pending_changes = len(changeset) if changeset is not None else 0
        self.status.pending = self.pending_changes

    def restore_session_state(self, state: SessionState) -> None:
        """A resumed session's pane, tool mode, context files, pending changes and human gate."""
        if state.pane in {m.value for m in COGNITIVE_MODES}:
            self.action_show_pane(state.pane)
        if state.tool_mode in {m.value for m in TOOL_MODES}:
            self.tool_mode = ToolMode(state.tool_mode)
            self.status.tool_mode = self.tool_mode.value
        self.context_files.clear()
        self.add_context(list(state.context_files))
        self.context_panel.set_paths(self.context_files)
        if state.pending is not None:
            self.context.conversation.restore_pending(state.pending)
            if state.gate_reasons:
                state.pending.gate_required = True
                self.gate_pending = state.gate_reasons
                self.gate_acknowledged = False
        self.refresh_pending()

    # -- panel run -------------------------------------------------------------------------
    @work(exclusive=True, group="panel")
    async def run_panel(self, prompt: str) -> None:
        if self.streaming:
            self.notify("Wait for the answers in progress first.", severity="warning")
            return
        self.status.busy = "panel run…"
        turn_ids: dict[tuple[CognitiveMode, str], str] = {}
        finished: set[str] = set()
        stream = self.context.conversation.panel(
            prompt, tool_mode=self.tool_mode, context_files=list(self.context_files)
        )
        try:
            async for item in stream:
                key = (item.mode, item.role)
                if key not in turn_ids:
                    turn_ids[key] = await self.open_turn(item.mode, prompt, item.role)
                    if item.role == "decision_maker":
                        self.action_show_pane(item.mode.value)
                if isinstance(item.event, TurnFinished):
                    finished.add(turn_ids[key])
                self.deliver(item.mode, turn_ids[key], item.event)
        except Exception as exc:  # a backend bug must not take the app down
            self.notify(f"The panel run failed: {type(exc).__name__}: {exc}", severity="error")
        for (mode, _role), turn_id in turn_ids.items():
            if turn_id not in finished:
                self.deliver(mode, turn_id, TurnFinished("", interrupted=True))
