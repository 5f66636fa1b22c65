"""The review screen's check before apply, with the real ``mix`` on the greeter fixture project:
a compile error is marked at its hunk (file list, hunk header and note, the bar) while the
project's ``_build`` stays byte-identical; applying it asks first and defaults to not applying;
a rejected hunk is checked again; an unformatted hunk is marked and only warns; ``f`` sends the
problems to the conversation; without ``mix`` one line says so and the review works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from precheck_support import (
    BROKEN_CALL,
    GREETER_EX,
    HARMLESS,
    NAMES_EX,
    UNFORMATTED,
    greeter_copy,
    stage,
    tree_digest,
)
from test_review_support import Host
from textual.pilot import Pilot
from tui_support import wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.compiler.precheck import PrecheckState
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.apply_anyway import ApplyAnywayScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.screens.review import ReviewScreen
from elixir_pro.tui.widgets.precheck_bar import PrecheckBar

CHECK_TIMEOUT = 60.0


@pytest.fixture
def greeter(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return greeter_copy(tmp_path_factory, tmp_path)


def review(app: Any) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def checked(pilot: Pilot[Any], screen: ReviewScreen, previous: str = "") -> None:
    """Wait for the check of the current tree (one newer than ``previous``) to report."""

    def done() -> bool:
        report = screen.precheck
        return report is not None and report.key != previous and not screen.precheck_running

    await wait_until(pilot, done, timeout=CHECK_TIMEOUT)


def bar_text(screen: ReviewScreen) -> str:
    return str(screen.query_one(PrecheckBar).render())


async def test_a_compile_error_is_marked_at_its_hunk_and_apply_asks_first(greeter: Path) -> None:
    build, sources = tree_digest(greeter / "_build"), (greeter / GREETER_EX).read_bytes()
    app = Host(stage(greeter, {GREETER_EX: [HARMLESS, BROKEN_CALL]}), verify=False)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = review(app)
        assert "compiling proposed change…" in bar_text(screen)  # shown at once, keys work
        await pilot.press("j")
        assert screen.diff_view.current == 1
        await checked(pilot, screen)
        assert tree_digest(greeter / "_build") == build  # the shadow build wrote nothing here
        assert "✗ 1 compile error" in bar_text(screen)
        assert not screen.diff_view.hunk_notes(0)
        ((kind, text),) = screen.diff_view.hunk_notes(1)
        assert kind == "error" and text.startswith("error line 11: undefined function nope/0")
        assert "✗ compile" in str(screen.file_list.get_option_at_index(0).prompt)

        await pilot.press("A", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApplyAnywayScreen))
        modal = app.screen
        assert isinstance(modal, ApplyAnywayScreen)
        assert modal.errors == [f"{GREETER_EX}:11: " + text.split(": ", 1)[1]]
        await pilot.press("enter")  # the default: do not apply
        await wait_until(pilot, lambda: app.screen is screen)
        assert screen.phase == "review" and (greeter / GREETER_EX).read_bytes() == sources

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApplyAnywayScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: screen.phase == "applied")
        assert b"nope()" in (greeter / GREETER_EX).read_bytes()
        assert "Checked before apply: ✗ 1 compile error" in screen.result.plain()
        assert not screen.query_one(PrecheckBar).display  # the result view says it now
        await pilot.press("escape")
        await wait_until(pilot, lambda: bool(app.results))
    (outcome,) = app.results
    assert outcome is not None
    assert "applied this change although the check before apply found" in outcome.render_text()


async def test_rejecting_the_broken_hunk_checks_again_and_clears_the_marks(
    greeter: Path,
) -> None:
    app = Host(stage(greeter, {GREETER_EX: [HARMLESS, BROKEN_CALL]}), verify=False)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = review(app)
        await checked(pilot, screen)
        first = screen.precheck
        assert first is not None and first.does_not_compile
        await pilot.press("a", "r", "enter")  # accept hunk 1, reject hunk 2 (no reason)
        await checked(pilot, screen, previous=first.key)
        report = screen.precheck
        assert report is not None
        assert report.state is PrecheckState.OK, report.headline()
        assert not screen.diff_view.hunk_notes(1)
        assert "compile" not in str(screen.file_list.get_option_at_index(0).prompt)
        await pilot.press("enter")  # compiles: no question
        await wait_until(pilot, lambda: screen.phase == "applied")
        assert b"politely" in (greeter / GREETER_EX).read_bytes()


async def test_an_unformatted_hunk_is_marked_and_apply_only_warns(greeter: Path) -> None:
    tidy = ('"Display names."', '"Display names, trimmed."')
    app = Host(stage(greeter, {GREETER_EX: [UNFORMATTED], NAMES_EX: [tidy]}), verify=False)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = review(app)
        await checked(pilot, screen)
        assert "1 file(s) not formatted" in bar_text(screen)
        assert screen.diff_view.hunk_notes(0) == [
            ("format", "not formatted: mix format would change line 7")
        ]
        files = screen.file_list
        assert "≠ format" in str(files.get_option_at_index(0).prompt)
        assert "≠" not in str(files.get_option_at_index(1).prompt)  # lib/greeter/names.ex
        await pilot.press("A", "tab", "A", "enter")
        await wait_until(pilot, lambda: screen.phase == "applied")  # no question asked
        assert not isinstance(app.screen, ApplyAnywayScreen)
        assert "Checked before apply: ✗ 1 file(s) not formatted" in screen.result.plain()


async def test_f_sends_the_problems_to_the_conversation(greeter: Path) -> None:
    app = ElixirProApp(greeter, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        main = app.screen
        assert isinstance(main, MainScreen)
        app.push_screen(ReviewScreen(stage(greeter, {GREETER_EX: [BROKEN_CALL]})))
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = review(app)
        await checked(pilot, screen)
        assert "f asks Claude to fix" in bar_text(screen)
        await pilot.press("f")
        pane = main.pane(CognitiveMode.GENERATIVE)
        await wait_until(pilot, lambda: app.screen is main and bool(pane.turns))
        prompt = pane.turns[-1].prompt
        assert prompt.startswith("The change you staged does not pass the compiler check")
        assert "lib/greeter.ex:11: error: undefined function nope/0" in prompt


async def test_without_mix_one_line_says_so_and_the_review_works(
    greeter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changeset = stage(greeter, {GREETER_EX: [BROKEN_CALL]})
    empty = tmp_path / "no-mix"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    app = Host(changeset, verify=False)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = review(app)
        await checked(pilot, screen)
        assert bar_text(screen) == (
            "Check before apply: mix is not installed: the change was not compiled before apply"
        )
        assert not screen.check_action("ask_fix", ())
        await pilot.press("A", "enter")
        await wait_until(pilot, lambda: screen.phase == "applied")


async def test_enter_while_the_check_runs_waits_for_it_then_asks(greeter: Path) -> None:
    app = Host(stage(greeter, {GREETER_EX: [BROKEN_CALL]}), verify=False)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = review(app)
        await pilot.press("a", "enter")
        assert screen.precheck_running and screen.phase == "review"
        assert "apply waits for it" in bar_text(screen)
        await wait_until(
            pilot, lambda: isinstance(app.screen, ApplyAnywayScreen), timeout=CHECK_TIMEOUT
        )
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen)
        assert screen.phase == "review" and b"nope()" not in (greeter / GREETER_EX).read_bytes()


async def test_enter_right_after_a_decision_checks_the_new_tree_first(greeter: Path) -> None:
    app = Host(stage(greeter, {GREETER_EX: [HARMLESS, BROKEN_CALL]}), verify=False)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = review(app)
        await checked(pilot, screen)
        first = screen.precheck
        assert first is not None and first.does_not_compile
        await pilot.press("a", "r", "escape", "enter")  # reject the broken hunk, apply at once
        assert screen.precheck_running and screen.phase == "review"
        await wait_until(pilot, lambda: screen.phase == "applied", timeout=CHECK_TIMEOUT)
        report = screen.precheck
        assert report is not None and report.key != first.key and not report.new
        text = (greeter / GREETER_EX).read_text()
        assert "politely" in text and "nope()" not in text
