"""The baseline is frozen out of the collector's full passes while the app runs, and handed
back when the main screen goes."""

from __future__ import annotations

import gc
from pathlib import Path

from tui_support import settle, wait_until

from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.main import MainScreen


async def test_the_baseline_is_frozen_while_the_app_runs_and_released_at_exit(
    courier: Path,
) -> None:
    assert gc.get_freeze_count() == 0
    app = ElixirProApp(courier, offline=True, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
        await wait_until(pilot, lambda: screen.findings_panel.state == "ready", timeout=30)
        await settle(pilot, app)
        await wait_until(pilot, lambda: gc.get_freeze_count() > 0)
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the app, its widgets and the analysis
        gc.collect()  # a full collection leaves them where they are
        assert gc.get_freeze_count() == frozen
    assert gc.get_freeze_count() == 0
