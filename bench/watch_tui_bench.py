"""Watcher benchmark, TUI rows: save-to-finding latency up to the findings panel under Pilot.

Used by ``bench/watch_bench.py``, which registers :func:`measure_tui` with its
``register_measure`` hook (on by default, ``--no-tui`` to leave it out), so one run writes the
core and the TUI figures to the ``watch`` section of docs/performance.md. Also runnable on its
own: ``.venv/bin/python bench/watch_tui_bench.py [watch_bench options]`` (the same run).

On the project ``watch_bench`` generated (its 5,000-file burst removed again, so the project is
the >= 2,000-file one), the real ``ElixirProApp(root, offline=True)`` runs headless under
``app.run_test(size=(120, 40))`` with its own config and state dirs and the run's debounce
(``watch.debounce_ms`` in the user config). Once the findings panel holds the baseline and the
status bar says the watcher is on, the findings panel is opened (F2, so its list is mounted and
redrawn on each update) and ``saves`` times a module the core rows did not touch gets the same
mistake as there (``mistake_source``: ``String.to_atom/1`` on a parameter). Each save is timed
from the write to the panel showing the finding: ``panel.findings`` holds it at its path and
line, marked new, and the list has one entry per finding, and the screen has drawn a frame
since. The frame is caught where the screen hands each composed update to the app
(``App._display``, wrapped for the run: the frame's lines are rendered by then, the terminal
write that follows is skipped headless), so the figure is the first frame that holds the
finding, not the next turn of a polling loop. The wait is on an event, with a timeout.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.watch_bench import (
    RULE,
    TIMEOUT_S,
    Context,
    mistake_source,
    module_path,
    ms,
    percentile,
)

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.app import App
    from textual.pilot import Pilot
    from textual.screen import Screen

POLL_S = 0.005
SIZE = (120, 40)


def mistake_line(index: int, round_no: int) -> int:
    """The 1-based line of the ``String.to_atom`` call ``mistake_source`` adds."""
    lines = mistake_source(index, round_no).splitlines()
    return next(n for n, line in enumerate(lines, 1) if "String.to_atom(" in line)


def tui_modules(files: int, saves: int, core_saves: int) -> list[int]:
    """``saves`` module indices spread over the project, none of them edited by the core rows
    (those already carry the mistake, so the panel would not mark it new)."""
    modules = files * 4 // 5
    used = {(round_no * 37) % modules for round_no in range(core_saves)}
    free = [index for index in range(modules) if index not in used]
    if len(free) < saves:
        raise SystemExit(f"{modules} modules leave too few untouched ones for {saves} TUI saves")
    step = max(1, len(free) // max(1, saves))
    return [free[(n * step + step // 2) % len(free)] for n in range(saves)]


@contextmanager
def isolated_dirs(debounce_ms: int) -> Iterator[None]:
    """Own config and state dirs for the app (no user settings, nothing written to the real
    home), with the run's debounce window in the user config."""
    names = ("ELIXIR_PRO_CONFIG_DIR", "ELIXIR_PRO_STATE_DIR")
    saved = {name: os.environ.get(name) for name in names}
    tmp = tempfile.TemporaryDirectory(prefix="watch-tui-bench-")
    base = Path(tmp.name)
    config, state = base / "config", base / "state"
    config.mkdir(parents=True)
    state.mkdir(parents=True)
    # the engine alone: the compiler has its own benchmark (bench/compiler_bench.py)
    (config / "config.yaml").write_text(f"watch: {{debounce_ms: {debounce_ms}, compile: false}}\n")
    os.environ["ELIXIR_PRO_CONFIG_DIR"] = str(config)
    os.environ["ELIXIR_PRO_STATE_DIR"] = str(state)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        tmp.cleanup()


class FrameWatch:
    """Wraps ``app._display`` (called once per frame the screen composes) and sets an event
    at the first frame drawn while ``condition`` holds."""

    def __init__(self, app: App[Any]) -> None:
        self.condition: Callable[[], bool] | None = None
        self.seen = 0.0
        self.event = asyncio.Event()
        display = app._display

        def wrapped(screen: Screen[Any], renderable: RenderableType | None) -> None:
            display(screen, renderable)
            if renderable is not None and self.condition is not None and self.condition():
                self.seen = time.perf_counter()
                self.condition = None
                self.event.set()

        app._display = wrapped  # type: ignore[method-assign]

    async def wait(self, condition: Callable[[], bool], timeout: float, what: str) -> float:
        """The perf_counter time of the first frame drawn once ``condition()`` holds."""
        self.event.clear()
        self.condition = condition
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            raise SystemExit(f"TUI: {what} not drawn within {timeout:.0f} s") from None
        return self.seen


async def _poll(
    pilot: Pilot[Any], condition: Callable[[], bool], timeout: float, what: str
) -> float:
    """Run the app's loop until ``condition()`` holds; the perf_counter time it was seen."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit(f"TUI: {what} not reached within {timeout:.0f} s")
        await pilot.pause(POLL_S)
    return time.perf_counter()


async def _drive(context: Context, indices: list[int]) -> tuple[float, list[float]]:
    """Start the app, wait for the panel and the watcher, then time each save to the panel."""
    from elixir_pro.tui.app import ElixirProApp
    from elixir_pro.tui.screens.main import MainScreen
    from elixir_pro.tui.widgets.entry_list import EntryList
    from elixir_pro.tui.widgets.findings_panel import finding_key
    from elixir_pro.tui.widgets.status_bar import StatusBar

    root = context.root
    started = time.perf_counter()
    app = ElixirProApp(root, offline=True)
    latencies: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
        panel = screen.findings_panel
        await _poll(pilot, lambda: panel.state == "ready", 300, "the findings baseline")
        status = screen.query_one(StatusBar)
        ready = await _poll(pilot, lambda: status.watcher == "on", 300, "the watcher")
        await pilot.press("f2")
        await _poll(pilot, lambda: panel.is_mounted and panel.display, 10, "the open panel")
        options = screen.query_one("#findings-list", EntryList)
        frames = FrameWatch(app)
        for n, index in enumerate(indices):
            round_no = context.saves + n
            rel, line = module_path(index), mistake_line(index, round_no)

            def shown(rel: str = rel, line: int = line) -> bool:
                return options.entry_count == len(panel.findings) and any(
                    f.rule == RULE and f.path == rel and f.line == line
                    for f in panel.findings
                    if finding_key(f) in panel.new_keys
                )

            start = time.perf_counter()
            (root / rel).write_text(mistake_source(index, round_no))
            seen = await frames.wait(shown, TIMEOUT_S, f"the finding in {rel}:{line}")
            latencies.append(seen - start)
    return ready - started, latencies


def measure_tui(context: Context) -> list[tuple[str, str, str]]:
    """The TUI rows for watch_bench's report (registered through ``register_measure``)."""
    shutil.rmtree(context.root / "lib" / "burst", ignore_errors=True)
    indices = tui_modules(context.files, context.saves, context.saves)
    with isolated_dirs(context.debounce_ms):
        ready_s, latencies = asyncio.run(_drive(context, indices))
    target_s = context.debounce_ms / 1000 + 0.050
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    return [
        (
            "TUI: start -> panel ready, watcher on",
            ms(ready_s),
            f"ElixirProApp offline under Pilot {SIZE[0]}x{SIZE[1]}, baseline analysis included",
        ),
        (
            "TUI: save -> shown in findings panel, p50 / p95",
            f"{ms(p50)} / {ms(p95)}",
            f"{len(latencies)} saves, panel open, first frame drawn with it",
        ),
        (
            "TUI: p95 / target (debounce + 50 ms)",
            f"{p95 / target_s:.2f}x",
            "met" if p95 <= target_s else "NOT met",
        ),
    ]


if __name__ == "__main__":
    from bench import watch_bench

    raise SystemExit(watch_bench.main())
