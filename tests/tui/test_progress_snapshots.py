"""Snapshot of a turn in progress at 80x24: the spinner line above the prompt with the elapsed
time and the live token count. The clock is frozen (the app's injectable clock), and the
spinner's frame follows from the elapsed time, so the picture is the same on every run."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from test_turn_progress import FrozenClock, held_turn, main_screen
from textual.pilot import Pilot
from textual.widgets import Markdown
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.turn_progress import TurnProgress

PARTIAL = (
    "Put each tracker under a `DynamicSupervisor` so one crash restarts only that\ntracker:\n\n"
)


def test_turn_in_progress_80x24(snap_compare: Any, courier: Path) -> None:
    clock = FrozenClock()
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    app.context.clock = clock
    release = asyncio.Event()

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)
        screen = main_screen(app)
        screen.query_one(PromptInput).cursor_blink = False  # the same cursor however long it takes
        screen.start_turn_stream(
            CognitiveMode.GENERATIVE, "supervise the trackers", held_turn(release, PARTIAL)
        )
        pane = screen.pane(CognitiveMode.GENERATIVE)

        def streamed() -> bool:
            shown = "".join(m.source for turn in pane.turns for m in turn.query(Markdown))
            return shown == PARTIAL

        await wait_until(pilot, streamed)
        progress = screen.query_one(TurnProgress)
        clock.now += 12.34
        await wait_until(pilot, lambda: "12.3s" in str(progress.render()))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
