"""PrecheckBar: the review screen's line about the check before apply. While the shadow build
runs it shows a spinner and the stage ("compiling proposed change…"); then the verdict
("✗ 1 compile error · f asks Claude to fix") or why there was no check ("mix is not installed").

Rendering only: :mod:`elixir_pro.tui.screens.review_precheck` runs the check and calls
:meth:`PrecheckBar.running` and :meth:`PrecheckBar.show`.
"""

from __future__ import annotations

import time

from textual.timer import Timer
from textual.widgets import Static

from elixir_pro.compiler.precheck import PrecheckReport, PrecheckState

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
STATE_CLASSES = ("-running", "-ok", "-problems", "-skipped")


class PrecheckBar(Static):
    DEFAULT_CSS = """
    PrecheckBar { height: auto; max-height: 3; padding: 0 1; background: $panel; color: $text; }
    PrecheckBar.-running { color: $text-muted; }
    PrecheckBar.-ok { background: $success 20%; }
    PrecheckBar.-problems { background: $error 30%; }
    PrecheckBar.-skipped { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.display = False  # until a check starts or has something to say
        self.stage = ""
        self.suffix = ""  # said after the stage while it runs ("apply waits for the check")
        self.report: PrecheckReport | None = None
        self._started = 0.0
        self._frame = 0
        self._timer: Timer | None = None

    def _state(self, name: str) -> None:
        for cls in STATE_CLASSES:
            self.set_class(cls == f"-{name}", cls)

    def running(self, stage: str) -> None:
        """Show ``stage`` with a spinner and the elapsed time until :meth:`show`."""
        if self._timer is None:
            self._started = time.monotonic()
            self._timer = self.set_interval(0.1, self._tick)
        self.stage = stage
        self.report = None
        self.display = True
        self._state("running")
        self._tick()

    def set_suffix(self, suffix: str) -> None:
        """Say ``suffix`` after the running stage ("apply waits for it"); "" takes it away."""
        self.suffix = suffix
        if self._timer is not None:
            self._tick()

    def _tick(self) -> None:
        self._frame = (self._frame + 1) % len(SPINNER)
        elapsed = time.monotonic() - self._started
        self.update(f"{SPINNER[self._frame]} {self.stage} ({elapsed:.1f}s){self.suffix}")

    def hide(self) -> None:
        """Gone (after the apply: the result view says what the check found)."""
        self._stop()
        self.display = False

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def show(self, report: PrecheckReport, *, can_ask: bool) -> None:
        self._stop()
        self.report = report
        self.stage = ""
        self.suffix = ""
        self.display = not report.quiet
        text = f"Check before apply: {report.headline()}"
        if report.state is PrecheckState.PROBLEMS:
            self._state("problems")
            elsewhere = [n for n in report.notes if n.hunk is None]
            if elsewhere:
                first = elsewhere[0]
                more = f" (+{len(elsewhere) - 1} more)" if len(elsewhere) > 1 else ""
                text += f" · {first.path}:{first.line}: {first.text}{more}"
            if report.does_not_compile:
                text += " · enter asks before applying"
            if can_ask:
                text += " · f asks Claude to fix"
        elif report.state is PrecheckState.OK:
            self._state("ok")
        else:
            self._state("skipped")
        self.update(text)
