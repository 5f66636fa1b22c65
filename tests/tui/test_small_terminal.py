"""Pilot tests at 80x24, the smallest size the TUI is made for: every screen's key bar shows all
its keys (on a second line when one is not enough), a modal shows its own keys over the ones
under it, and a side panel overlays the conversation instead of squeezing it."""

from __future__ import annotations

from pathlib import Path

from test_review_support import Host, sample_changeset, sample_project
from tui_support import settle, wait_until

from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.error import ErrorScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.screens.review import ReviewScreen
from elixir_pro.tui.widgets.key_bar import KeyBar, KeyItem, wrap


def bar_text(bar: KeyBar) -> list[str]:
    return str(bar.render()).splitlines()


def assert_all_keys_shown(bar: KeyBar) -> list[str]:
    lines = bar_text(bar)
    assert 1 <= len(lines) <= KeyBar.MAX_LINES
    assert all(len(line) <= bar.content_region.width for line in lines), lines
    shown = " ".join(lines)
    for item in bar.items():
        assert f"{item.display} {item.label}" in shown, (item, lines)
    return lines


async def test_review_key_bar_shows_apply_leave_edit_split_at_80_columns(tmp_path: Path) -> None:
    app = Host(sample_changeset(sample_project(tmp_path)))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
        bar = app.screen.query_one(KeyBar)
        shown = " ".join(assert_all_keys_shown(bar))
        for label in ("Accept", "Reject", "Edit", "Split", "Apply", "Leave"):
            assert label in shown, shown
        assert bar.outer_size.height == 2  # a second line, not a cut one


async def test_main_key_bar_shows_every_key_at_80_columns(courier: Path) -> None:
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        bar = screen.query_one(KeyBar)
        assert "f1 help" in " ".join(assert_all_keys_shown(bar))
        await pilot.press("escape")  # out of the prompt: the letter keys join
        await settle(pilot, app)
        assert_all_keys_shown(bar)
        await pilot.resize_terminal(160, 48)
        await settle(pilot, app)
        assert len(assert_all_keys_shown(bar)) == 1


async def test_a_modal_shows_its_own_keys_over_the_screens(courier: Path) -> None:
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        main_bar = app.screen.query_one(KeyBar)
        app.push_screen(ErrorScreen("Theme error", "themes/bad.yaml: primary: not a colour"))
        await wait_until(pilot, lambda: bool(app.screen.query(KeyBar)))
        await settle(pilot, app)
        bar = app.screen.query_one(KeyBar)
        assert bar is not main_bar
        assert "close" in " ".join(assert_all_keys_shown(bar))
        assert bar.region.y == main_bar.region.y  # covers the main screen's keys whole
        assert bar.outer_size.height == main_bar.outer_size.height


async def test_a_side_panel_overlays_the_conversation_at_80_columns(courier: Path) -> None:
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        pane = screen.pane(screen.current_mode)
        tabs = screen.query_one("#tabs")
        before = (pane.size.width, tabs.size.width)
        await pilot.press("f4")
        await settle(pilot, app)
        side = screen.query_one("#side")
        assert side.display and side.size.width >= 30
        assert (pane.size.width, tabs.size.width) == before  # nothing squeezed or cut
        assert side.region.right == screen.size.width  # lies over the right of the panes
        await pilot.press("f4")
        await pilot.resize_terminal(160, 48)
        await settle(pilot, app)
        await pilot.press("f4")
        await settle(pilot, app)
        assert pane.region.right <= side.region.x  # at 160 columns: side by side
        assert pane.size.width < 160 - side.size.width


def test_keys_that_do_not_fit_on_two_lines_leave_an_all_keys_key() -> None:
    items = [KeyItem(f"k{i}", f"k{i}", "a long label here") for i in range(12)]
    more = KeyItem("f1", "f1", "all keys")
    lines = wrap(items, 40, 2, more)
    assert len(lines) == 2
    assert lines[-1][-1] == more
    assert all(sum(i.width for i in line) + len(line) - 1 <= 40 for line in lines)
    assert wrap(items[:2], 80, 2, more) == [items[:2]]
