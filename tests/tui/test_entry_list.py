"""The findings list (EntryList under FindingsPanel): keys, clicks, a cursor that follows its
finding, a view that updates never move, and updates that draw only what is new."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.content import Content
from textual.visual import Visual
from tui_support import settle

from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.tui.widgets.entry_list import EntryList
from elixir_pro.tui.widgets.findings_panel import FindingsPanel

MESSAGE = "String.to_atom/1 on data from outside creates atoms that are never collected"


def finding(n: int, severity: Severity = Severity.HIGH) -> Finding:
    path = f"lib/app/module_{n:04d}.ex"
    return Finding("unsafe-atom-creation", severity, path, 10, 5, 10, 30, MESSAGE)


class PanelApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[Finding] = []

    def compose(self) -> ComposeResult:
        yield FindingsPanel()

    def on_findings_panel_chosen(self, event: FindingsPanel.Chosen) -> None:
        self.chosen.append(event.finding)


async def _ready(
    pilot: Any, app: PanelApp, findings: list[Finding]
) -> tuple[FindingsPanel, EntryList]:
    panel = app.query_one(FindingsPanel)
    panel.set_findings(findings)
    entries = app.query_one("#findings-list", EntryList)
    entries.focus()
    await settle(pilot, app)
    return panel, entries


async def test_keys_move_the_cursor_and_enter_opens_the_finding() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        panel, entries = await _ready(pilot, app, [finding(n) for n in range(30)])
        assert entries.entry_count == 30 and entries.highlighted == 0  # focused: cursor shown
        await pilot.press("down", "down")
        assert entries.highlighted == 2
        await pilot.press("pagedown")
        after_page = entries.highlighted
        assert after_page is not None and after_page > 4  # a page is ~19 lines of 4-line entries
        assert entries.scroll_offset.y > 0  # the cursor stays in view
        await pilot.press("end")
        assert entries.highlighted == 29
        await pilot.press("home")
        assert entries.highlighted == 0 and entries.scroll_offset.y == 0
        await pilot.press("up")  # stays at the top
        assert entries.highlighted == 0
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert app.chosen == [panel.findings[1]]


async def test_a_click_selects_the_entry_under_the_pointer() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        panel, entries = await _ready(pilot, app, [finding(n) for n in range(5)])
        region = entries.entry_region(2)
        assert await pilot.click("#findings-list", offset=(3, region.y + 1))
        await settle(pilot, app)
        assert entries.highlighted == 2 and app.chosen == [panel.findings[2]]


async def test_the_cursor_follows_its_finding_and_updates_keep_the_view() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        panel, entries = await _ready(pilot, app, [finding(n) for n in range(30)])
        await pilot.press("end")
        await settle(pilot, app)
        chosen = panel.findings[29]
        scroll = entries.scroll_offset.y
        assert scroll > 0
        worse = finding(99, Severity.CRITICAL)  # sorted first, above the cursor
        panel.apply_update([worse.path], [worse], [worse])
        await settle(pilot, app)
        assert entries.entry_count == 31 and panel.findings[0] == worse
        assert entries.highlighted == 30 and panel.findings[30] == chosen
        # An update never scrolls the list back to the top.
        assert entries.scroll_offset.y >= scroll
        panel.apply_update([chosen.path], [], [])  # the cursor's finding is resolved
        await settle(pilot, app)
        assert entries.entry_count == 30 and entries.highlighted == 29


async def test_an_update_draws_only_the_entries_it_has_not_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 30)) as pilot:
        panel, entries = await _ready(pilot, app, [finding(n) for n in range(200)])
        drawn: list[int] = []
        measured: list[int] = []
        to_strips, get_height = Visual.to_strips, Content.get_height

        def counting_to_strips(cls: Any, *args: Any, **kwargs: Any) -> Any:
            drawn.append(1)
            return to_strips(*args, **kwargs)

        def counting_height(self: Content, *args: Any) -> int:
            measured.append(1)
            return get_height(self, *args)

        monkeypatch.setattr(Visual, "to_strips", classmethod(counting_to_strips))
        monkeypatch.setattr(Content, "get_height", counting_height)
        new = finding(500, Severity.CRITICAL)
        panel.apply_update([new.path], [new], [new])
        await settle(pilot, app)
        assert entries.entry_count == 201
        # The new finding is measured and drawn; the 200 known ones come from the caches (the
        # title is drawn too, and the entry that lost the cursor is redrawn without it).
        assert len(measured) <= 2
        assert 1 <= len(drawn) <= 4


async def test_an_empty_list_says_so() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 12)) as pilot:
        _, entries = await _ready(pilot, app, [])
        assert entries.entry_count == 0 and entries.highlighted is None
        assert "No findings." in entries.render_line(0).text
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert app.chosen == []


async def test_a_narrower_list_rewraps_and_keeps_the_cursor_in_view() -> None:
    app = PanelApp()
    async with app.run_test(size=(90, 20)) as pilot:
        panel, entries = await _ready(pilot, app, [finding(n) for n in range(12)])
        wide = entries.virtual_size.height
        await pilot.press("end")
        await pilot.resize_terminal(44, 20)
        await settle(pilot, app)
        # The message wraps onto more lines at the narrower width, for every entry.
        assert entries.virtual_size.height > wide
        region = entries.entry_region(11)
        assert region.y + region.height == entries.virtual_size.height
        await pilot.press("up")
        await settle(pilot, app)
        top, bottom = entries.scroll_offset.y, entries.scroll_offset.y + entries.size.height
        cursor = entries.entry_region(10)
        assert top <= cursor.y and cursor.y + cursor.height <= bottom
        assert "module_0010" in "".join(
            entries.render_line(y).text for y in range(cursor.y - top, cursor.y - top + 3)
        )
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.chosen == [panel.findings[10]]


async def test_a_theme_change_redraws_the_cached_entries_in_its_colours() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 20)) as pilot:
        _, entries = await _ready(pilot, app, [finding(n) for n in range(5)])

        def colours() -> set[str]:
            strips = [entries.render_line(y) for y in range(8)]
            return {str(seg.style) for strip in strips for seg in strip if seg.style}

        before = colours()
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await settle(pilot, app)
        assert colours() and colours() != before
