"""ReviewScreen: per-hunk review of a changeset from the keyboard, then apply.

Push it with a changeset. After an apply the screen stays on the result (what was written,
each file's diff, the verification with a progress line while ``mix`` runs), where ``u`` undoes
that apply and ``esc`` closes it: it dismisses with the
:class:`~elixir_pro.changes.outcome.ApplyOutcome` (an undo or a discard noted in it), or
``None`` when the person leaves with esc before applying (the changeset stays pending in the
store, decisions included: each decision is saved as it is made). Conflicts keep the screen on
the review and offer a re-diff against the files' current content. ``show_result=False``
dismisses right after the apply instead (``elixir-pro fix`` / ``review`` print the result).
:meth:`ReviewScreen.for_last_apply` opens the result of the project's last apply, so it can be
seen and undone after the screen was closed.

Keys: j/k hunk, tab file, a accept, r reject (+ reason), space toggle, A/R whole file, e edit the
hunk's new text, s split, enter apply, esc leave, d re-diff conflicts, g acknowledge the human
gate, D discard the pending changes, u undo (the apply just made; before one, the last apply),
f ask Claude to fix what the check before apply found. The apply side lives in
:mod:`elixir_pro.tui.screens.review_apply`, the check before apply (a shadow build of the
proposed tree) in :mod:`elixir_pro.tui.screens.review_precheck`. Used by the main app and by
``elixir-pro fix`` / ``review``.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from elixir_pro.changes import store
from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.decisions import DecisionState
from elixir_pro.changes.outcome import ApplyOutcome
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.tui.screens.review_apply import AFTER_APPLY_ACTIONS, ApplyFlowMixin
from elixir_pro.tui.screens.review_precheck import PrecheckMixin
from elixir_pro.tui.widgets.apply_result import ApplyResult
from elixir_pro.tui.widgets.diff_view import DiffView
from elixir_pro.tui.widgets.file_list import FileList
from elixir_pro.tui.widgets.hunk_editor import HunkEditor
from elixir_pro.tui.widgets.key_bar import KeyBar
from elixir_pro.tui.widgets.precheck_bar import PrecheckBar


class ReviewScreen(PrecheckMixin, ApplyFlowMixin, Screen[ApplyOutcome | None]):
    CSS_PATH = "review.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "next_hunk", "Next"),
        Binding("k", "prev_hunk", "Prev"),
        Binding("tab", "next_file", "File"),
        Binding("a", "accept", "Accept"),
        Binding("r", "reject", "Reject"),
        Binding("space", "toggle_hunk", "Toggle"),
        Binding("A", "accept_file", "Accept file"),
        Binding("R", "reject_file", "Reject file"),
        Binding("e", "edit", "Edit"),
        Binding("s", "split", "Split"),
        Binding("enter", "apply", "Apply"),
        Binding("escape", "leave", "Leave"),
        Binding("d", "rediff", "Re-diff", show=False),
        Binding("g", "acknowledge_gate", "Ack gate", show=False),
        Binding("u", "undo", "Undo"),
        Binding("D", "discard", "Discard"),
    ]

    def __init__(
        self,
        changeset: Changeset,
        *,
        split: bool = False,
        commit: bool = False,
        commit_message: str | None = None,
        persist: bool = True,
        verify: bool = True,
        show_result: bool = True,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self.changeset = changeset
        self.model = ReviewModel(changeset)
        self.commit = commit
        self.commit_message = commit_message
        self.persist = persist
        self.verify = verify
        self.show_result = show_result
        self.phase = "review"
        self.outcome = None
        self.file_index = 0
        self.conflicted: list[str] = []
        self._initial_split = split
        self._editing: tuple[str, int] | None = None
        self._reason_for: tuple[str, int] | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="review-title")
        yield PrecheckBar(id="review-precheck")
        with Horizontal(id="review-body"):
            yield FileList(self.model, id="review-files")
            yield DiffView(self.model, split=self._initial_split, id="review-diff")
        result = ApplyResult(id="review-result")
        result.display = False
        yield result
        yield Static(id="review-conflicts")
        yield Input(placeholder="Why reject? (enter to send, esc to skip)", id="review-reason")
        yield KeyBar()

    @property
    def diff_view(self) -> DiffView:
        return self.query_one(DiffView)

    @property
    def file_list(self) -> FileList:
        return self.query_one(FileList)

    @property
    def current_path(self) -> str | None:
        paths = self.model.paths
        return paths[self.file_index] if paths else None

    @classmethod
    def for_last_apply(
        cls, root: Path, entry_id: str, outcome: ApplyOutcome | None = None
    ) -> ReviewScreen:
        """The result of an earlier apply (journal entry ``entry_id``), with ``u`` to undo it;
        ``outcome`` adds what is known of it beyond the journal (the verification)."""
        changeset = Changeset(root, source="last apply", changeset_id=entry_id.split("-", 1)[-1])
        screen = cls(changeset, persist=False, verify=False)
        screen.earlier = (entry_id, outcome)
        return screen

    earlier: tuple[str, ApplyOutcome | None] | None = None

    def on_mount(self) -> None:
        if self.earlier is not None:
            self.show_earlier_apply(*self.earlier)
            self._update_title()
            return
        if self.persist:
            store.save(self.changeset)
        if self.model.paths:
            self.file_list.highlighted = 0
            self.diff_view.show_file(self.model.paths[0])
        self.diff_view.focus()
        self._update_title()
        self.start_precheck()

    def _update_title(self) -> None:
        title = self.query_one("#review-title", Static)
        cs = self.changeset
        what = cs.description or cs.source
        if self.phase != "review":
            state = {
                "verifying": "verifying with mix…",
                "applied": "u undo · esc close",
                "undone": "undone · esc close",
            }[self.phase]
            if self.outcome is not None and not self.outcome.applied:
                state = "nothing was written · esc close"
            title.set_class(False, "-gate")
            title.update(f"Applied: {what} · {state}")
            return
        tally = self.model.tally()
        text = (
            f"Review: {what} · {len(self.model.paths)} file(s) · "
            f"{tally[DecisionState.ACCEPTED] + tally[DecisionState.EDITED]} accepted, "
            f"{tally[DecisionState.REJECTED]} rejected, {tally[DecisionState.UNDECIDED]} undecided"
        )
        gate = cs.gate_required and not cs.gate_acknowledged
        if gate:
            text = "HUMAN GATE: this turn escalated; press g to acknowledge · " + text
        title.set_class(gate, "-gate")
        title.update(text)

    def on_screen_resume(self) -> None:
        """The gate may have been acknowledged in a modal over this screen."""
        self._update_title()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.phase == "verifying":
            return action == "leave"  # mix goes on; its verdict arrives as a notice
        if self.phase != "review":
            written = self.outcome is not None and self.outcome.journal_id is not None
            return action in AFTER_APPLY_ACTIONS and (
                action != "undo" or (self.phase == "applied" and written)
            )
        if self._editing is not None:
            return False
        if self._reason_for is not None and action != "leave":
            return False
        if action == "rediff":
            return bool(self.conflicted)
        if action == "acknowledge_gate":
            return self.changeset.gate_required and not self.changeset.gate_acknowledged
        if action == "discard":
            return bool(self.model.paths)
        if action == "ask_fix":
            return self.can_ask_fix()
        return True

    # ------------------------------------------------------------------ navigation

    def action_next_hunk(self) -> None:
        self.diff_view.goto_hunk(self.diff_view.current + 1)

    def action_prev_hunk(self) -> None:
        self.diff_view.goto_hunk(self.diff_view.current - 1)

    def action_next_file(self) -> None:
        if self.model.paths:
            self._show_file((self.file_index + 1) % len(self.model.paths))

    def _show_file(self, index: int) -> None:
        self.file_index = index
        self.file_list.highlighted = index
        self.diff_view.show_file(self.model.paths[index])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.file_index:
            self._show_file(event.option_index)

    # ------------------------------------------------------------------ decisions

    def _target(self) -> tuple[str, int] | None:
        path = self.current_path
        if path is None or not self.model.diff(path).hunks:
            return None
        return path, self.diff_view.current

    def _decided(self, path: str, index: int, advance: bool, whole_file: bool = False) -> None:
        if self.persist:
            store.save_decisions(self.changeset)
        self.file_list.refresh_file(path)
        if whole_file:
            self.diff_view.file_changed()
        else:
            self.diff_view.hunk_changed(index)
        self._update_title()
        self.precheck_changed()
        if advance:
            self.diff_view.goto_hunk(index + 1)

    def action_accept(self) -> None:
        target = self._target()
        if target is not None:
            self.model.accept(*target)
            self._decided(*target, advance=True)

    def action_reject(self) -> None:
        target = self._target()
        if target is None:
            return
        self.model.reject(*target)
        self._decided(*target, advance=False)
        self._reason_for = target
        reason = self.query_one("#review-reason", Input)
        reason.value = ""
        reason.add_class("-visible")
        reason.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._reason_for is not None and event.input.id == "review-reason":
            path, index = self._reason_for
            self.model.reject(path, index, event.value.strip())
            self._close_reason()
            self._decided(path, index, advance=True)

    def _close_reason(self) -> None:
        self._reason_for = None
        self.query_one("#review-reason", Input).remove_class("-visible")
        self.diff_view.focus()

    def action_toggle_hunk(self) -> None:
        target = self._target()
        if target is not None:
            self.model.toggle(*target)
            self._decided(*target, advance=False)

    def _decide_file(self, accept: bool) -> None:
        path = self.current_path
        if path is not None:
            self.model.decide_file(path, accept)
            self._decided(path, self.diff_view.current, advance=False, whole_file=True)

    def action_accept_file(self) -> None:
        self._decide_file(True)

    def action_reject_file(self) -> None:
        self._decide_file(False)

    def action_edit(self) -> None:
        target = self._target()
        if target is None:
            return
        path, index = target
        text = self.model.hunk_new_text(path, index).replace("\r\n", "\n")
        self._editing = target
        editor = HunkEditor(text, f"{path} hunk {index + 1}", id="review-editor")
        self.mount(editor, before=self.query_one("#review-conflicts"))
        self.call_after_refresh(self.diff_view.goto_hunk, index)

    def on_hunk_editor_saved(self, event: HunkEditor.Saved) -> None:
        assert self._editing is not None
        path, index = self._editing
        original = self.model.diff(path).new_side(self.model.diff(path).hunks[index])
        text = event.text
        if original.endswith("\n") and text and not text.endswith("\n"):
            text += "\n"
        self.model.edit(path, index, text)
        self._close_editor()
        self._decided(path, index, advance=True)

    def on_hunk_editor_cancelled(self, _event: HunkEditor.Cancelled) -> None:
        self._close_editor()

    def _close_editor(self) -> None:
        self._editing = None
        self.query_one(HunkEditor).remove()
        self.diff_view.focus()

    def action_split(self) -> None:
        self.diff_view.set_split(not self.diff_view.split)

    # ------------------------------------------------------------------ leave / conflicts / gate

    def action_leave(self) -> None:
        if self._reason_for is not None:
            self._close_reason()
            return
        super().action_leave()

    def action_rediff(self) -> None:
        for path in self.conflicted:
            self.model.rediff(path)
        self.conflicted = []
        if self.persist:
            store.save(self.changeset)
        self.query_one("#review-conflicts", Static).remove_class("-visible")
        self.file_list.reload()
        if self.model.paths:
            self.diff_view.show_file(self.model.paths[self.file_index])
        self._update_title()
        self.precheck_changed(hunks_changed=True)
        self.refresh_bindings()

    def action_acknowledge_gate(self) -> None:
        self.changeset.acknowledge_gate()
        if self.persist:
            store.save_decisions(self.changeset)
        self._update_title()
        self.refresh_bindings()
