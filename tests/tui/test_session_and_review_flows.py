"""Pilot tests of the remaining flows: the sessions screen reopening an earlier session, the
staged changes opening the review screen, retry after a stream cut mid-answer, stopping a
streaming answer, and a fatal API error shown in the error modal."""

from __future__ import annotations

from pathlib import Path

from fakeclaude.server import (
    FakeClaude,
    StreamReply,
    TextBlock,
    error_reply,
    text_reply,
)
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.error import ErrorScreen
from elixir_pro.tui.screens.human_gate import HumanGateScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.screens.review import ReviewScreen
from elixir_pro.tui.screens.sessions import SessionsScreen
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.status_bar import StatusBar


def main_screen(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def send(pilot: object, app: ElixirProApp, text: str) -> None:
    prompt = main_screen(app).query_one(PromptInput)
    prompt.text = text
    prompt.focus()
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_sessions_screen_reopens_an_earlier_session(courier: Path) -> None:
    first = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot, first)
        await pilot.press("escape", "2", "i")
        await send(pilot, first, "review lib/courier/metrics.ex")
        pane = main_screen(first).pane(CognitiveMode.CRITICAL)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished)
        await settle(pilot, first)
        answer = pane.turns[-1].text

    again = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot, again)
        screen = main_screen(again)
        assert screen.pane(CognitiveMode.CRITICAL).turns == []
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(again.screen, SessionsScreen))
        sessions = again.screen
        assert isinstance(sessions, SessionsScreen)
        (info,) = sessions.sessions
        assert info.title == "review lib/courier/metrics.ex" and "critical" in info.panes
        await pilot.press("enter")
        pane = screen.pane(CognitiveMode.CRITICAL)
        await wait_until(pilot, lambda: len(pane.turns) == 1)
        await settle(pilot, again)
        assert pane.turns[0].text == answer
        assert screen.context.recorder is not None
        assert screen.context.recorder.session_id == info.id


async def test_staged_changes_open_the_review_screen(courier: Path) -> None:
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        await pilot.press("ctrl+g")
        assert app.screen is screen  # nothing staged yet: a notice, no screen
        await pilot.press("escape", "2", "i")
        await send(pilot, app, "fix lib/courier/metrics.ex")
        pane = screen.pane(CognitiveMode.CRITICAL)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished)
        await settle(pilot, app)
        if isinstance(app.screen, HumanGateScreen):
            await pilot.press("a")
        assert screen.query_one(StatusBar).pending >= 1
        before = (courier / "lib" / "courier" / "metrics.ex").read_bytes()
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("escape")  # leave without applying: the changes stay pending
        await wait_until(pilot, lambda: app.screen is screen)
        await settle(pilot, app)
        assert screen.query_one(StatusBar).pending >= 1
        assert (courier / "lib" / "courier" / "metrics.ex").read_bytes() == before


async def test_retry_continues_after_a_stream_cut_mid_answer(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.enqueue(
        StreamReply([TextBlock("The first part of the answer. " * 4, chunk=6)], error_after=6),
        text_reply("And the rest."),
    )
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        await send(pilot, app, "explain restarts")
        pane = screen.pane(CognitiveMode.GENERATIVE)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished)
        await settle(pilot, app)
        cut = pane.turns[-1]
        assert cut.interrupted and cut.text  # the partial answer is kept
        await pilot.press("f5")
        await wait_until(pilot, lambda: len(pane.turns) == 2 and pane.turns[-1].finished)
        await settle(pilot, app)
        assert pane.turns[-1].label == "retry"
        assert "And the rest." in pane.turns[-1].text
        assert len(claude_env.message_requests()) == 2


async def test_stopping_a_streaming_answer(courier: Path, claude_env: FakeClaude) -> None:
    claude_env.enqueue(StreamReply([TextBlock("slow words " * 200, chunk=5)], delay=0.05))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        await send(pilot, app, "talk slowly")
        pane = screen.pane(CognitiveMode.GENERATIVE)
        await wait_until(pilot, lambda: bool(pane.turns) and bool(pane.turns[-1].text_parts))
        await pilot.press("escape", "k")
        await wait_until(pilot, lambda: pane.turns[-1].finished)
        await settle(pilot, app)
        turn = pane.turns[-1]
        assert turn.interrupted
        assert len(turn.text) < len("slow words " * 200)
        assert CognitiveMode.GENERATIVE not in screen.streaming


async def test_an_invalid_key_is_shown_in_the_error_modal(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.enqueue(error_reply(401, "authentication_error", "invalid x-api-key"))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await send(pilot, app, "hello")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen), timeout=20)
        error = app.screen
        assert isinstance(error, ErrorScreen)
        assert "auth" in error.title_text
        await pilot.press("enter")
        assert isinstance(app.screen, MainScreen)
