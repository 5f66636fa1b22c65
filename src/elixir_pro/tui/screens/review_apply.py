"""The review screen's apply side: applying the decisions, the after-apply result view (what was
written, each file's diff, the verification with a progress line while ``mix`` runs), undoing
that apply (``u``), discarding the pending changes (``D``) and leaving.

A mixin of :class:`~elixir_pro.tui.screens.review.ReviewScreen`, kept apart so each file holds one
responsibility. The one entry point that writes files is :meth:`ApplyFlowMixin.apply_decisions`;
``enter`` reaches it through :meth:`ApplyFlowMixin.action_apply`, the place to ask anything
first. After an apply the screen stays on the result (``esc`` closes it and dismisses with the
outcome); :attr:`ApplyFlowMixin.result` is the :class:`~elixir_pro.tui.widgets.apply_result.
ApplyResult` others may add sections to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from textual import work
from textual.screen import Screen
from textual.widgets import Static

from elixir_pro.changes import journal, store
from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.outcome import ApplyOutcome
from elixir_pro.errors import UserError
from elixir_pro.tui.widgets.apply_result import ApplyResult, diff_content

if TYPE_CHECKING:
    from elixir_pro.changes.changeset import Changeset
    from elixir_pro.changes.outcome import Verification
    from elixir_pro.changes.review_model import ReviewModel

Phase = Literal["review", "verifying", "applied", "undone"]

# the actions that still work once the result shows
AFTER_APPLY_ACTIONS = frozenset({"undo", "leave"})

FIRST_DIFF = "written"  # the heading over the diffs: the verification goes above it
DISCARDED_NOTE = "The user discarded these staged changes: nothing was written."
UNDONE_NOTE = "The user then undid this apply: every file is back as it was before it."


def verification_section(verification: Verification) -> tuple[str, str, str]:
    """(title, body, status) of the verification for the result view."""
    if not verification.ran:
        return "Verification skipped: " + "; ".join(verification.steps), "", "info"
    lines = [*verification.steps, *(f"- {f}" for f in verification.failures)]
    if verification.next_prompt:
        lines += ["", f"Suggested next prompt: {verification.next_prompt}"]
    if verification.ok:
        return "Verification passed", "\n".join(lines), "ok"
    return "Verification FAILED", "\n".join(lines), "fail"


class ApplyFlowMixin(Screen[ApplyOutcome | None]):
    changeset: Changeset
    model: ReviewModel
    commit: bool
    commit_message: str | None
    persist: bool
    verify: bool
    show_result: bool
    conflicted: list[str]
    phase: Phase = "review"
    outcome: ApplyOutcome | None = None
    # called with the outcome when a verification ends after the screen was closed
    verified_late: Callable[[ApplyOutcome], None] | None = None

    def _update_title(self) -> None: ...

    @property
    def result(self) -> ApplyResult:
        return self.query_one("#review-result", ApplyResult)

    @property
    def verifying(self) -> bool:
        return self.phase == "verifying"

    # ------------------------------------------------------------------ apply

    def action_apply(self) -> None:
        """``enter``: apply the decisions (anything to ask first goes here)."""
        self.apply_decisions()

    def apply_decisions(self) -> None:
        """Write the accepted hunks (conflict-checked, journalled), then show the result and
        verify it, or list the conflicts and write nothing."""
        try:
            outcome = apply_changeset(
                self.changeset, self.model, commit=self.commit, commit_message=self.commit_message
            )
        except UserError as exc:
            self.notify(exc.one_line(), severity="error", timeout=8)
            return
        if outcome.conflicts:
            self._show_conflicts(outcome)
            return
        self.outcome = outcome
        if not self.show_result:
            self.dismiss(outcome)
            return
        self._show_applied(outcome)
        if self.verify and outcome.applied:
            self.phase = "verifying"
            result = self.result
            result.add_section("verify", "Verification: running mix…", before=FIRST_DIFF)
            result.start_progress("mix format, compile, test --stale…", after="verify")
            self._verify(outcome)
        else:
            self.phase = "applied"
        self.refresh_bindings()
        self._update_title()

    def _show_conflicts(self, outcome: ApplyOutcome) -> None:
        self.conflicted = [c.path for c in outcome.conflicts]
        lines = [f"✗ {c.path}: {c.reason}" for c in outcome.conflicts]
        lines.append("Nothing was written. Press d to re-diff against the current files.")
        panel = self.query_one("#review-conflicts", Static)
        panel.update("\n".join(lines))
        panel.add_class("-visible")
        self.refresh_bindings()

    def _show_applied(self, outcome: ApplyOutcome) -> None:
        self.query_one("#review-body").display = False
        result = self.result
        result.display = True
        result.focus()
        if outcome.applied:
            lines = [
                f"{f.action} {f.path} ({f.hunks_landed}/{f.hunks_total} hunks)"
                for f in outcome.applied
            ]
            if outcome.journal_id:
                lines.append(f"Undo journal entry {outcome.journal_id}: u restores every file.")
            title = f"Applied: {len(outcome.applied)} file(s) written"
            result.add_section("applied", title, "\n".join(lines), "ok")
        else:
            result.add_section("applied", "Nothing was applied (no hunk was accepted)", "", "info")
        kept = [
            f"rejected {r.path} {r.header}" + (f": {r.reason}" if r.reason else "")
            for r in outcome.rejected
        ]
        if outcome.undecided:
            kept.append(f"{outcome.undecided} hunk(s) left undecided")
        if kept:
            result.add_section("not-applied", "Not applied", "\n".join(kept), "info")
        if outcome.commit:
            result.add_section("commit", f"Committed as {outcome.commit[:12]}", "", "ok")
        if outcome.notes:
            result.add_section("notes", "Notes", "\n".join(outcome.notes), "warn")
        self.show_written(outcome.journal_id)
        first = next((s.key for s in result.sections if s.key.startswith("diff:")), None)
        if first is not None:
            result.add_section(FIRST_DIFF, "What was written", before=first)

    def show_earlier_apply(self, entry_id: str, outcome: ApplyOutcome | None) -> None:
        """The result view of an apply made before this screen opened (from its journal)."""
        from elixir_pro.changes.outcome import AppliedFile
        from elixir_pro.changes.written import entry_by_id, written_files

        entry = entry_by_id(self.changeset.root, entry_id)
        if entry is not None:
            self.changeset.description = entry.message or f"apply {entry_id}"
        if outcome is None or outcome.journal_id != entry_id:
            files = written_files(entry) if entry is not None else []
            applied = tuple(AppliedFile(f.path, f.action, 0, 0) for f in files)
            outcome = ApplyOutcome(self.changeset.id, applied=applied, journal_id=entry_id)
        self.outcome = outcome
        self.phase = "applied"
        self._show_applied(outcome)
        if outcome.verification is not None:
            title, body, status = verification_section(outcome.verification)
            self.result.add_section("verify", title, body, status, before=FIRST_DIFF)  # type: ignore[arg-type]
        self.refresh_bindings()

    def show_written(self, journal_id: str | None) -> None:
        """One section per file of the apply with the diff of what is on disk now."""
        if journal_id is None:
            return
        from elixir_pro.changes.written import entry_by_id, written_files

        entry = entry_by_id(self.changeset.root, journal_id)
        if entry is None:
            return
        for item in written_files(entry):
            title = f"{item.path} ({item.action}, +{item.added} -{item.removed})"
            self.result.add_section(f"diff:{item.path}", title, diff_content(item.diff), "info")

    @work(thread=True, exclusive=True, group="review-verify")
    def _verify(self, outcome: ApplyOutcome) -> None:
        """mix format / compile / test --stale per the project's settings (seconds: a
        thread); the result view shows a progress line meanwhile."""
        from elixir_pro.changes.verify import verify_after_apply
        from elixir_pro.config import load_config

        app = self.app  # now: once the screen is closed, it no longer leads to the app
        root = self.changeset.root
        try:
            verify_after_apply(root, outcome, load_config(root).verify)
        except UserError as exc:
            outcome.notes.append(f"Not verified: {exc.one_line()}")
        app.call_from_thread(self._verified, outcome)

    def _verified(self, outcome: ApplyOutcome) -> None:
        if not self.is_attached:  # closed while mix ran: say how it went
            self.notify_verification(outcome)
            if self.verified_late is not None:
                self.verified_late(outcome)
            return
        result = self.result
        result.stop_progress()
        if outcome.verification is not None:
            title, body, status = verification_section(outcome.verification)
            result.add_section("verify", title, body, status, before=FIRST_DIFF)  # type: ignore[arg-type]
        else:
            notes = "\n".join(outcome.notes)
            result.add_section("verify", "Not verified", notes, "warn", before=FIRST_DIFF)
        self.show_written(outcome.journal_id)  # mix format may have rewritten them
        self.phase = "applied"
        self.refresh_bindings()
        self._update_title()

    def notify_verification(self, outcome: ApplyOutcome) -> None:
        verification = outcome.verification
        if verification is None:
            self.app.notify("Not verified: " + "; ".join(outcome.notes), severity="warning")
            return
        title, _body, status = verification_section(verification)
        message = f"{title} (ctrl+g shows it)"
        if status == "fail":
            self.app.notify(message, title="Verify", severity="error", timeout=10)
        else:
            self.app.notify(message, title="Verify")

    # ------------------------------------------------------------------ undo / discard / leave

    def action_undo(self) -> None:
        """After an apply: undo exactly that apply. Before one: undo the project's last apply."""
        entry_id = self.outcome.journal_id if self.outcome is not None else None
        if self.phase == "applied" and entry_id is None:
            self.notify("Nothing was written, so there is nothing to undo.")
            return
        try:
            undone = journal.undo(self.changeset.root, entry_id)
        except UserError as exc:
            self.notify(exc.one_line(), severity="warning", timeout=8)
            return
        if self.phase != "applied" or self.outcome is None:
            self.notify(undone.render_text())
            return
        self.outcome.notes.append(UNDONE_NOTE)
        self.phase = "undone"
        self.result.add_section(
            "undo",
            "Undone: every file is back as it was",
            undone.render_text(),
            "ok",
            before="applied",
        )
        self.result.scroll_home(animate=False)
        self.refresh_bindings()
        self._update_title()

    def action_discard(self) -> None:
        """Throw the pending changes away (after a confirmation); nothing is written."""
        from elixir_pro.tui.screens.confirm import ConfirmScreen

        files = "\n".join(f"• {rel}" for rel in self.model.paths) or "• (no files)"
        question = f"Discard the {len(self.model.paths)} staged file change(s)?"

        def answered(yes: bool | None) -> None:
            if yes:
                self.discard_now()

        self.app.push_screen(ConfirmScreen(question, files + "\n\nNothing is written."), answered)

    def discard_now(self) -> None:
        if self.persist:
            store.discard(self.changeset.root, self.changeset.id)
        tally = sum(len(self.model.diff(rel).hunks) for rel in self.model.paths)
        outcome = ApplyOutcome(self.changeset.id, undecided=tally, notes=[DISCARDED_NOTE])
        self.dismiss(outcome)

    def action_leave(self) -> None:
        """Before an apply: leave it pending. After: close the result; while ``mix`` still
        runs, it goes on and its verdict arrives as a notice."""
        if self.phase in ("applied", "undone", "verifying"):
            self.dismiss(self.outcome)
            return
        self.dismiss(None)
