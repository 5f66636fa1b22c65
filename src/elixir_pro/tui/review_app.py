"""ReviewApp: a small Textual app hosting ReviewScreen for ``elixir-pro fix`` and
``elixir-pro review``. It reviews the given changesets one after another and exits with the
outcomes of those that were applied (esc leaves the rest pending). Verification runs in the CLI
after the app closes, where its output stays on the terminal."""

from __future__ import annotations

from textual.app import App

from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.outcome import ApplyOutcome
from elixir_pro.tui.screens.review import ReviewScreen


class ReviewApp(App[list[ApplyOutcome]]):
    TITLE = "elixir-pro review"

    def __init__(self, changesets: list[Changeset], *, commit: bool = False) -> None:
        super().__init__()
        self.changesets = list(changesets)
        self.commit = commit
        self.outcomes: list[ApplyOutcome] = []
        self._next = 0

    def on_mount(self) -> None:
        self._review_next()

    def _review_next(self) -> None:
        if self._next >= len(self.changesets):
            self.exit(self.outcomes)
            return
        changeset = self.changesets[self._next]
        self._next += 1
        screen = ReviewScreen(changeset, commit=self.commit, verify=False, show_result=False)
        self.push_screen(screen, self._reviewed)

    def _reviewed(self, outcome: ApplyOutcome | None) -> None:
        if outcome is not None:
            self.outcomes.append(outcome)
        self._review_next()


def run_review(changesets: list[Changeset], *, commit: bool = False) -> list[ApplyOutcome]:
    """Review ``changesets`` in the terminal; the outcomes of those applied."""
    app = ReviewApp(changesets, commit=commit)
    return app.run() or []
