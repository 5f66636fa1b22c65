"""What ``elixir-pro fix``, ``review`` and ``undo`` share: finding the project root for a PATH,
recovering an interrupted apply at start, verifying and printing outcomes. No Textual here; the
commands reach the review app through ``elixir_pro.tui.review_app`` inside ``run``."""

from __future__ import annotations

from pathlib import Path

from elixir_pro.changes import journal
from elixir_pro.changes.outcome import ApplyOutcome
from elixir_pro.errors import UserError


def project_root_for(path_arg: str) -> tuple[Path, str | None]:
    """The project root holding ``path_arg`` (the nearest folder with mix.exs, else the folder
    itself) and PATH relative to it (None when PATH is the root)."""
    path = Path(path_arg)
    if not path.exists():
        raise UserError("no such file or directory", path=path_arg)
    path = path.resolve()
    start = path if path.is_dir() else path.parent
    root = next((p for p in (start, *start.parents) if (p / "mix.exs").is_file()), start)
    rel = None if path == root else path.relative_to(root).as_posix()
    return root, rel


def recover_at_start(root: Path) -> list[str]:
    """Roll back an apply a crash interrupted; lines to tell the user (empty when none)."""
    report = journal.recover(root)
    lines = [f"Rolled back interrupted apply {entry}" for entry in report.rolled_back]
    lines += [f"Completed interrupted undo {entry}" for entry in report.undo_completed]
    return lines + list(report.problems)


def verify_and_render(root: Path, outcomes: list[ApplyOutcome], verify: bool) -> str:
    """Verify each applied outcome (mix, per the project's verify settings) and render all."""
    from elixir_pro.changes.verify import verify_after_apply
    from elixir_pro.config import load_config

    settings = load_config(root).verify
    texts = []
    for outcome in outcomes:
        if verify and outcome.applied:
            verify_after_apply(root, outcome, settings)
        texts.append(outcome.render_text())
    return "\n\n".join(texts)
