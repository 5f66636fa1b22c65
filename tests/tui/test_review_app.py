"""ReviewApp (the host of ``elixir-pro fix`` / ``review``): changesets reviewed one after
another; applied outcomes are returned, a changeset left with esc stays pending."""

from __future__ import annotations

from pathlib import Path

from test_review_support import SAMPLE, sample_changeset, sample_project

from elixir_pro.changes import store
from elixir_pro.changes.changeset import Changeset
from elixir_pro.tui.review_app import ReviewApp


async def test_reviews_each_changeset_and_returns_the_applied(tmp_path: Path) -> None:
    root = sample_project(tmp_path)
    first = sample_changeset(root)
    second = Changeset(root, source="engine autofix", description="Second")
    second.propose_text("notes.md", "# Replaced\n")
    app = ReviewApp([first, second])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("A", "tab", "A", "enter")  # first: accept everything and apply
        await pilot.pause()
        await pilot.press("escape")  # second: leave it pending
        await pilot.pause()
    outcomes = app.return_value
    assert outcomes is not None and [o.changeset_id for o in outcomes] == [first.id]
    assert (root / "lib/counter.ex").read_text() == (SAMPLE / "counter.proposed.ex").read_text()
    assert (root / "notes.md").read_text() == (SAMPLE / "notes.proposed.md").read_text()
    assert [c.id for c in store.pending(root)] == [second.id]
