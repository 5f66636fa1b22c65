"""What an apply wrote, read back from the undo journal, and undo of one named apply (it must
be the newest still in effect), on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.changes import journal
from elixir_pro.changes.apply import apply_changeset
from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.changes.written import entry_by_id, written_files

BASE = "defmodule A do\n  def a, do: 1\nend\n"


def apply_all(changeset: Changeset) -> str:
    model = ReviewModel(changeset)
    model.decide_all(True)
    outcome = apply_changeset(changeset, model)
    assert outcome.journal_id is not None
    return outcome.journal_id


def test_written_files_show_each_action_and_its_diff(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "lib").mkdir(parents=True)
    (root / "lib/a.ex").write_text(BASE)
    (root / "old.ex").write_text("gone\n")
    changeset = Changeset(root, source="test")
    changeset.propose_text("lib/a.ex", BASE.replace("1", "2"))
    changeset.propose_text("lib/new.ex", "new\n")
    changeset.propose_delete("old.ex")
    entry = entry_by_id(root, apply_all(changeset))
    assert entry is not None
    found = {f.path: f for f in written_files(entry)}
    assert {p: f.action for p, f in found.items()} == {
        "lib/a.ex": "modified",
        "lib/new.ex": "created",
        "old.ex": "deleted",
    }
    modified = found["lib/a.ex"]
    assert "-  def a, do: 1" in modified.diff and "+  def a, do: 2" in modified.diff
    assert (modified.added, modified.removed) == (1, 1)
    assert found["lib/new.ex"].diff[-1] == "+new" and found["old.ex"].diff[-1] == "-gone"


def test_undo_of_a_named_apply_refuses_when_a_later_one_is_in_effect(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "a.ex").write_bytes(b"one\r\n")
    first = Changeset(root, source="test")
    first.propose_text("a.ex", "two\n")
    first_id = apply_all(first)
    second = Changeset(root, source="test")
    second.propose_text("b.ex", "b\n")
    second_id = apply_all(second)
    with pytest.raises(journal.UndoRefused, match="undo that one first"):
        journal.undo(root, first_id)
    assert (root / "b.ex").exists() and (root / "a.ex").read_bytes() == b"two\r\n"
    journal.undo(root, second_id)
    journal.undo(root, first_id)
    assert (root / "a.ex").read_bytes() == b"one\r\n" and not (root / "b.ex").exists()
    with pytest.raises(journal.UndoRefused, match="nothing to undo"):
        journal.undo(root, first_id)
