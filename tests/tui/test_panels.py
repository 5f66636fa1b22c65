"""Pilot tests of the side panels and the watcher: findings from the engine, a save adding a
finding (marked new and announced with file:line and rule), the code view at the finding's
line, the supervision tree, and "review my last change" sending the git diff to the critical
pane in audit mode."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fakeclaude.server import FakeClaude, text_reply
from textual.widgets import Tree
from tui_support import settle, wait_until

from elixir_pro.agent.modes import CognitiveMode
from elixir_pro.engine import parse as parse_module
from elixir_pro.tui.app import ElixirProApp
from elixir_pro.tui.screens.code_view import CodeViewScreen
from elixir_pro.tui.screens.main import MainScreen
from elixir_pro.tui.widgets.entry_list import EntryList
from elixir_pro.tui.widgets.findings_panel import FindingsPanel, finding_key
from elixir_pro.tui.widgets.status_bar import StatusBar

LEAKY = """defmodule Courier.Labels do
  def label(params) do
    kind = String.to_atom(params["kind"])
    {:ok, kind}
  end
end
"""


def main_screen(app: ElixirProApp) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def test_watcher_feeds_the_findings_panel_and_announces_new_findings(courier: Path) -> None:
    app = ElixirProApp(courier, offline=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        panel = screen.findings_panel
        await wait_until(pilot, lambda: panel.state == "ready", timeout=30)
        await wait_until(pilot, lambda: screen.query_one(StatusBar).watcher == "on", timeout=30)
        rules = {f.rule for f in panel.findings}
        assert "unsafe-atom-creation" in rules and "receive-without-after" in rules
        assert not panel.new_keys
        (courier / "lib" / "courier" / "labels.ex").write_text(LEAKY, encoding="utf-8")
        await wait_until(pilot, lambda: bool(panel.new_keys), timeout=30)
        (new,) = [f for f in panel.findings if f.path == "lib/courier/labels.ex"]
        assert new.rule == "unsafe-atom-creation" and new.line == 3

        def announced() -> bool:  # the toast follows the panel's next frame
            messages = [n.message for n in app._notifications]
            return any("labels.ex:3" in m and "unsafe-atom-creation" in m for m in messages)

        await wait_until(pilot, announced)
        await pilot.press("f2")
        await settle(pilot, app)
        assert isinstance(panel, FindingsPanel) and panel.is_mounted
        options = screen.query_one("#findings-list", EntryList)
        assert app.focused is options
        index = panel.findings.index(new)
        options.highlighted = index
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CodeViewScreen))
        view = app.screen
        assert isinstance(view, CodeViewScreen)
        assert view.rel_path == "lib/courier/labels.ex" and view.finding == new
        await pilot.press("a")  # add the file to the context and close
        await settle(pilot, app)
        assert screen.context_files == ["lib/courier/labels.ex"]
        (courier / "lib" / "courier" / "labels.ex").unlink()
        await wait_until(pilot, lambda: new not in panel.findings, timeout=30)


async def test_supervision_tree_panel(courier: Path) -> None:
    app = ElixirProApp(courier, offline=True, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        await pilot.press("f3")
        await settle(pilot, app)
        tree = screen.query_one("#supervision-tree", Tree)
        assert app.focused is tree
        labels = [str(node.label) for node in tree.root.children]
        assert any("Courier" in label for label in labels)
        assert "trees" in str(screen.query_one("#supervision-title").render())
        await pilot.press("f3")
        assert not screen.query_one("#side").display


@pytest.mark.parametrize("watch", [True, False])
async def test_the_supervision_map_reads_the_baselines_parse_trees(
    courier: Path, monkeypatch: pytest.MonkeyPatch, watch: bool
) -> None:
    """The project is parsed once at start: the supervision map follows the findings baseline
    (from the watcher, or the one-off analysis without it) and reuses its trees."""
    parsed: Counter[bytes] = Counter()
    real_parse = parse_module.parse

    def counting_parse(source: bytes) -> Any:
        parsed[source] += 1
        return real_parse(source)

    monkeypatch.setattr(parse_module, "parse", counting_parse)
    app = ElixirProApp(courier, offline=True, watch=watch)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        await wait_until(pilot, lambda: screen.findings_panel.state == "ready", timeout=30)
        await wait_until(pilot, lambda: screen.supervision_panel.smap is not None, timeout=30)
        await settle(pilot, app)
        smap = screen.supervision_panel.smap
        assert smap is not None and any("Courier" in root.label for root in smap.roots)
    sources = sorted(courier.rglob("*.ex"))
    assert len(sources) > 10
    assert all(parsed[path.read_bytes()] == 1 for path in sources)


async def test_review_my_last_change_sends_the_diff_to_the_critical_pane_in_audit_mode(
    courier: Path, claude_env: FakeClaude
) -> None:
    claude_env.enqueue(text_reply("The change looks safe.\n\n**Confidence**: high"))
    target = courier / "lib" / "courier" / "dispatch.ex"
    target.write_text(target.read_text().replace("String.to_atom", "String.to_existing_atom"))
    app = ElixirProApp(courier, watch=False, analyze=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = main_screen(app)
        await pilot.press("ctrl+r")
        pane = screen.pane(CognitiveMode.CRITICAL)
        await wait_until(pilot, lambda: bool(pane.turns) and pane.turns[-1].finished, timeout=20)
        await settle(pilot, app)
        assert screen.current_mode is CognitiveMode.CRITICAL
        assert pane.turns[-1].label == "audit"
        assert screen.tool_mode.value == "solution"  # the pane's own choice is unchanged
    body = claude_env.message_requests()[-1].body
    sent = str(body["messages"])
    assert "lib/courier/dispatch.ex" in sent and "String.to_existing_atom" in sent
    assert "-    status = String.to_atom" in sent
    tools = {t["name"] for t in body.get("tools", [])}
    assert "Write" not in tools and "Edit" not in tools  # audit mode: read-only tools


SORTING = """defmodule CourierWeb.SortController do
  use Phoenix.Controller

  def index(conn, params) do
    field = String.to_atom(params["sort"])
    json(conn, %{field: field})
  end
end
"""


SORT_ROUTE = """defmodule CourierWeb.SortRoutes do
  def routes, do: [{"/sort", CourierWeb.SortController, :index}]
end
"""


async def test_a_finding_is_not_announced_again_when_lines_move_above_it(courier: Path) -> None:
    # routed, so the controller's finding is shown (a controller nothing names is low)
    (courier / "lib" / "courier" / "sort_routes.ex").write_text(SORT_ROUTE, encoding="utf-8")
    app = ElixirProApp(courier, offline=True)
    path = courier / "lib" / "courier" / "sort_controller.ex"
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        panel = screen.findings_panel
        await wait_until(pilot, lambda: panel.state == "ready", timeout=30)
        await wait_until(pilot, lambda: screen.query_one(StatusBar).watcher == "on", timeout=30)

        # the engine's finding (the compiler also reports ProjWeb missing, as an error of its own)
        def here() -> list[Any]:
            path = "lib/courier/sort_controller.ex"
            return [f for f in panel.findings if f.path == path and f.source == "engine"]

        def toasts() -> int:
            return sum(
                1
                for n in app._notifications
                if n.title == "New finding" and "unsafe-atom-creation" in n.message
            )

        path.write_text(SORTING, encoding="utf-8")
        await wait_until(pilot, lambda: [f.line for f in here()] == [5], timeout=30)
        await wait_until(pilot, lambda: toasts() == 1)
        path.write_text("# Sorting.\n\n" + SORTING, encoding="utf-8")
        await wait_until(pilot, lambda: [f.line for f in here()] == [7], timeout=30)
        path.write_text(SORTING, encoding="utf-8")
        await wait_until(pilot, lambda: [f.line for f in here()] == [5], timeout=30)
        await settle(pilot, app)
        assert toasts() == 1  # moved twice, announced once
        new = [f for f in here() if finding_key(f) in panel.new_keys]
        assert len(new) == 1  # still the one new finding, not a second
