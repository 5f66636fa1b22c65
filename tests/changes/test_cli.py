"""The undo / review / fix commands through the real CLI entry point (in-process), for the
parts that need no terminal: undo and its refusal, nothing pending, nothing to fix, bad paths,
and recovery of an interrupted apply at start."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.changes import journal
from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.cli_support import project_root_for
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.cli import main


def applied_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "lib").mkdir(parents=True)
    (root / "mix.exs").write_text("defmodule P.MixProject do\nend\n")
    (root / "lib/a.ex").write_bytes(b"old\r\n")
    changeset = Changeset(root, source="test", description="Change a")
    changeset.propose_text("lib/a.ex", "new\n")
    model = ReviewModel(changeset)
    model.decide_all(True)
    apply_changeset(changeset, model)
    assert (root / "lib/a.ex").read_bytes() == b"new\r\n"
    return root


def test_undo_command_restores_then_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = applied_project(tmp_path)
    assert main(["undo", str(root), "--list"]) == 0
    assert "Change a: lib/a.ex" in capsys.readouterr().out
    assert main(["undo", str(root / "lib")]) == 0  # a folder inside the project finds its root
    assert (root / "lib/a.ex").read_bytes() == b"old\r\n"
    assert "restored lib/a.ex" in capsys.readouterr().out
    assert main(["undo", str(root)]) == 2
    err = capsys.readouterr().err
    assert "nothing to undo" in err and err.count("\n") == 1


def test_undo_refusal_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = applied_project(tmp_path)
    (root / "lib/a.ex").write_text("mine\n")
    assert main(["undo", str(root)]) == 2
    err = capsys.readouterr().err
    assert "lib/a.ex: changed since apply" in err and err.count("\n") == 1
    assert (root / "lib/a.ex").read_text() == "mine\n"


def test_review_with_nothing_pending_and_fix_with_nothing_to_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = applied_project(tmp_path)
    assert main(["review", str(root)]) == 0
    assert "No pending changes" in capsys.readouterr().out
    assert main(["fix", str(root / "lib/a.ex")]) == 0
    assert "No autofixes for" in capsys.readouterr().out


def test_bad_path_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("undo", "review", "fix"):
        assert main([command, str(tmp_path / "missing")]) == 2
        err = capsys.readouterr().err
        assert "missing: no such file or directory" in err and err.count("\n") == 1


def test_project_root_for_finds_mix_exs(tmp_path: Path) -> None:
    root = applied_project(tmp_path)
    assert project_root_for(str(root / "lib/a.ex")) == (root.resolve(), "lib/a.ex")
    assert project_root_for(str(root)) == (root.resolve(), None)


def test_commands_recover_an_interrupted_apply_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "a.ex").write_bytes(b"old\n")
    writes = [journal.PlannedWrite("a.ex", b"old\n", 0o644, b"new\n", 0o644)]
    entry = journal.begin(root, "crashed", "", writes)
    (root / "a.ex").write_bytes(b"new\n")  # written, then the process died before "done"
    entry.mark_written(0)
    assert main(["review", str(root)]) == 0
    assert f"Rolled back interrupted apply {entry.id}" in capsys.readouterr().out
    assert (root / "a.ex").read_bytes() == b"old\n"
