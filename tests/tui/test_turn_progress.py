"""Pilot tests of a turn's visible progress: the spinner line with the elapsed time and a live
token count while a turn runs (a frozen clock makes it exact), gone when the turn ends; and
the session's token count kept after a cancelled turn (against the fake Messages server)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from fakeclaude.server import FakeClaude, StreamReply, TextBlock
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.events import CoreEvent, TextDelta, TurnFinished, UsageReported
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.status_bar import StatusBar
from elixir_pro.tui.widgets.turn_progress import TurnProgress, format_elapsed, spinner_frame


class FrozenClock:
    """The app's clock, moved by the test only."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def main_screen(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def held_turn(release: asyncio.Event, text: str) -> AsyncIterator[CoreEvent]:
    """A turn that streams ``text`` then waits for ``release``."""
    yield TextDelta(text)
    await release.wait()
    yield UsageReported(input_tokens=900, output_tokens=100)
    yield TurnFinished(text)


def test_elapsed_and_frames() -> None:
    assert format_elapsed(9.44) == "9.4s" and format_elapsed(65.2) == "1m 05s"
    assert spinner_frame(0.0) == "⠋" and spinner_frame(0.35) == "⠸"
    assert spinner_frame(1.0) == spinner_frame(0.0)  # ten frames a second, round and round


async def test_a_running_turn_shows_spinner_elapsed_time_and_live_tokens(courier: Path) -> None:
    clock = FrozenClock()
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    app.context.clock = clock
    release = asyncio.Event()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        progress = screen.query_one(TurnProgress)
        assert not progress.display
        screen.start_turn_stream(
            CognitiveMode.GENERATIVE, "supervise", held_turn(release, "x" * 400)
        )
        await wait_until(pilot, lambda: bool(progress.running) and progress.unreported() == 100)
        clock.now += 12.34
        await wait_until(pilot, lambda: "12.3s" in str(progress.render()))  # the timer's tick
        assert progress.display
        line = str(progress.render())
        assert line == "⠸ generative answering · 12.3s · 100 tok · ctrl+c stops"
        clock.now += 60
        await wait_until(pilot, lambda: "1m 12s" in str(progress.render()))
        release.set()
        turn = screen.pane(CognitiveMode.GENERATIVE).turns[-1]
        await wait_until(pilot, lambda: turn.finished)
        await settle(pilot, app)
        assert not progress.display and progress.running == {}
        assert screen.query_one(StatusBar).tokens == 1000  # the real count replaces the estimate


async def test_a_cancelled_turn_keeps_its_token_count(
    courier: Path, claude_env: FakeClaude
) -> None:
    text = "The tracker supervisor restarts its children one at a time. " * 40
    claude_env.enqueue(StreamReply([TextBlock(text, chunk=5)], delay=0.03))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        prompt = screen.query_one(PromptInput)
        prompt.text = "supervise the trackers"
        await pilot.press("enter")
        pane = screen.pane(CognitiveMode.GENERATIVE)
        await wait_until(pilot, lambda: bool(pane.turns) and len(pane.turns[-1].text) > 100)
        progress = screen.query_one(TurnProgress)
        assert progress.display and progress.unreported() > 0
        await pilot.press("ctrl+underscore")  # stop
        turn = pane.turns[-1]
        await wait_until(pilot, lambda: turn.finished)
        await settle(pilot, app)
        assert turn.interrupted and not progress.display
        streamed = len(turn.text)
        assert screen.query_one(StatusBar).tokens >= streamed // 4 > 0
        assert "│ 0 tok" not in str(screen.query_one(StatusBar).render())
