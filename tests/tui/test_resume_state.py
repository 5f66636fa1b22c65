"""Pilot tests of ``--resume`` bringing a session's state back: its context files, the changes
it staged that are still pending (reviewable with ctrl+g), and no "ctrl+g to review" line for a
change applied since; and of the sessions list's dates and its mark on the current session."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import DataTable, Static
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.changes import store
from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.human_gate import HumanGateScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.screens.review import ReviewScreen
from elixir_pro.tui.screens.sessions import CURRENT, SessionsScreen, when
from elixir_pro.tui.widgets.prompt_input import PromptInput
from elixir_pro.tui.widgets.status_bar import StatusBar

PROMPT = "fix @lib/courier/metrics.ex"


def main_screen(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def stage_a_change(courier: Path) -> tuple[list[str], int]:
    """A first session: a fix request naming a file stages the offline engine's fixes.
    Returns the context files and the number of staged files."""
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        await pilot.press("escape", "2", "i")
        prompt = screen.query_one(PromptInput)
        prompt.text = PROMPT
        prompt.focus()
        await pilot.press("enter")
        pane = screen.pane(CognitiveMode.CRITICAL)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished)
        await settle(pilot, app)
        if isinstance(app.screen, HumanGateScreen):
            await pilot.press("a")
            await settle(pilot, app)
        pending = screen.query_one(StatusBar).pending
        assert pending >= 1
        return list(screen.context_files), pending


def staged_texts(screen: MainScreen) -> list[str]:
    turns = screen.pane(CognitiveMode.CRITICAL).turns
    texts = [str(w.render()) for t in turns for w in t.query(Static)]
    return [text for text in texts if text.startswith("staged ")]


async def test_resume_restores_context_files_and_pending_changes(courier: Path) -> None:
    context_files, pending = await stage_a_change(courier)
    assert context_files == ["lib/courier/metrics.ex"]
    (stored,) = store.pending(courier)

    app = ElixirProApp(courier, offline=True, watch=False, analyze=False, resume=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        await wait_until(pilot, lambda: bool(screen.pane(CognitiveMode.CRITICAL).turns))
        await settle(pilot, app)
        assert screen.current_mode is CognitiveMode.CRITICAL  # the pane of the last prompt
        assert screen.context_files == context_files
        assert screen.context_panel.paths == context_files
        assert screen.query_one(StatusBar).pending == pending
        assert any("ctrl+g" in text for text in staged_texts(screen))
        await pilot.press("ctrl+g")
        if isinstance(app.screen, HumanGateScreen):
            await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.changeset.id == stored.id


async def test_resume_does_not_offer_changes_applied_since(courier: Path) -> None:
    await stage_a_change(courier)
    (changeset,) = store.pending(courier)
    changeset.acknowledge_gate()
    model = ReviewModel(changeset)
    model.decide_all(True)
    assert apply_changeset(changeset, model).applied

    app = ElixirProApp(courier, offline=True, watch=False, analyze=False, resume=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        await wait_until(pilot, lambda: bool(screen.pane(CognitiveMode.CRITICAL).turns))
        await settle(pilot, app)
        lines = staged_texts(screen)
        assert lines, "the staged change is still listed"
        assert not any("ctrl+g" in text for text in lines)
        assert all(text.endswith(": applied") for text in lines), lines
        assert screen.query_one(StatusBar).pending == 0
        assert screen.context.conversation.pending_changeset is None


async def test_resume_comes_back_in_the_last_pane_and_tool_mode(courier: Path) -> None:
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        await pilot.press("escape", "4", "i", "ctrl+t")  # informative pane, research tools
        assert screen.status.tool_mode == "research"
        prompt = screen.query_one(PromptInput)
        prompt.text = "what does Task.Supervisor give me?"
        await pilot.press("enter")
        pane = screen.pane(CognitiveMode.INFORMATIVE)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished)
        await settle(pilot, app)

    again = ElixirProApp(courier, offline=True, watch=False, analyze=False, resume=True)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = main_screen(again)
        await wait_until(pilot, lambda: bool(screen.pane(CognitiveMode.INFORMATIVE).turns))
        await settle(pilot, again)
        assert screen.current_mode is CognitiveMode.INFORMATIVE
        assert screen.tool_mode.value == screen.status.tool_mode == "research"


def test_session_dates_read_as_a_calendar() -> None:
    now = datetime(2026, 12, 8, 15, 0, tzinfo=UTC).timestamp()

    def at(year: int, month: int, day: int, hour: int, minute: int) -> float:
        return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()

    assert when(at(2026, 12, 8, 14, 3), now, UTC) == "today 14:03"
    assert when(at(2026, 12, 7, 9, 12), now, UTC) == "yesterday 09:12"
    assert when(at(2026, 12, 3, 23, 59), now, UTC) == "Dec 3"
    assert when(at(2025, 11, 30, 8, 0), now, UTC) == "Nov 30 2025"


async def test_sessions_list_marks_the_current_session_with_its_date(courier: Path) -> None:
    await stage_a_change(courier)  # an earlier session
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        prompt = screen.query_one(PromptInput)
        prompt.text = "what supervises the trackers?"
        await pilot.press("enter")
        pane = screen.pane(screen.current_mode)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished)
        await settle(pilot, app)
        while app.screen is not screen:  # a review the turn may have opened
            app.pop_screen()
        await settle(pilot, app)
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, SessionsScreen))
        sessions = app.screen
        assert isinstance(sessions, SessionsScreen)
        table = sessions.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert len(rows) == 2
        marked = [row for row in rows if row[0] == CURRENT]
        assert len(marked) == 1 and marked[0][2] == "what supervises the trackers?"
        assert all(row[1].startswith("today ") for row in rows), rows
