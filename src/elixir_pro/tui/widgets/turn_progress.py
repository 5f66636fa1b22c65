"""The progress line of running turns, above the prompt: a spinner, the elapsed time and a live
token count (``⠹ generative answering · 12.3s · 240 tok · ctrl+c stops``).

The count is the backend's real usage once it reports it (Claude does at the end of each
request) plus an estimate of the text streamed since (about four characters a token), so it
moves while the answer streams, and a cancelled turn keeps what it had used. Time comes from
an injectable clock and the spinner's frame from the elapsed time, so a test that freezes the
clock gets the same picture every run. Used by the main screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.text import Text
from textual.widgets import Static

from elixir_pro.events import UsageReported
from elixir_pro.tui.widgets.status_bar import format_tokens

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
FRAME_S = 0.1
CHARS_PER_TOKEN = 4

Clock = Callable[[], float]


def spinner_frame(elapsed: float) -> str:
    return SPINNER[int(max(elapsed, 0.0) / FRAME_S) % len(SPINNER)]


def format_elapsed(seconds: float) -> str:
    """``9.4s``, ``1m 05s``."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m {rest:02d}s"


@dataclass(slots=True)
class TokenMeter:
    """A turn's tokens: what the backend reported plus an estimate of what it has not yet."""

    reported: int = 0
    unreported_chars: int = 0

    def add_text(self, text: str) -> None:
        self.unreported_chars += len(text)

    def add_usage(self, event: UsageReported) -> None:
        self.reported += (
            event.input_tokens
            + event.output_tokens
            + event.cache_creation_input_tokens
            + event.cache_read_input_tokens
        )
        self.unreported_chars = 0  # the report counts the text streamed so far

    @property
    def estimate(self) -> int:
        """Tokens streamed but not reported yet (rounded up)."""
        return -(-self.unreported_chars // CHARS_PER_TOKEN)

    @property
    def tokens(self) -> int:
        return self.reported + self.estimate


@dataclass(slots=True)
class Running:
    mode: str
    label: str
    started: float
    meter: TokenMeter = field(default_factory=TokenMeter)


class TurnProgress(Static):
    """One line per screen, shown while any turn runs; it describes the current pane's turn
    (or the first running one) and counts the others."""

    def __init__(self, *, clock: Clock = time.monotonic, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.clock = clock
        self.running: dict[str, Running] = {}
        self.mode = ""  # the pane on screen
        self.display = False

    def on_mount(self) -> None:
        self.set_interval(FRAME_S, self._tick)

    def _tick(self) -> None:
        if self.running:
            self.update(self.line())

    # -- turns -----------------------------------------------------------------------------
    def start(self, turn_id: str, mode: str, label: str = "") -> None:
        self.running[turn_id] = Running(mode, label, self.clock())
        self._show()

    def add_text(self, turn_id: str, text: str) -> None:
        run = self.running.get(turn_id)
        if run is not None:
            run.meter.add_text(text)

    def add_usage(self, turn_id: str, event: UsageReported) -> None:
        run = self.running.get(turn_id)
        if run is not None:
            run.meter.add_usage(event)

    def stop(self, turn_id: str) -> TokenMeter | None:
        """The turn ended; returns its meter (None when it was not running)."""
        run = self.running.pop(turn_id, None)
        self._show()
        return run.meter if run is not None else None

    def unreported(self) -> int:
        """Estimated tokens of the running turns that no usage report counts yet."""
        return sum(run.meter.estimate for run in self.running.values())

    def show_mode(self, mode: str) -> None:
        self.mode = mode
        self._show()

    # -- drawing ---------------------------------------------------------------------------
    def _show(self) -> None:
        self.display = bool(self.running)
        self.update(self.line() if self.running else "")

    def line(self) -> Text:
        runs = list(self.running.values())
        if not runs:
            return Text("")
        run = next((r for r in runs if r.mode == self.mode), runs[0])
        elapsed = self.clock() - run.started
        who = run.mode + (f" {run.label}" if run.label else "")
        parts: list[str | tuple[str, str]] = [
            (spinner_frame(elapsed), "bold"),
            f" {who} answering · ",
            (format_elapsed(elapsed), "bold"),
            f" · {format_tokens(run.meter.tokens)} tok",
        ]
        others = len(runs) - 1
        if others:
            parts.append(f" · +{others} more")
        parts.append((" · ctrl+c stops", "dim"))
        return Text.assemble(*parts, no_wrap=True, overflow="ellipsis")
