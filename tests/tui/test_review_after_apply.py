"""Pilot tests of the review screen after apply: the result stays on screen (what was written,
each file's diff, the verification from the real ``mix`` with a progress line while it runs),
``u`` undoes exactly that apply, ``D`` discards the pending changes, and the file list's mark
follows the decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_review_support import Host, sample_changeset, sample_project
from textual.pilot import Pilot
from tui_support import wait_until

from elixir_pro.changes import journal, store
from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.outcome import ApplyOutcome
from elixir_pro.tui.screens.confirm import ConfirmScreen
from elixir_pro.tui.screens.review import ReviewScreen
from elixir_pro.tui.screens.review_apply import DISCARDED_NOTE, UNDONE_NOTE
from elixir_pro.tui.widgets.apply_result import ApplyResult
from elixir_pro.tui.widgets.file_list import FileList

COUNTER = "lib/counter.ex"


def review(app: Host) -> ReviewScreen:
    screen = app.screen_stack[-1]
    assert isinstance(screen, ReviewScreen)
    return screen


async def test_after_apply_the_result_stays_and_u_restores_the_exact_bytes(
    tmp_path: Path,
) -> None:
    root = sample_project(tmp_path)
    (root / "lib" / "old.ex").write_bytes(b"defmodule Old do\r\nend")  # CRLF, no final newline
    before = {rel: (root / rel).read_bytes() for rel in (COUNTER, "notes.md", "lib/old.ex")}
    changeset = sample_changeset(root)
    changeset.propose_text("lib/added.ex", "defmodule Added do\nend\n")
    changeset.propose_delete("lib/old.ex")
    app = Host(changeset)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = review(app)
        await pilot.press("A", "tab", "A", "tab", "A", "tab", "A", "enter")
        await wait_until(pilot, lambda: screen.phase == "applied", timeout=60)
        assert app.screen is screen and app.results == []  # still open, on the result
        result = screen.query_one(ApplyResult)
        assert result.display and not screen.query_one("#review-body").display
        text = result.plain()
        assert "Applied: 4 file(s) written" in text
        assert "created lib/added.ex" in text and "modified lib/counter.ex" in text
        assert "deleted lib/old.ex" in text and not (root / "lib/old.ex").exists()
        assert '+  @moduledoc "A supervised counter process."' in text  # the diff that landed
        assert "Verification skipped: not a mix project" in text
        assert (root / "lib/added.ex").exists()
        await pilot.press("u")
        await wait_until(pilot, lambda: screen.phase == "undone")
        assert "Undone: every file is back as it was" in result.plain()
        after = {rel: (root / rel).read_bytes() for rel in (COUNTER, "notes.md", "lib/old.ex")}
        assert after == before  # byte for byte, the deleted file back too
        assert not (root / "lib/added.ex").exists()  # the created file is removed again
        assert journal.undoable(root) == []
        await pilot.press("escape")
        await wait_until(pilot, lambda: bool(app.results))
    (outcome,) = app.results
    assert outcome is not None and UNDONE_NOTE in outcome.render_text()


async def test_verify_with_real_mix_shows_progress_then_the_steps(courier: Path) -> None:
    changeset = Changeset(courier, source="claude", description="Document the metrics")
    target = "lib/courier/metrics.ex"
    text = (courier / target).read_text()
    changeset.propose_text(target, "# Metrics of the courier fleet.\n" + text)
    app = Host(changeset)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = review(app)
        await pilot.press("A", "enter")  # the apply waits for the check before apply
        await wait_until(pilot, lambda: screen.phase == "verifying", timeout=60)
        result = screen.query_one(ApplyResult)
        progress = result.progress
        assert progress is not None
        await wait_until(pilot, lambda: progress.display, timeout=30)  # after 0.5 s of mix
        assert "mix format, compile, test" in str(progress.render())
        assert result.section("verify").title_text == "Verification: running mix…"  # type: ignore[union-attr]
        assert not screen.check_action("undo", ()) and not screen.check_action("apply", ())
        await wait_until(pilot, lambda: screen.phase == "applied", timeout=120)
        assert result.progress is None
        verify = result.section("verify")
        assert verify is not None and verify.status == "ok", result.plain()
        assert verify.title_text == "Verification passed"
        assert "mix compile" in verify.plain and "mix test" in verify.plain
        await pilot.press("escape")
        await wait_until(pilot, lambda: bool(app.results))
    (outcome,) = app.results
    assert outcome is not None and outcome.verification is not None and outcome.verification.ok


async def test_closing_while_mix_runs_gives_its_verdict_as_a_notice(courier: Path) -> None:
    changeset = Changeset(courier, source="claude", description="Document the metrics")
    target = "lib/courier/metrics.ex"
    changeset.propose_text(target, "# Metrics.\n" + (courier / target).read_text())
    app = Host(changeset)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = review(app)
        late: list[ApplyOutcome] = []
        screen.verified_late = late.append  # the host hears of it too
        await pilot.press("A", "enter")  # the apply waits for the check before apply
        await wait_until(pilot, lambda: screen.phase == "verifying", timeout=60)
        await pilot.press("escape")  # no need to wait for mix
        await wait_until(pilot, lambda: bool(app.results))
        (outcome,) = app.results
        assert outcome is not None and outcome.verification is None  # still running

        def verdict() -> bool:
            return any("Verification passed" in n.message for n in app._notifications)

        await wait_until(pilot, verdict, timeout=120)
        assert outcome.verification is not None and outcome.verification.ok
        assert late == [outcome]


async def test_apply_with_nothing_accepted_writes_nothing_and_offers_no_undo(
    tmp_path: Path,
) -> None:
    root = sample_project(tmp_path)
    before = (root / COUNTER).read_bytes()
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = review(app)
        await pilot.press("R", "enter")  # every hunk of the counter rejected, notes undecided
        await wait_until(pilot, lambda: screen.phase == "applied")
        assert "Nothing was applied" in screen.result.plain()
        assert "nothing was written" in str(screen.query_one("#review-title").render())
        assert not screen.check_action("undo", ())
        await pilot.press("escape")
        await wait_until(pilot, lambda: bool(app.results))
    assert (root / COUNTER).read_bytes() == before


async def test_discard_asks_then_forgets_the_pending_changes(tmp_path: Path) -> None:
    root = sample_project(tmp_path)
    before = (root / COUNTER).read_bytes()
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = review(app)
        assert store.pending(root)
        await pilot.press("A", "D")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "lib/counter.ex" in app.screen.details  # type: ignore[attr-defined]
        await pilot.press("n")  # no: nothing happens
        await wait_until(pilot, lambda: app.screen is screen)
        assert store.pending(root) and app.results == []
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(app.results))
    (outcome,) = app.results
    assert outcome is not None and DISCARDED_NOTE in outcome.render_text()
    assert store.pending(root) == []
    assert (root / COUNTER).read_bytes() == before


async def test_file_list_mark_follows_the_decisions(tmp_path: Path) -> None:
    """A file whose only hunk was rejected is not marked with the green ✓ of an accepted one."""
    root = sample_project(tmp_path)
    app = Host(sample_changeset(root))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = review(app)
        files = screen.query_one(FileList)

        def line(index: int) -> str:
            return str(files.get_option_at_index(index).prompt)

        await pilot.press("tab", "r", "escape")  # notes.md: its one hunk rejected
        assert len(screen.model.diff("notes.md").hunks) == 1
        assert "✓" not in line(1) and "✗" in line(1)
        await pilot.press("space")  # now accepted
        assert "✓" in line(1) and "✗" not in line(1)
        await pilot.press("tab", "a", "r", "escape")  # counter: accepted, rejected, open
        assert "2/3" in line(0)
        await pilot.press("j", "a")
        assert "1✗" in line(0) and "2✓" in line(0)


def test_result_view_snapshot_160x48(snap_compare: Any, tmp_path: Path) -> None:
    """The result after an apply: what was written, the diff that landed, the verification."""
    app = Host(sample_changeset(sample_project(tmp_path)))

    async def apply_all(pilot: Pilot[None]) -> None:
        await pilot.press("A", "tab", "A", "enter")
        await wait_until(pilot, lambda: review(app).phase == "applied")

    assert snap_compare(app, terminal_size=(160, 48), run_before=apply_all)


def test_result_view_snapshot_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = Host(sample_changeset(sample_project(tmp_path)))

    async def apply_all(pilot: Pilot[None]) -> None:
        await pilot.press("A", "tab", "A", "enter")
        await wait_until(pilot, lambda: review(app).phase == "applied", timeout=60)

    assert snap_compare(app, terminal_size=(80, 24), run_before=apply_all)
