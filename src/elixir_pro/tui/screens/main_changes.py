"""The main screen's side of changes: opening the review on the staged changes (by itself after
a turn that staged edits, or with ``ctrl+g``), the result of the last apply when nothing is
pending (so its undo stays reachable), undoing the last apply and discarding the staged changes
from the main screen, the palette and the footer.

A mixin of :class:`~elixir_pro.tui.screens.main.MainScreen` (through the turn-finishing mixin,
which calls :meth:`ChangesMixin.review_after_turn` when a turn is done).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.screen import Screen

from elixir_pro.changes.outcome import ApplyOutcome
from elixir_pro.errors import UserError

if TYPE_CHECKING:
    from elixir_pro.agent.modes import CognitiveMode
    from elixir_pro.changes.changeset import Changeset
    from elixir_pro.tui.services import TuiContext
    from elixir_pro.tui.widgets.turn_view import TurnView

UNDONE_FROM_MAIN = "The user undid an earlier apply from the main screen: {text}"


def has_changes(changeset: Changeset | None) -> bool:
    """True when ``changeset`` holds at least one real change (not an identical text)."""
    return changeset is not None and any(not p.is_noop for p in changeset.proposals.values())


class ChangesMixin(Screen[None]):
    context: TuiContext
    root: Path
    gate_pending: tuple[str, ...]
    gate_acknowledged: bool
    refresh_pending: Callable[[], None]
    streaming: set[CognitiveMode]
    last_outcome: ApplyOutcome | None = None
    _review_due = False

    # -- the review ------------------------------------------------------------------------
    def review_after_turn(self, turn: TurnView) -> None:
        """A turn that staged edits opens the review once no other turn is still answering
        (a panel run's members may stage more), unless its human gate must be acknowledged
        first (the turn's banner says so; ``ctrl+g`` asks), a review is open already or
        something else (a modal) is on top of the main screen."""
        from elixir_pro.tui.screens.review import ReviewScreen

        self._review_due = self._review_due or bool(turn.staged)
        if not self._review_due or self.streaming:
            return
        self._review_due = False
        changeset = self.context.conversation.pending_changeset
        if changeset is None or not has_changes(changeset) or not self.gate_acknowledged:
            return
        if self.app.screen is not self or any(
            isinstance(s, ReviewScreen) for s in self.app.screen_stack
        ):
            return
        self.show_review(changeset)

    def show_review(self, changeset: Changeset) -> None:
        """Push the review screen on ``changeset``; its outcome goes to the conversation."""
        from elixir_pro.tui.screens.review import ReviewScreen

        screen = ReviewScreen(changeset)
        screen.verified_late = self.verified_late
        self.app.push_screen(screen, self.reviewed)

    def reviewed(self, outcome: ApplyOutcome | None) -> None:
        if outcome is not None:
            text = outcome.render_text()
            self.context.conversation.note_review(text)
            self.settle_staged(outcome.changeset_id, outcome_fate(outcome))
            if outcome.journal_id is not None:
                self.last_outcome = outcome
            offer = getattr(self, "offer_task_done", None)
            if callable(offer):
                offer(outcome)
        self.refresh_pending()

    def verified_late(self, outcome: ApplyOutcome) -> None:
        """The review was closed while mix ran: its verdict goes to the conversation too."""
        if outcome.verification is not None:
            self.context.conversation.tell_agent(outcome.verification.render_text())

    def open_last_apply(self) -> None:
        """Nothing is pending: show the result of the last apply still in effect (``u`` undoes
        it there), or say there is nothing to review or undo."""
        from elixir_pro.changes import journal
        from elixir_pro.tui.screens.review import ReviewScreen

        try:
            candidates = journal.undoable(self.root)
        except (OSError, ValueError, KeyError) as exc:
            self.notify(f"The undo journal cannot be read: {exc}", severity="warning")
            return
        if not candidates:
            self.notify("No staged changes to review, and no apply to undo.")
            return
        screen = ReviewScreen.for_last_apply(self.root, candidates[0].id, self.last_outcome)
        self.app.push_screen(screen, self.reviewed_earlier)

    def reviewed_earlier(self, outcome: ApplyOutcome | None) -> None:
        from elixir_pro.tui.screens.review_apply import UNDONE_NOTE

        if outcome is not None and UNDONE_NOTE in outcome.notes:
            applied = ", ".join(f.path for f in outcome.applied) or "its files"
            self.context.conversation.tell_agent(
                UNDONE_FROM_MAIN.format(text=f"restored {applied} as they were before it.")
            )
            self.settle_staged(outcome.changeset_id, outcome_fate(outcome))
        self.refresh_pending()

    def settle_staged(self, changeset_id: str, fate_of: Callable[[str], str | None]) -> None:
        """Every turn's "ctrl+g to review" lines of ``changeset_id`` say what became of them."""
        from elixir_pro.tui.widgets.turn_view import TurnView

        for turn in self.query(TurnView):
            turn.settle_staged(changeset_id, fate_of)

    # -- undo and discard from the main screen ---------------------------------------------
    def action_undo_apply(self) -> None:
        """Undo the last apply still in effect, after a confirmation naming its files."""
        from elixir_pro.changes import journal
        from elixir_pro.changes.written import written_files
        from elixir_pro.tui.screens.confirm import ConfirmScreen

        candidates = journal.undoable(self.root)
        if not candidates:
            self.notify("Nothing to undo: no apply is recorded for this project.")
            return
        entry = candidates[0]
        lines = [f"• {f.path}: {UNDO_VERB[f.action]}" for f in written_files(entry)]
        what = entry.message or f"apply {entry.id}"
        question = f"Undo the last apply ({what})?"

        def answered(yes: bool | None) -> None:
            if yes:
                self.undo_now(entry.id)

        self.app.push_screen(ConfirmScreen(question, "\n".join(lines)), answered)

    def undo_now(self, entry_id: str) -> None:
        from elixir_pro.changes import journal

        try:
            result = journal.undo(self.root, entry_id)
        except UserError as exc:
            self.notify(exc.one_line(), severity="warning", timeout=8)
            return
        text = result.render_text()
        self.context.conversation.tell_agent(UNDONE_FROM_MAIN.format(text=text))
        undone = set(result.paths)
        self.settle_staged(result.changeset_id, lambda path: "undone" if path in undone else None)
        self.notify(text, title="Undone", timeout=6)

    def action_discard_changes(self) -> None:
        """Throw away the staged changes, after a confirmation naming them."""
        from elixir_pro.tui.screens.confirm import ConfirmScreen

        changeset = self.context.conversation.pending_changeset
        if changeset is None or not has_changes(changeset):
            self.notify("No staged changes to discard.")
            return
        paths = sorted(changeset.proposals)
        question = f"Discard the {len(paths)} staged file change(s)?"
        details = "\n".join(f"• {p}" for p in paths) + "\n\nNothing is written."

        def answered(yes: bool | None) -> None:
            if yes:
                self.discard_now(changeset)

        self.app.push_screen(ConfirmScreen(question, details), answered)

    def discard_now(self, changeset: Changeset) -> None:
        from elixir_pro.changes import store
        from elixir_pro.tui.screens.review_apply import DISCARDED_NOTE

        try:
            store.discard(changeset.root, changeset.id)
        except OSError as exc:
            self.notify(f"Could not discard: {exc}", severity="error")
            return
        outcome = ApplyOutcome(changeset.id, notes=[DISCARDED_NOTE])
        self.context.conversation.note_review(outcome.render_text())
        self.gate_pending, self.gate_acknowledged = (), True  # its gate went with it
        self.settle_staged(changeset.id, lambda _path: "discarded")
        self.refresh_pending()
        self.notify(f"Discarded {len(changeset)} staged file change(s).", timeout=4)


def outcome_fate(outcome: ApplyOutcome) -> Callable[[str], str | None]:
    """What became of each staged file after a review: applied, undone, discarded or not
    applied (its hunks rejected or left undecided); None for files of a conflict (still
    pending)."""
    from elixir_pro.tui.screens.review_apply import DISCARDED_NOTE, UNDONE_NOTE

    applied = {f.path for f in outcome.applied}
    conflicted = {c.path for c in outcome.conflicts}

    def fate(path: str) -> str | None:
        if DISCARDED_NOTE in outcome.notes:
            return "discarded"
        if path in conflicted:
            return None
        if path in applied:
            return "undone" if UNDONE_NOTE in outcome.notes else "applied"
        return "not applied"

    return fate


UNDO_VERB = {"modified": "restored", "created": "removed", "deleted": "brought back"}
