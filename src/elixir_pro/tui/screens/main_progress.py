"""The main screen's progress of running turns: the spinner line above the prompt (elapsed time,
live token count) and the session's token total in the status bar, which keeps the tokens of
a cancelled Claude turn (the backend reports usage only when a request completes; the offline
engine uses no tokens).

A mixin of :class:`~elixir_pro.tui.screens.main.MainScreen`; the line itself is
:class:`~elixir_pro.tui.widgets.turn_progress.TurnProgress`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.events import CoreEvent, TurnFinished, UsageReported
from elixir_pro.tui.widgets.status_bar import StatusBar
from elixir_pro.tui.widgets.turn_progress import TurnProgress

if TYPE_CHECKING:
    from elixir_pro.tui.services import TuiContext


class TurnProgressMixin(Screen[None]):
    context: TuiContext
    lost_tokens = 0  # tokens of interrupted turns that no usage report counted
    reported_tokens = 0  # as reported, for a turn source that keeps no totals
    reported_cost = 0.0

    def make_progress(self) -> TurnProgress:
        return TurnProgress(clock=self.context.clock, id="progress")

    @property
    def progress(self) -> TurnProgress:
        return self.query_one("#progress", TurnProgress)

    def progress_started(self, mode: CognitiveMode, turn_id: str, label: str) -> None:
        self.progress.start(turn_id, mode.value, label)

    def progress_text(self, turn_id: str, text: str) -> None:
        self.progress.add_text(turn_id, text)

    def progress_event(self, turn_id: str, event: CoreEvent) -> None:
        """Usage and the end of a turn; updates the status bar's session total."""
        progress, status = self.progress, self.query_one("#status", StatusBar)
        if isinstance(event, UsageReported):
            progress.add_usage(turn_id, event)
            self.reported_tokens += event.input_tokens + event.output_tokens
            self.reported_cost += event.cost_usd
            if event.model:
                status.backend = event.model
        elif isinstance(event, TurnFinished):
            meter = progress.stop(turn_id)
            billed = not self.context.conversation.label.startswith("offline")
            if meter is not None and event.interrupted and billed:
                self.lost_tokens += meter.estimate
        else:
            return
        tokens, cost = self.context.conversation.usage
        status.tokens = (tokens or self.reported_tokens) + self.lost_tokens
        status.cost = cost or self.reported_cost
