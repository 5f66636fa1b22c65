"""Pilot tests of the gates view hosted in a tiny app: evaluation in a worker, badges, evidence
rows, the messages it posts (OpenLocation, ProposeChanges, Evaluated), refresh and close.
Snapshots at 80x24 and 160x48 are at the end."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pipeline_support import FIXTURES, GatesHost, courier_with_pipeline
from textual.pilot import Pilot
from textual.widgets import Label, Static
from tui_support import settle

from elixir_pro.pipeline.gates_design import MAPPING_FILE
from elixir_pro.pipeline.gates_model import GateReport, Status
from elixir_pro.tui.screens.gates import CheckRow, CheckView, EvidenceRow, GatesScreen


def screen_of(app: GatesHost) -> GatesScreen:
    assert isinstance(app.screen, GatesScreen)
    return app.screen


def view_of(screen: GatesScreen, check_id: str) -> CheckView:
    return next(v for v in screen.query(CheckView) if v.check.id == check_id)


def header(screen: GatesScreen, widget_id: str) -> str:
    return str(screen.query_one(widget_id, Static).render())


async def test_evaluates_on_mount_and_shows_the_four_gates(tmp_path: Path) -> None:
    app = GatesHost(courier_with_pipeline(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = screen_of(app)
        assert screen.report is not None and not screen.running
        assert app.reports == [screen.report]
        assert screen.progress_steps == ["auditing the source"]
        heads = [str(label.render()) for label in screen.query(".gate-head .badge").results(Label)]
        assert heads == ["FAIL", "FAIL", "UNKNOWN", "FAIL"]
        badges = screen.query(".gate-head .badge").results(Label)
        assert [b.has_class("-fail") for b in badges] == [True, True, False, True]
        assert header(screen, "#gates-title") == (
            "Phase gates · courier · 3 fail · 1 unknown · mix off"
        )
        assert not screen.query_one("#gates-progress").display
        checks = [v.check.id for v in screen.query(CheckView)]
        assert len(checks) == 12 and checks[0] == "design.processes-supervised"
        assert isinstance(screen.focused, CheckRow)
        assert screen.focused.check.id == "design.processes-supervised"
        assert not any(v.expanded for v in screen.query(CheckView))


async def test_evidence_opens_its_location_and_rows_without_a_path_do_nothing(
    tmp_path: Path,
) -> None:
    app = GatesHost(courier_with_pipeline(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = screen_of(app)
        first = view_of(screen, "design.processes-supervised")
        assert not first.expanded
        await pilot.press("enter")
        assert first.expanded and first.has_class("-expanded")
        await pilot.pause()  # the rows are laid out before focus moves onto them
        await pilot.press("down")
        row = screen.focused
        assert isinstance(row, EvidenceRow)
        assert str(row.evidence).startswith("lib/courier/rate_card.ex:20: GenServer.start")
        await pilot.press("enter")
        await pilot.pause()
        (message,) = app.messages[1:]
        assert isinstance(message, GatesScreen.OpenLocation)
        assert (message.path, message.line) == ("lib/courier/rate_card.ex", 20)
        await pilot.press("up", "space")
        assert not first.expanded
        # the telemetry check's evidence has no path: enter on it posts nothing
        telemetry = view_of(screen, "deployment.telemetry")
        telemetry.query_one(CheckRow).focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down")
        assert telemetry.expanded
        assert isinstance(screen.focused, EvidenceRow) and screen.focused.evidence.path is None
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.messages) == 2


async def test_confirm_mapping_posts_the_proposed_change(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    app = GatesHost(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("c")
        await settle(pilot, app)
        (message,) = app.messages[1:]
        assert isinstance(message, GatesScreen.ProposeChanges)
        text = message.changeset.proposals[MAPPING_FILE].new_text or ""
        assert '"Driver process recovery": ["Courier.DriverSupervisor"]' in text
    assert not (root / MAPPING_FILE).exists()


async def test_confirm_mapping_with_nothing_to_confirm_posts_nothing(tmp_path: Path) -> None:
    root = tmp_path / "beacon"
    shutil.copytree(FIXTURES / "gates_pass", root)
    app = GatesHost(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = screen_of(app)
        assert screen.report is not None
        assert screen.report.check("design.openspec-mapped").status is Status.PASS
        await pilot.press("c")
        await settle(pilot, app)
        assert [type(m) for m in app.messages] == [GatesScreen.Evaluated]


async def test_refresh_after_a_change_keeps_open_checks_and_focus(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    app = GatesHost(root)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, app)
        screen = screen_of(app)
        view_of(screen, "deployment.runtime-config").query_one(CheckRow).focus()
        await pilot.press("enter")
        assert screen.report is not None
        assert screen.report.check("deployment.runtime-config").status is Status.FAIL
        (root / "config" / "runtime.exs").write_text("import Config\n", encoding="utf-8")
        screen.refresh_gates()
        assert screen.running
        await settle(pilot, app)
        assert not screen.running and len(app.reports) == 2
        assert screen.report.check("deployment.runtime-config").status is Status.PASS
        refreshed = view_of(screen, "deployment.runtime-config")
        assert refreshed.expanded
        assert isinstance(screen.focused, CheckRow)
        assert screen.focused.check.id == "deployment.runtime-config"
        await pilot.press("r")
        await settle(pilot, app)
        assert len(app.reports) == 3


def arrow(view: CheckView) -> str:
    return str(view.query_one(".check-arrow", Label).render())


async def test_an_open_check_keeps_its_open_marker_after_r(tmp_path: Path) -> None:
    app = GatesHost(courier_with_pipeline(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = screen_of(app)
        await pilot.press("enter")
        first = view_of(screen, "design.processes-supervised")
        assert first.expanded and arrow(first) == "▾"
        await pilot.press("r")
        await settle(pilot, app)
        again = view_of(screen, "design.processes-supervised")
        assert again is not first and again.expanded
        assert arrow(again) == "▾"
        assert all(arrow(v) == "▸" for v in screen.query(CheckView) if not v.expanded)


async def test_escape_closes_and_a_given_report_is_shown_without_evaluating(
    tmp_path: Path,
) -> None:
    root = courier_with_pipeline(tmp_path)
    first = GatesHost(root)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot, first)
        report = screen_of(first).report
    app = GatesHost(root, report=report)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = screen_of(app)
        assert screen.report is report and app.reports == []
        await pilot.press("m")
        assert screen.use_mix and header(screen, "#gates-title").endswith("mix on")
        await pilot.press("escape")
        await pilot.pause()
        assert app.closed == 1
        assert not isinstance(app.screen, GatesScreen)


async def test_an_evaluation_error_is_one_line_and_the_screen_stays(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    (root / ".elixir-pro.yaml").write_text("rules:\n  nonsense: 3\n", encoding="utf-8")
    app = GatesHost(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = screen_of(app)
        assert screen.report is None and not screen.running and app.reports == []
        line = screen.query_one("#gates-progress", Static)
        assert line.has_class("-error") and not line.has_class("-running")
        text = header(screen, "#gates-progress")
        assert text.startswith("Could not evaluate the gates: ")
        assert text.endswith(
            ".elixir-pro.yaml:2: rules.nonsense: unknown setting "
            "(known: disable, enable, strict, severity, paths)"
        )
        await pilot.press("c")
        await pilot.pause()
        assert app.messages == []
        (root / ".elixir-pro.yaml").unlink()
        await pilot.press("r")
        await settle(pilot, app)
        assert screen.report is not None and not line.has_class("-error")
        assert len(app.reports) == 1


async def test_refresh_before_mount_marks_the_report_stale(tmp_path: Path) -> None:
    root = courier_with_pipeline(tmp_path)
    stale = GateReport([])
    screen = GatesScreen(root, report=stale)
    screen.refresh_gates()
    assert screen.report is None
    app = GatesHost(root, screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert screen.report is not None and len(screen.report.gates) == 4
        assert app.reports == [screen.report]


@pytest.mark.mix
async def test_mix_on_runs_compile_and_test_with_progress(tmp_path: Path) -> None:
    root = tmp_path / "beacon"
    shutil.copytree(FIXTURES / "gates_pass", root)
    app = GatesHost(root, use_mix=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = screen_of(app)
        assert screen.progress_steps == [
            "auditing the source",
            "mix compile --warnings-as-errors",
            "mix test",
        ]
        assert screen.report is not None and screen.report.passed
        assert header(screen, "#gates-title") == "Phase gates · beacon · 4 pass · mix on"


# -- snapshots -------------------------------------------------------------------------------


async def _evaluated(pilot: Pilot[Any]) -> None:
    await settle(pilot, pilot.app)


def test_gates_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = GatesHost(courier_with_pipeline(tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), press=["j", "enter"], run_before=_evaluated)


def test_gates_160x48(snap_compare: Any, tmp_path: Path) -> None:
    app = GatesHost(courier_with_pipeline(tmp_path))
    press = ["j", "j", "enter", "down"]
    assert snap_compare(app, terminal_size=(160, 48), press=press, run_before=_evaluated)
