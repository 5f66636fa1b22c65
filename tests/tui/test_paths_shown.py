"""Pilot tests of how paths are shown where they may not fit: every place (the review's file
list, the findings and context panels, tool rows, staged lines, the code view's title) shortens a
long path in its middle and keeps the file name, on one line, and shows it whole when there is
room."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import OptionList, Static
from tui_support import settle, wait_until

from elixir_pro.changes.changeset import Changeset
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.events import EditProposed, ToolFinished, ToolRequested, TurnFinished
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.code_view import CodeViewScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.widgets.file_list import FileList
from elixir_pro.tui.widgets.path_line import PathLine
from elixir_pro.tui.widgets.tool_row import ToolRow

DEEP = "lib/courier/reporting/monthly/regional/breakdown/aggregate_supervisor.ex"


def deep_project(courier: Path) -> Path:
    target = courier / DEEP
    target.parent.mkdir(parents=True)
    target.write_text("defmodule Courier.Reporting.Agg do\n  def run, do: :ok\nend\n")
    return courier


def main_of(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def test_tool_rows_and_staged_lines_keep_the_file_name(courier: Path) -> None:
    deep_project(courier)
    sizes: list[tuple[int, int]] = [(80, 24), (160, 48)]
    for size in sizes:
        app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
        async with app.run_test(size=size) as pilot:
            await settle(pilot, app)
            screen = main_of(app)
            turn = await screen.pane(screen.current_mode).start_turn("read it", turn_id="t1")
            await turn.handle(ToolRequested("c1", "Read", {"file_path": DEEP}))
            await turn.handle(ToolFinished("c1", "Read", "defmodule …"))
            await turn.handle(EditProposed(DEEP, "modify", 3, 1, "cs1"))
            await turn.handle(TurnFinished(""))
            await settle(pilot, app)
            row = turn.query_one(ToolRow)
            title = str(row.title)
            assert title.endswith("aggregate_supervisor.ex · done"), title
            assert len(title) + 4 <= row.size.width
            staged = turn.query_one(".staged", PathLine)
            shown = str(staged.render())
            assert "aggregate_supervisor.ex (+3 -1)  ctrl+g to review" in shown
            assert len(shown) <= staged.content_region.width
            if size[0] == 160:
                assert DEEP in title and DEEP in shown  # room enough: whole
            else:
                assert "…" in title and "…" in shown


async def test_findings_panel_shows_each_place_on_one_line(courier: Path) -> None:
    deep_project(courier)
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = main_of(app)
        finding = Finding("slow-init", Severity.HIGH, DEEP, 2, 3, 2, 10, "init/1 queries a table")
        screen.findings_panel.set_findings([finding])
        await pilot.press("f2")
        entries = screen.findings_panel.query_one("#findings-list")
        await wait_until(pilot, lambda: entries.size.width > 0)
        await settle(pilot, app)
        lines = [entries.render_line(y).text.strip() for y in range(entries.size.height)]
        place = next(line for line in lines if ".ex:2" in line)
        assert place.startswith(("lib/…/", "…/")) and place.endswith("aggregate_supervisor.ex:2")


async def test_review_file_list_and_code_view_title_keep_the_file_name(courier: Path) -> None:
    deep_project(courier)
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        from elixir_pro.tui.screens.review import ReviewScreen

        changeset = Changeset(courier, source="test")
        changeset.propose_text(DEEP, (courier / DEEP).read_text() + "# more\n")
        app.push_screen(ReviewScreen(changeset))
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot, app)
        files = app.screen.query_one(FileList)
        first = str(files.get_option_at_index(0).prompt).splitlines()[0]
        assert first.startswith("M lib/…/") and first.endswith("/aggregate_supervisor.ex")
        app.pop_screen()
        await settle(pilot, app)

        app.push_screen(CodeViewScreen(courier, DEEP, line=2))
        await wait_until(pilot, lambda: isinstance(app.screen, CodeViewScreen))
        await settle(pilot, app)
        title = app.screen.query_one("#code-title", Static)
        shown = str(title.render())
        assert isinstance(title.render(), Text)
        assert shown == DEEP + ":2"  # 78 cells of room: whole
        await pilot.resize_terminal(50, 24)
        await settle(pilot, app)
        shown = str(title.render())
        assert shown.endswith("/aggregate_supervisor.ex:2") and "…" in shown
        assert len(shown) <= title.content_region.width


async def test_context_panel_keeps_the_file_name(courier: Path) -> None:
    deep_project(courier)
    app = ElixirProApp(courier, offline=True, watch=False, analyze=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = main_of(app)
        screen.add_context([DEEP, "mix.exs"])
        await pilot.press("f4")
        await settle(pilot, app)
        options = screen.context_panel.query_one(OptionList)
        first = options.get_option_at_index(0)
        shown = str(first.prompt)
        assert first.id == DEEP  # removing it still names the real file
        assert shown.endswith("/aggregate_supervisor.ex") and "…" in shown
        assert len(shown) <= options.content_region.width
        assert str(options.get_option_at_index(1).prompt) == "mix.exs"
        await pilot.press("f4")
        await pilot.resize_terminal(160, 48)
        await pilot.press("f4")
        await settle(pilot, app)
        wide = str(options.get_option_at_index(0).prompt)
        assert len(wide) > len(shown) and wide.endswith("/aggregate_supervisor.ex")
        assert len(wide) <= options.content_region.width  # refitted to the wider panel
