"""Pilot tests of the OpenSpec panel hosted in a tiny app: requirements by capability with
their statements and scenarios, changes with task progress and deltas, notices for malformed
files, opening locations, reload. Snapshots at 80x24 and 160x48 are at the end."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pipeline_support import FIXTURES, OpenSpecHost
from textual.widgets import Static

from elixir_pro.tui.widgets.openspec_panel import OpenSpecPanel


def panel_of(app: OpenSpecHost) -> OpenSpecPanel:
    return app.query_one(OpenSpecPanel)


def labels(panel: OpenSpecPanel) -> list[str]:
    return [str(node.label) for node in panel.spec_tree.root.children]


def project(tmp_path: Path, fixture: str = "openspec_project") -> Path:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / fixture, root)
    return root


async def test_requirements_by_capability_and_changes(tmp_path: Path) -> None:
    app = OpenSpecHost(project(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = panel_of(app)
        title = str(panel.query_one("#openspec-title", Static).render())
        assert title == "OpenSpec · 4 requirement(s), 2 reliability · 1 change(s)"
        assert not panel.query_one("#openspec-notices").display
        assert labels(panel) == ["billing", "dispatch", "change add-shift-limits · 1/3 tasks"]
        dispatch = panel.spec_tree.root.children[1]
        assert [str(n.label) for n in dispatch.children] == [
            "⚑ Driver process recovery",
            "Delivery assignment",
        ]
        recovery = dispatch.children[0]
        assert [str(n.label) for n in recovery.children] == [
            "The system SHALL restart a driver's process within one second when it crashes.",
            "The restarted process MUST keep the driver's last known location.",
            "Scenario Driver process crashes: WHEN a driver's process exits abnormally; "
            "THEN the supervisor restarts it; AND the driver's last known location is restored",
        ]
        change = panel.spec_tree.root.children[2]
        assert [str(n.label) for n in change.children] == [
            "Drivers must not be assigned work past the end of their shift.",
            "ADDED Shift limits",
            "MODIFIED Delivery assignment",
            "REMOVED Manual assignment",
        ]


async def test_enter_on_a_leaf_and_o_on_any_row_open_the_location(tmp_path: Path) -> None:
    app = OpenSpecHost(project(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = panel_of(app)
        recovery = panel.spec_tree.root.children[1].children[0]
        panel.spec_tree.move_cursor(recovery)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert [(m.path, m.line) for m in app.messages] == [("openspec/specs/dispatch/spec.md", 8)]
        await pilot.press("enter")  # a branch: opens or closes, posts nothing
        await pilot.pause()
        assert len(app.messages) == 1 and recovery.is_expanded
        await pilot.press("down", "down", "down", "enter")  # the scenario leaf
        await pilot.pause()
        assert (app.messages[-1].path, app.messages[-1].line) == (
            "openspec/specs/dispatch/spec.md",
            12,
        )


async def test_malformed_spec_lists_its_problems(tmp_path: Path) -> None:
    app = OpenSpecHost(project(tmp_path, "openspec_broken"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = panel_of(app)
        assert panel.spec is not None
        notices = str(panel.query_one("#openspec-notices", Static).render()).splitlines()
        assert notices[0] == panel.spec.notices[0]
        assert notices[0].startswith("openspec/specs/tracking/spec.md:3: a scenario outside")
        assert labels(panel) == ["tracking"]


async def test_no_openspec_folder_then_reload(tmp_path: Path) -> None:
    app = OpenSpecHost(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = panel_of(app)
        assert labels(panel) == ["No openspec/ folder."]
        shutil.copytree(FIXTURES / "openspec_project" / "openspec", tmp_path / "openspec")
        panel.reload()
        await pilot.pause()
        assert labels(panel)[:2] == ["billing", "dispatch"]


# -- snapshots -------------------------------------------------------------------------------


def test_openspec_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = OpenSpecHost(project(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), press=["down", "down", "enter"])


def test_openspec_160x48_malformed(snap_compare: Any, tmp_path: Path) -> None:
    app = OpenSpecHost(project(tmp_path, "openspec_broken"))
    assert snap_compare(app, terminal_size=(160, 48), press=["down", "enter"])
