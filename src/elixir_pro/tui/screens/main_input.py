"""Where the main screen's keys go, so typing always lands where the user thinks:

- printable keys typed while a side panel has the focus go to the prompt (the panels' own keys
  are enter, arrows and chords; ``escape`` goes back to the prompt);
- ``alt+1``..``alt+4`` (what ``escape`` then a digit, typed quickly, arrives as: see
  :mod:`elixir_pro.tui.escape_keys`) leave the prompt and switch pane, never type a character;
- ``ctrl+c`` copies the prompt's selection, else stops the running turn of this pane (or the
  panel run), and when nothing runs asks for a second press within :data:`QUIT_WINDOW_S` to quit;
- a prompt sent while its pane is still answering is queued: shown under the running turn and
  sent when that turn ends (put back in the prompt when the turn was stopped).

A mixin of :class:`~elixir_pro.tui.screens.main.MainScreen`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from elixir_pro.agent.modes import COGNITIVE_MODES, CognitiveMode
from elixir_pro.tui.widgets.prompt_input import PromptInput

if TYPE_CHECKING:
    from elixir_pro.tui.services import TuiContext
    from elixir_pro.tui.widgets.mode_pane import ModePane

QUIT_WINDOW_S = 2.0
ALT_PANE_KEYS = {f"alt+{i}": mode for i, mode in enumerate(COGNITIVE_MODES, start=1)}
Area = Literal["prompt", "side", "pane"]


@dataclass(slots=True)
class QueuedPrompt:
    """A prompt waiting for its pane's turn to end, with ``send_prompt``'s keyword arguments."""

    text: str
    options: dict[str, Any] = field(default_factory=dict)
    line: Static | None = None


class InputMixin(Screen[None]):
    context: TuiContext
    streaming: set[CognitiveMode]
    pane: Callable[[CognitiveMode], ModePane]
    action_show_pane: Callable[[str], None]
    send_prompt: Callable[..., None]
    _quit_armed_at: float | None = None
    _queued: dict[CognitiveMode, list[QueuedPrompt]] | None = None

    if TYPE_CHECKING:  # MainScreen's

        @property
        def current_mode(self) -> CognitiveMode: ...

    # -- which area has the focus ----------------------------------------------------------
    def focus_area(self, widget: Widget | None = None) -> Area:
        node = widget if widget is not None else self.focused
        if node is None or isinstance(node, PromptInput):
            return "prompt"
        side = self.query_one("#side")
        if node is side or side in node.ancestors:
            return "side"
        return "pane"

    # -- typing ----------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """Keys that bubbled up from the focused widget, before any binding runs."""
        if event.key in ALT_PANE_KEYS:
            event.stop()
            event.prevent_default()
            self.action_show_pane(ALT_PANE_KEYS[event.key].value)  # escape, then the digit
            self.pane(self.current_mode).focus()
            return
        if self.focus_area() != "side" or not self._types_text(event):
            return
        event.stop()
        event.prevent_default()
        prompt = self.query_one(PromptInput)
        prompt.focus()
        prompt.insert(event.character or "")

    def _types_text(self, event: events.Key) -> bool:
        """A printable key the focused widget does not bind itself (a tree's space does)."""
        if not event.is_printable or not event.character:
            return False
        focused = self.focused
        own = focused._bindings.key_to_bindings if focused is not None else {}
        return event.key not in own

    # -- ctrl+c ----------------------------------------------------------------------------
    def action_interrupt(self) -> None:
        prompt = self.query_one(PromptInput)
        if self.focused is prompt and prompt.selected_text:
            prompt.action_copy()
            return
        if self.stop_running():
            self._quit_armed_at = None
            return
        now = self.context.clock()
        armed = self._quit_armed_at
        if armed is not None and now - armed <= QUIT_WINDOW_S:
            self.app.exit()
            return
        self._quit_armed_at = now
        self.notify("Press ctrl+c again to quit.", timeout=QUIT_WINDOW_S)

    def stop_running(self) -> bool:
        """Stop this pane's turn, else the panel run, else every running turn; False when
        nothing was running."""
        if not self.streaming:
            return False
        mode = self.current_mode
        own = [w for w in self.workers if w.group == f"turn-{mode.value}" and w.is_running]
        if mode in self.streaming and own:
            self.workers.cancel_group(self, f"turn-{mode.value}")
        elif any(w.group == "panel" and w.is_running for w in self.workers):
            self.workers.cancel_group(self, "panel")
        else:
            for running in list(self.streaming):
                self.workers.cancel_group(self, f"turn-{running.value}")
        self.notify("Stopped.", timeout=2)
        return True

    # -- queued prompts --------------------------------------------------------------------
    def queued(self, mode: CognitiveMode) -> list[QueuedPrompt]:
        if self._queued is None:
            self._queued = {}
        return self._queued.setdefault(mode, [])

    def queue_prompt(self, mode: CognitiveMode, text: str, options: dict[str, Any]) -> None:
        """Keep a prompt sent while ``mode`` is answering; it goes when the turn ends."""
        item = QueuedPrompt(text, options)
        self.queued(mode).append(item)
        line = Static(
            Text.assemble(("queued ", "bold"), text, ("  (sent when this answer ends)", "dim")),
            classes="queued",
        )
        item.line = line
        pane = self.pane(mode)
        pane.mount(line)
        pane.anchor()

    def release_queue(self, mode: CognitiveMode, interrupted: bool) -> None:
        """The turn of ``mode`` ended: send the next queued prompt, or, when the turn was
        stopped, put the queued text back in the prompt."""
        waiting = self.queued(mode)
        if not waiting:
            return
        if interrupted:
            items, waiting[:] = list(waiting), []
            for item in items:
                if item.line is not None:
                    item.line.remove()
            prompt = self.query_one(PromptInput)
            texts = [item.text for item in items]
            if prompt.text.strip():
                texts.append(prompt.text)
            prompt.text = "\n".join(texts)
            prompt.move_cursor(prompt.document.end)
            self.notify("The queued prompt is back in the prompt.", timeout=3)
            return
        item = waiting.pop(0)
        if item.line is not None:
            item.line.remove()
        self.send_prompt(mode, item.text, **item.options)
