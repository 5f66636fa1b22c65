"""Progress for background work where its result will appear: once work has run for more
than :data:`SHOW_AFTER_S`, a spinner, what is being done and the elapsed time
(``⠹ analysing the project · 1.2s``). The frame follows from the elapsed time, so a frozen
clock gives the same text every time.

Used by the findings panel (the project's first analysis) and the gates view (an evaluation).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from elixir_pro.tui.widgets.turn_progress import format_elapsed, spinner_frame

SHOW_AFTER_S = 0.5
TICK_S = 0.1

Clock = Callable[[], float]


class BusySince:
    """When some work started, by ``clock``; :meth:`text` says how it is going."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.started: float | None = None

    def start(self) -> None:
        self.started = self.clock()

    def stop(self) -> None:
        self.started = None

    @property
    def running(self) -> bool:
        return self.started is not None

    def text(self, what: str) -> str | None:
        """``"⠹ what · 1.2s"`` once the work has run for more than :data:`SHOW_AFTER_S`;
        None before that or when nothing runs."""
        if self.started is None:
            return None
        elapsed = self.clock() - self.started
        if elapsed < SHOW_AFTER_S:
            return None
        return f"{spinner_frame(elapsed)} {what} · {format_elapsed(elapsed)}"
