"""A process is SIGKILLed in the middle of a multi-file apply (paused at a deterministic point:
after k files, through the apply module's test hook); the next ``recover()`` leaves every file
exactly old (the journal rolls the apply back)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from elixir_pro.changes import journal

CHILD = r"""
import sys
from pathlib import Path
from elixir_pro.changes import apply as apply_mod
from elixir_pro.changes.changeset import Changeset
from elixir_pro.changes.review_model import ReviewModel

root, k = Path(sys.argv[1]), int(sys.argv[2])
changeset = Changeset(root, source="test")
for i in range(4):
    changeset.propose_text(f"lib/f{i}.ex", f"new {i}\n")
changeset.propose_text("lib/created.ex", "created\n")
changeset.propose_delete("lib/doomed.ex")
model = ReviewModel(changeset)
model.decide_all(True)

def pause(written):
    if written == k:
        print("paused", flush=True)
        sys.stdin.read()  # blocks until the parent kills us

apply_mod.AFTER_FILE_WRITTEN = pause
apply_mod.apply_changeset(changeset, model)
print("finished", flush=True)
"""

OLD = {f"lib/f{i}.ex": f"old {i}\n".encode() for i in range(4)} | {"lib/doomed.ex": b"doomed\n"}
NEW = {f"lib/f{i}.ex": f"new {i}\n".encode() for i in range(4)} | {"lib/created.ex": b"created\n"}
ALL = sorted(set(OLD) | set(NEW))


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {rel: (root / rel).read_bytes() if (root / rel).exists() else None for rel in ALL}


@pytest.mark.parametrize("k", [1, 3, 5])
def test_killed_apply_is_rolled_back_at_next_start(tmp_path: Path, k: int) -> None:
    root = tmp_path / "proj"
    (root / "lib").mkdir(parents=True)
    for rel, data in OLD.items():
        (root / rel).write_bytes(data)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(k)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    assert child.stdout is not None
    line = child.stdout.readline()  # returns at the pause, or empty if the child died
    assert line == b"paused\n", child.stderr.read() if child.stderr else b""
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    mid = snapshot(root)
    changed = [rel for rel in ALL if mid[rel] != OLD.get(rel)]
    assert len(changed) == k  # exactly k files were written when it died
    for rel in ALL:
        assert mid[rel] in (OLD.get(rel), NEW.get(rel))  # each file old or new, never torn

    (entry,) = journal.entries(root)
    assert not entry.done and entry.files_written() == k
    report = journal.recover(root)
    assert report.rolled_back == (entry.id,) and report.problems == ()
    assert snapshot(root) == {rel: OLD.get(rel) for rel in ALL}
    assert not any(p.name.endswith(".tmp") for p in (root / "lib").iterdir())
    # a second recover has nothing to do, and there is nothing to undo
    assert not journal.recover(root).acted
    with pytest.raises(journal.UndoRefused):
        journal.undo(root)


def test_interrupted_undo_is_completed(tmp_path: Path) -> None:
    from elixir_pro.changes.apply import apply_changeset
    from elixir_pro.changes.changeset import Changeset
    from elixir_pro.changes.review_model import ReviewModel

    root = tmp_path / "proj"
    root.mkdir()
    (root / "a.ex").write_bytes(b"old a\n")
    (root / "b.ex").write_bytes(b"old b\n")
    changeset = Changeset(root, source="test")
    changeset.propose_text("a.ex", "new a\n")
    changeset.propose_text("b.ex", "new b\n")
    model = ReviewModel(changeset)
    model.decide_all(True)
    apply_changeset(changeset, model)
    (entry,) = journal.entries(root)
    entry.mark("undoing")  # what undo records before restoring; then the process "died"
    entry.restore_old(0)
    report = journal.recover(root)
    assert report.undo_completed == (entry.id,)
    assert (root / "a.ex").read_bytes() == b"old a\n"
    assert (root / "b.ex").read_bytes() == b"old b\n"


def test_a_half_recorded_journal_entry_is_discarded(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "a.ex").write_bytes(b"old\n")
    half = journal.journal_dir(root) / ".000001-x.tmp"
    half.mkdir(parents=True)
    (half / "old-0").write_bytes(b"old\n")
    report = journal.recover(root)
    assert not report.acted and not half.exists()
    assert (root / "a.ex").read_bytes() == b"old\n"
