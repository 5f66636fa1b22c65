"""The review screen's check before apply: when the review opens, and again once the decisions
or an edit change what would be applied, the proposed tree is compiled and format-checked in a
shadow build (:mod:`elixir_pro.compiler.precheck`) in a thread worker, while the keys keep
working. The verdict goes on the precheck bar, each new error or warning under the header of the
hunk it concerns, and a mark on its file in the file list.

``enter`` on a change whose landing hunks do not compile asks first (the apply-anyway modal,
default no); ``f`` leaves the review (the change stays pending) and sends the problems to the
conversation as the next prompt, where the app offers that (``ElixirProApp.ask_to_fix``).

A mixin of :class:`~elixir_pro.tui.screens.review.ReviewScreen`, placed before the apply side
(:mod:`elixir_pro.tui.screens.review_apply`) so the question comes before anything else asks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.timer import Timer

from elixir_pro.compiler.precheck import (
    Note,
    PrecheckReport,
    PrecheckState,
    run_precheck,
    skip_reason,
    tree_key,
)
from elixir_pro.compiler.proposed import ProposedFile, proposed_files
from elixir_pro.config import PrecheckConfig
from elixir_pro.errors import UserError
from elixir_pro.tui.screens.review_apply import ApplyFlowMixin
from elixir_pro.tui.widgets.precheck_bar import PrecheckBar

if TYPE_CHECKING:
    from elixir_pro.tui.widgets.diff_view import DiffView
    from elixir_pro.tui.widgets.file_list import FileList

RECHECK_DELAY_S = 0.4  # decisions made in a burst start one check
WAITING = "Applying once the proposed change has compiled; enter again applies now, unchecked."
APPLIED_ANYWAY = "The user applied this change although the check before apply found:\n{problems}"


def view_notes(report: PrecheckReport, path: str) -> dict[int, list[tuple[str, str]]]:
    """The notes of ``path`` as the diff view shows them: under their hunk, or under the first
    hunk when no hunk covers their line."""
    out: dict[int, list[tuple[str, str]]] = {}
    for hunk, notes in report.notes_for(path).items():
        for note in notes:
            out.setdefault(hunk if hunk is not None else 0, []).append(_note_text(note, hunk))
    return out


def _note_text(note: Note, hunk: int | None) -> tuple[str, str]:
    if note.kind == "format":
        return note.kind, note.text
    where = f"line {note.line}" if note.line else "no line"
    if hunk is None:
        where += " (outside the changed lines)"
    return note.kind, f"{note.kind} {where}: {note.text}"


class PrecheckMixin(ApplyFlowMixin):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f", "ask_fix", "Ask to fix")]

    precheck: PrecheckReport | None = None
    _precheck_key: str = ""
    _precheck_timer: Timer | None = None
    _apply_waiting: bool = False  # enter was pressed while the check ran: apply when it ends

    if TYPE_CHECKING:  # the review screen's own widgets

        @property
        def diff_view(self) -> DiffView: ...

        @property
        def file_list(self) -> FileList: ...

    @property
    def precheck_bar(self) -> PrecheckBar:
        return self.query_one(PrecheckBar)

    @property
    def precheck_running(self) -> bool:
        return bool(self._precheck_key) and (
            self.precheck is None or self.precheck.key != self._precheck_key
        )

    # ------------------------------------------------------------------ running the check

    def start_precheck(self) -> None:
        """Check the tree the review is heading towards, unless that tree was just checked."""
        self._precheck_timer = None
        try:
            from elixir_pro.config import load_config

            settings = load_config(self.changeset.root).precheck
        except UserError as exc:
            self.precheck_bar.show(
                PrecheckReport(PrecheckState.SKIPPED, message=exc.one_line()), can_ask=False
            )
            return
        files = proposed_files(self.model)
        key = tree_key(files)
        if key == self._precheck_key:
            return
        self._precheck_key = key
        reason = skip_reason(self.changeset.root, files, settings)
        if reason:  # answered at once, no worker
            self._prechecked(PrecheckReport(PrecheckState.SKIPPED, key, message=reason))
            return
        self.precheck_bar.running("compiling proposed change…")
        self._run_precheck(files, settings, key)

    def precheck_changed(self, *, hunks_changed: bool = False) -> None:
        """The decisions changed: check again once they settle. ``hunks_changed`` (a re-diff):
        the notes no longer sit on the right hunks, so they go at once."""
        if self._apply_waiting:  # the decisions moved on: the apply asked for is called off
            self._apply_waiting = False
            self.precheck_bar.set_suffix("")
            self.notify("Apply called off: the decisions changed.", title="Check before apply")
        if hunks_changed:
            self.diff_view.set_notes({})
            self.file_list.set_marks({})
        if self._precheck_timer is not None:
            self._precheck_timer.stop()
        self._precheck_timer = self.set_timer(RECHECK_DELAY_S, self.start_precheck)

    @work(thread=True, group="review-precheck", exit_on_error=False)
    def _run_precheck(
        self, files: dict[str, ProposedFile], settings: PrecheckConfig, key: str
    ) -> None:
        def stage(text: str) -> None:
            self._from_thread(self._precheck_stage, key, text)

        try:
            report = run_precheck(self.changeset.root, files, settings, progress=stage)
        except Exception as exc:  # a bug must not leave the review waiting on a spinner
            message = f"the check before apply failed: {type(exc).__name__}: {exc}"
            report = PrecheckReport(PrecheckState.FAILED, key, message=message)
        self._from_thread(self._prechecked, report)

    def _from_thread(self, callback: Callable[..., Any], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
            self.app.call_from_thread(callback, *args)

    def _precheck_stage(self, key: str, text: str) -> None:
        if key == self._precheck_key and self.is_attached and self.phase == "review":
            self.precheck_bar.running(text)

    def _prechecked(self, report: PrecheckReport) -> None:
        if report.key != self._precheck_key or not self.is_attached:
            return  # a newer check is on its way
        self.precheck = report
        if self.phase == "review":
            self.precheck_bar.show(report, can_ask=self._can_ask())
        self.diff_view.set_notes({rel: view_notes(report, rel) for rel in self.model.paths})
        self.file_list.set_marks({rel: report.file_mark(rel) for rel in self.model.paths})
        self.refresh_bindings()
        if self._apply_waiting:
            self._apply_waiting = False
            self.action_apply()

    # ------------------------------------------------------------------ apply and ask

    def _landing_errors(self, report: PrecheckReport) -> list[str]:
        """The errors that would be applied: on a hunk that lands, or on no hunk of the review."""
        errors = []
        for note in report.notes:
            if note.kind != "error":
                continue
            in_review = note.path in self.model.paths and note.hunk is not None
            if in_review and not self.model.decision(note.path, note.hunk or 0).lands:
                continue
            errors.append(f"{note.path}:{note.line}: {note.text}" if note.path else note.text)
        return errors

    def action_apply(self) -> None:
        """``enter``: apply, once the check before apply has spoken. While it runs, the apply
        waits for it (a second enter applies at once, unchecked); when the hunks that would land
        do not compile, the apply-anyway modal asks first."""
        if self._precheck_timer is not None:  # decisions not checked yet: check them now
            self._precheck_timer.stop()
            self.start_precheck()
        report = self.precheck
        if self.precheck_running:
            if self._apply_waiting:
                self._apply_waiting = False
                super().action_apply()
                return
            self._apply_waiting = True
            self.precheck_bar.set_suffix(" · apply waits for it (enter again: apply unchecked)")
            self.notify(WAITING, title="Check before apply")
            return
        errors = self._landing_errors(report) if report is not None else []
        if not errors:
            super().action_apply()
            return
        from elixir_pro.tui.screens.apply_anyway import ApplyAnywayScreen

        def answered(apply: bool | None) -> None:
            if apply:
                super(PrecheckMixin, self).action_apply()

        self.app.push_screen(ApplyAnywayScreen(errors), answered)

    def apply_decisions(self) -> None:
        """Apply (the apply side), then tell the conversation and the result view what the check
        before apply had found in what was applied; an unformatted change is only warned of."""
        super().apply_decisions()
        if self.phase != "review":
            self.precheck_bar.hide()
        report = self.precheck
        outcome = self.outcome
        if outcome is None or not outcome.applied or report is None or self.precheck_running:
            return
        if report.state is not PrecheckState.PROBLEMS:
            return
        problems = report.fix_prompt().split("\n", 1)[-1]
        outcome.notes.append(APPLIED_ANYWAY.format(problems=problems))
        if self.phase != "review":
            title = f"Checked before apply: {report.headline()}"
            self.result.add_section("precheck", title, problems, "warn")
        if report.unformatted and not report.does_not_compile:
            files = ", ".join(report.unformatted)
            self.notify(f"Applied with unformatted hunks in {files}.", severity="warning")

    def _can_ask(self) -> bool:
        return callable(getattr(self.app, "ask_to_fix", None))

    def can_ask_fix(self) -> bool:
        report = self.precheck
        return report is not None and bool(report.fix_prompt()) and self._can_ask()

    def action_ask_fix(self) -> None:
        """Leave the review (the change stays pending) and send the problems as the next
        prompt."""
        report = self.precheck
        ask = getattr(self.app, "ask_to_fix", None)
        if report is None or not callable(ask) or not report.fix_prompt():
            return
        prompt = report.fix_prompt()
        self.dismiss(None)
        ask(prompt)
