"""Shared by the review screen tests: a sample project copied from the fixtures, its changeset,
and a minimal host app that pushes ReviewScreen and records what it dismisses with."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.app import App

from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.outcome import ApplyOutcome
from elixir_pro.tui.screens.review import ReviewScreen

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "changes" / "sample"


def sample_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "lib").mkdir(parents=True)
    shutil.copy(SAMPLE / "counter.ex", root / "lib" / "counter.ex")
    shutil.copy(SAMPLE / "notes.md", root / "notes.md")
    return root


def sample_changeset(root: Path, **kwargs: bool) -> Changeset:
    changeset = Changeset(
        root, source="claude", description="Harden the counter", changeset_id="c0ffee", **kwargs
    )
    changeset.created_at = 0.0
    changeset.propose_text("lib/counter.ex", (SAMPLE / "counter.proposed.ex").read_text())
    changeset.propose_text("notes.md", (SAMPLE / "notes.proposed.md").read_text())
    return changeset


class Host(App[None]):
    """Pushes one ReviewScreen; ``results`` gets what it dismisses with."""

    def __init__(self, changeset: Changeset, **screen_kwargs: bool) -> None:
        super().__init__()
        self.changeset = changeset
        self.screen_kwargs = screen_kwargs
        self.results: list[ApplyOutcome | None] = []

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.changeset, **self.screen_kwargs), self.results.append)
