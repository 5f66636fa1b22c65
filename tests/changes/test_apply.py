"""Apply on real files: conflicts, line endings, encodings, modes, create/delete, confinement,
the human gate, re-diff after a conflict, and undo refusing to overwrite later changes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from elixir_pro.changes import journal, store
from elixir_pro.changes.apply import GateNotAcknowledged, apply_changeset
from elixir_pro.changes.changeset import Changeset, FileProposal, ProposalKind
from elixir_pro.changes.fsutil import PathOutsideRoot
from elixir_pro.changes.review_model import ReviewModel

BASE = "defmodule A do\n  def a, do: 1\n  def b, do: 2\nend\n"
NEW = "defmodule A do\n  def a, do: 10\n  def b, do: 2\nend\n"


def project(tmp_path: Path, files: dict[str, bytes]) -> Path:
    root = tmp_path / "proj"
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def accept_all(changeset: Changeset) -> ReviewModel:
    model = ReviewModel(changeset)
    model.decide_all(True)
    return model


def test_conflict_when_the_file_changed_on_disk_nothing_is_overwritten(tmp_path: Path) -> None:
    root = project(tmp_path, {"lib/a.ex": BASE.encode(), "lib/b.ex": b"b\n"})
    changeset = Changeset(root, source="test")
    changeset.propose_text("lib/a.ex", NEW)
    changeset.propose_text("lib/b.ex", "b2\n")
    (root / "lib/a.ex").write_text(BASE + "# edited by hand\n")
    model = accept_all(changeset)
    outcome = apply_changeset(changeset, model)
    assert [c.path for c in outcome.conflicts] == ["lib/a.ex"]
    assert outcome.applied == ()
    assert (root / "lib/a.ex").read_text() == BASE + "# edited by hand\n"
    assert (root / "lib/b.ex").read_text() == "b\n"  # nothing at all is written
    assert journal.entries(root) == []
    assert "conflict lib/a.ex" in outcome.render_text()
    # re-diff against the current content, then apply lands the proposal
    model.rediff("lib/a.ex")
    assert changeset.proposals["lib/a.ex"].decisions == {}
    model.decide_file("lib/a.ex", True)
    outcome = apply_changeset(changeset, model)
    assert outcome.ok
    assert (root / "lib/a.ex").read_text() == NEW
    assert (root / "lib/b.ex").read_text() == "b2\n"


def test_create_conflicts_when_the_file_appeared(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    root.mkdir()
    changeset = Changeset(root, source="test")
    changeset.propose_text("lib/new.ex", "x\n")
    (root / "lib").mkdir()
    (root / "lib/new.ex").write_text("mine\n")
    outcome = apply_changeset(changeset, accept_all(changeset))
    assert outcome.conflicts[0].reason == "the file was created on disk after the proposal"
    assert (root / "lib/new.ex").read_text() == "mine\n"


def test_crlf_latin1_mode_and_missing_trailing_newline_are_kept(tmp_path: Path) -> None:
    crlf = b"line one\r\nline two\r\nend"
    latin = "caf\xe9 = 1\nend\n".encode("latin-1")
    root = project(tmp_path, {"a.ex": crlf, "b.ex": latin})
    os.chmod(root / "a.ex", 0o755)
    changeset = Changeset(root, source="test")
    changeset.propose_text("a.ex", "line one\nline 2\nend")  # the model writes \n
    changeset.propose_text("b.ex", "caf\xe9 = 2\nend\n")
    assert changeset.proposals["b.ex"].encoding == "latin-1"
    outcome = apply_changeset(changeset, accept_all(changeset))
    assert outcome.ok and len(outcome.applied) == 2
    assert (root / "a.ex").read_bytes() == b"line one\r\nline 2\r\nend"
    assert stat.S_IMODE((root / "a.ex").stat().st_mode) == 0o755
    assert (root / "b.ex").read_bytes() == "caf\xe9 = 2\nend\n".encode("latin-1")


def test_latin1_file_edited_through_surrogateescape_text_round_trips(tmp_path: Path) -> None:
    raw = "caf\xe9 = 1\nend\n".encode("latin-1")
    root = project(tmp_path, {"b.ex": raw})
    as_tools_read_it = raw.decode("utf-8", "surrogateescape")  # what Read/autofix hold
    changeset = Changeset(root, source="test")
    changeset.propose_text("b.ex", as_tools_read_it.replace("= 1", "= 2"))
    model = accept_all(changeset)
    assert len(model.diff("b.ex").hunks) == 1 and model.diff("b.ex").added == 1
    apply_changeset(changeset, model)
    assert (root / "b.ex").read_bytes() == raw.replace(b"= 1", b"= 2")


def test_latin1_file_refuses_text_it_cannot_hold(tmp_path: Path) -> None:
    root = project(tmp_path, {"b.ex": "caf\xe9\n".encode("latin-1")})
    changeset = Changeset(root, source="test")
    changeset.propose_text("b.ex", "caf\xe9 \u2603\n")
    with pytest.raises(Exception, match=r"b\.ex: .*latin-1 cannot hold"):
        apply_changeset(changeset, accept_all(changeset))
    assert (root / "b.ex").read_bytes() == "caf\xe9\n".encode("latin-1")


def test_create_with_parents_and_delete_then_undo(tmp_path: Path) -> None:
    root = project(tmp_path, {"old.ex": b"gone\n"})
    changeset = Changeset(root, source="test", description="Add x, drop old")
    changeset.propose_text("lib/deep/x.ex", "new\n")
    changeset.propose_delete("old.ex")
    outcome = apply_changeset(changeset, accept_all(changeset))
    assert {(a.path, a.action) for a in outcome.applied} == {
        ("lib/deep/x.ex", "created"),
        ("old.ex", "deleted"),
    }
    assert (root / "lib/deep/x.ex").read_text() == "new\n"
    assert not (root / "old.ex").exists()
    result = journal.undo(root)
    assert set(result.paths) == {"lib/deep/x.ex", "old.ex"}
    assert not (root / "lib/deep/x.ex").exists()
    assert (root / "old.ex").read_bytes() == b"gone\n"


def test_undecided_and_rejected_hunks_do_not_land(tmp_path: Path) -> None:
    base = "".join(f"line {i}\n" for i in range(40))
    new = base.replace("line 2\n", "LINE 2\n").replace("line 30\n", "LINE 30\n")
    root = project(tmp_path, {"a.ex": base.encode()})
    changeset = Changeset(root, source="test")
    changeset.propose_text("a.ex", new)
    model = ReviewModel(changeset)
    assert len(model.diff("a.ex").hunks) == 2
    model.reject("a.ex", 1, "keep lowercase")
    outcome = apply_changeset(changeset, model)
    assert outcome.applied == () and (root / "a.ex").read_text() == base
    assert "keep lowercase" in outcome.render_text()
    model.accept("a.ex", 0)
    outcome = apply_changeset(changeset, model)
    assert (root / "a.ex").read_text() == base.replace("line 2\n", "LINE 2\n")
    assert outcome.applied[0].hunks_landed == 1 and outcome.applied[0].hunks_total == 2


@pytest.mark.parametrize("rel", ["../escape.ex", "/etc/passwd", "lib/../../x.ex", "link/x.ex"])
def test_paths_outside_the_root_are_refused(tmp_path: Path, rel: str) -> None:
    root = project(tmp_path, {"a.ex": b"a\n"})
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "link").symlink_to(outside)
    changeset = Changeset(root, source="test")
    changeset.proposals[rel] = FileProposal(rel, ProposalKind.CREATE, None, None, "x\n")
    with pytest.raises(PathOutsideRoot) as info:
        apply_changeset(changeset, accept_all(changeset))
    assert "\n" not in str(info.value) and rel in str(info.value)
    assert list(outside.iterdir()) == []


def test_gate_must_be_acknowledged(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.ex": BASE.encode()})
    changeset = Changeset(root, source="claude", gate_required=True)
    changeset.propose_text("a.ex", NEW)
    model = accept_all(changeset)
    with pytest.raises(GateNotAcknowledged):
        apply_changeset(changeset, model)
    assert (root / "a.ex").read_text() == BASE
    changeset.acknowledge_gate()
    assert apply_changeset(changeset, model).ok
    assert (root / "a.ex").read_text() == NEW


def test_undo_refuses_when_a_file_changed_since_and_undoes_in_order(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.ex": b"v1\n"})
    for text in ("v2\n", "v3\n"):
        changeset = Changeset(root, source="test")
        changeset.propose_text("a.ex", text)
        apply_changeset(changeset, accept_all(changeset))
    (root / "a.ex").write_text("hand edit\n")
    with pytest.raises(journal.UndoRefused, match=r"a\.ex: changed since apply"):
        journal.undo(root)
    assert (root / "a.ex").read_text() == "hand edit\n"
    (root / "a.ex").write_text("v3\n")
    journal.undo(root)
    assert (root / "a.ex").read_text() == "v2\n"
    journal.undo(root)
    assert (root / "a.ex").read_text() == "v1\n"
    with pytest.raises(journal.UndoRefused, match="nothing to undo"):
        journal.undo(root)


def test_store_round_trip_keeps_decisions_and_apply_discards(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.ex": BASE.encode()})
    changeset = Changeset(root, source="autofix", description="fix", gate_required=True)
    changeset.propose_text("a.ex", NEW)
    changeset.propose_text("b.ex", "new\n")
    store.save(changeset)
    model = ReviewModel(changeset)
    model.reject("a.ex", 0, "not now")
    model.edit("b.ex", 0, "edited\n")
    changeset.acknowledge_gate()
    store.save_decisions(changeset)
    (loaded,) = store.pending(root)
    assert loaded.id == changeset.id and loaded.gate_required and loaded.gate_acknowledged
    assert loaded.proposals["b.ex"].kind is ProposalKind.CREATE
    assert loaded.proposals["a.ex"].decisions == changeset.proposals["a.ex"].decisions
    assert loaded.proposals["b.ex"].decisions == changeset.proposals["b.ex"].decisions
    outcome = apply_changeset(loaded)
    assert (root / "b.ex").read_text() == "edited\n"
    assert outcome.rejected[0].reason == "not now"
    assert store.pending(root) == []


def test_corrupt_store_file_is_one_clear_line(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.ex": b"a\n"})
    store.store_dir(root).mkdir(parents=True)
    (store.store_dir(root) / "bad.json").write_text("{not json")
    with pytest.raises(Exception, match=r"bad\.json: unreadable pending changeset") as info:
        store.pending(root)
    assert "\n" not in str(info.value)


def test_journal_keeps_the_newest_applies(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.ex": b"v0\n"})
    for n in range(1, 4):
        changeset = Changeset(root, source="test")
        changeset.propose_text("a.ex", f"v{n}\n")
        apply_changeset(changeset, accept_all(changeset))
    removed = journal.prune(root, keep=2)
    assert len(removed) == 1 and len(journal.entries(root)) == 2
    journal.undo(root)
    journal.undo(root)
    assert (root / "a.ex").read_text() == "v1\n"
    with pytest.raises(journal.UndoRefused, match="nothing to undo"):
        journal.undo(root)


def test_undo_through_an_in_project_symlink_keeps_the_link(tmp_path: Path) -> None:
    root = project(tmp_path, {"real/a.ex": b"old\n"})
    (root / "alias.ex").symlink_to(root / "real/a.ex")
    changeset = Changeset(root, source="test")
    changeset.propose_text("alias.ex", "new\n")
    apply_changeset(changeset, accept_all(changeset))
    assert (root / "real/a.ex").read_text() == "new\n" and (root / "alias.ex").is_symlink()
    journal.undo(root)
    assert (root / "real/a.ex").read_text() == "old\n" and (root / "alias.ex").is_symlink()
