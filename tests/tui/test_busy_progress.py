"""Pilot tests of progress for background work that takes more than half a second, where its
result will appear: the findings panel's title during the project's first analysis, and the
gates view's progress line during an evaluation (spinner, what runs, elapsed time)."""

from __future__ import annotations

from pathlib import Path

from pipeline_support import GatesHost, courier_with_pipeline
from test_turn_progress import FrozenClock
from textual.app import App, ComposeResult
from textual.widgets import Static
from tui_support import settle, wait_until

from elixir_pro.tui.screens.gates import GatesScreen
from elixir_pro.tui.widgets.findings_panel import FindingsPanel


class FindingsHost(App[None]):
    def compose(self) -> ComposeResult:
        yield FindingsPanel()


def title(panel: FindingsPanel) -> str:
    return str(panel.query_one("#findings-title", Static).render())


async def test_the_findings_title_shows_the_analysis_once_it_is_slow() -> None:
    app = FindingsHost()
    async with app.run_test(size=(60, 20)) as pilot:
        panel = app.query_one(FindingsPanel)
        clock = FrozenClock()
        panel.busy.clock = clock
        panel.busy.start()
        clock.now += 0.3
        await pilot.pause()
        assert title(panel) == "Findings · loading"  # quick work shows no spinner
        clock.now += 0.4
        await wait_until(pilot, lambda: "0.7s" in title(panel))
        assert title(panel) == "Findings · ⠦ analysing the project · 0.7s"
        panel.set_findings([])
        await pilot.pause()
        assert title(panel) == "Findings · 0"


class StepClock:
    """``first`` on the first call, ``then`` on every later one."""

    def __init__(self, first: float, then: float) -> None:
        self.values = [first]
        self.then = then

    def __call__(self) -> float:
        return self.values.pop() if self.values else self.then


async def test_a_slow_gates_evaluation_shows_a_spinner_and_its_time(tmp_path: Path) -> None:
    app = GatesHost(courier_with_pipeline(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, GatesScreen) and not screen.running
        screen.busy.clock = StepClock(1000.0, 1001.25)
        screen.action_refresh()  # the line is drawn at once; the evaluation runs in a thread
        line = str(screen.query_one("#gates-progress", Static).render())
        assert line == "⠹ Evaluating… starting · 1.2s"
        await settle(pilot, app)
        assert not screen.running and len(app.reports) == 2
