"""The undo journal: every apply is recorded before any project file is touched, so a crash can
be rolled back and any apply can be undone.

Layout, in ``project_state_dir(root)/journal/``: one directory per apply, named
``<seq>-<changeset id>``, holding ``manifest.json`` (each file's path, previous and new state:
existence, sha256, mode), the previous and new bytes as ``old-<i>`` / ``new-<i>``, and marker
files: ``progress`` (one line per file written), ``done``, ``undoing``, ``undone``,
``rolled_back``. The directory is built under a temporary name and renamed into place, so an
entry either exists complete or not at all.

Recovery policy (``recover``): an apply without ``done`` is **rolled back**: every file goes
back to its previous bytes (the journal always has them; completing would need nothing more,
but rolling back never lands a change the person did not see land). An interrupted undo is
completed. Used by ``changes.apply``, ``elixir-pro undo`` and the TUI at start.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from elixir_pro.changes.changeset import sha256_bytes
from elixir_pro.changes.fsutil import (
    atomic_write,
    confine,
    fsync_dir,
    read_bytes_or_none,
    remove_file,
)
from elixir_pro.errors import UserError
from elixir_pro.paths import project_state_dir

MANIFEST = "manifest.json"
KEEP = 50  # applies kept in the journal (older ones can no longer be undone)


class UndoRefused(UserError):
    """Undo would overwrite a change made after the apply (or there is nothing to undo)."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of an apply: its state before and after (None hash = absent)."""

    path: str
    old_hash: str | None
    old_mode: int | None
    new_hash: str | None
    new_mode: int | None


@dataclass(frozen=True, slots=True)
class PlannedWrite:
    path: str
    old: bytes | None
    old_mode: int | None
    new: bytes | None  # None = delete
    new_mode: int | None


def journal_dir(root: Path) -> Path:
    return project_state_dir(root) / "journal"


def _fsync_write(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class JournalEntry:
    """One recorded apply."""

    def __init__(self, root: Path, directory: Path) -> None:
        self.root = root
        self.dir = directory
        data: dict[str, Any] = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        self.id: str = directory.name
        self.changeset_id: str = data["changeset_id"]
        self.message: str = data.get("message", "")
        self.created: float = float(data.get("created", 0.0))
        self.files = tuple(FileChange(**f) for f in data["files"])

    def _has(self, marker: str) -> bool:
        return (self.dir / marker).exists()

    @property
    def done(self) -> bool:
        return self._has("done")

    @property
    def closed(self) -> bool:
        """Undone or rolled back: it no longer describes the files on disk."""
        return self._has("undone") or self._has("rolled_back")

    def old_bytes(self, i: int) -> bytes | None:
        return (self.dir / f"old-{i}").read_bytes() if self.files[i].old_hash else None

    def new_bytes(self, i: int) -> bytes | None:
        return (self.dir / f"new-{i}").read_bytes() if self.files[i].new_hash else None

    def files_written(self) -> int:
        progress = self.dir / "progress"
        if not progress.exists():
            return 0
        return len(progress.read_text(encoding="utf-8").split())

    def mark_written(self, i: int) -> None:
        with (self.dir / "progress").open("a", encoding="utf-8") as handle:
            handle.write(f"{i}\n")
            handle.flush()
            os.fsync(handle.fileno())

    def mark(self, marker: str) -> None:
        _fsync_write(self.dir / marker, b"")
        fsync_dir(self.dir)

    def restore_old(self, i: int) -> None:
        change = self.files[i]
        target = confine(self.root, change.path)  # through an in-project symlink, not over it
        old = self.old_bytes(i)
        if old is None:
            remove_file(target)
        else:
            atomic_write(target, old, change.old_mode)

    def current_hash(self, i: int) -> str | None:
        data = read_bytes_or_none(self.root / self.files[i].path)
        return None if data is None else sha256_bytes(data)


def begin(root: Path, changeset_id: str, message: str, writes: list[PlannedWrite]) -> JournalEntry:
    """Record an apply (previous and new bytes of every file) durably, before any write."""
    base = journal_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    seq = 1 + max((int(p.name.split("-", 1)[0]) for p in _entry_dirs(base)), default=0)
    final = base / f"{seq:06d}-{changeset_id}"
    tmp = base / f".{final.name}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    files: list[dict[str, Any]] = []
    for i, w in enumerate(writes):
        if w.old is not None:
            _fsync_write(tmp / f"old-{i}", w.old)
        if w.new is not None:
            _fsync_write(tmp / f"new-{i}", w.new)
        change = FileChange(
            w.path,
            None if w.old is None else sha256_bytes(w.old),
            w.old_mode,
            None if w.new is None else sha256_bytes(w.new),
            w.new_mode,
        )
        files.append(asdict(change))
    manifest = {"changeset_id": changeset_id, "message": message, "created": time.time()}
    manifest["files"] = files
    _fsync_write(tmp / MANIFEST, json.dumps(manifest, indent=1).encode())
    fsync_dir(tmp)
    os.replace(tmp, final)
    fsync_dir(base)
    return JournalEntry(root, final)


def _entry_dirs(base: Path) -> list[Path]:
    if not base.is_dir():
        return []
    return sorted(
        p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".") and "-" in p.name
    )


def entries(root: Path) -> list[JournalEntry]:
    """All recorded applies, oldest first."""
    return [
        JournalEntry(root, d) for d in _entry_dirs(journal_dir(root)) if (d / MANIFEST).exists()
    ]


def amend(root: Path, entry_id: str, paths: list[str]) -> None:
    """Record the current bytes of ``paths`` as the new state of a finished apply (after
    ``mix format`` rewrote them), so undo still restores the bytes from before the apply."""
    entry = JournalEntry(root, journal_dir(root) / entry_id)
    manifest: dict[str, Any] = json.loads((entry.dir / MANIFEST).read_text(encoding="utf-8"))
    for i, change in enumerate(entry.files):
        if change.path not in paths or change.new_hash is None:
            continue
        data = read_bytes_or_none(root / change.path)
        if data is None:
            continue
        atomic_write(entry.dir / f"new-{i}", data, 0o600)
        manifest["files"][i]["new_hash"] = sha256_bytes(data)
    atomic_write(entry.dir / MANIFEST, json.dumps(manifest, indent=1).encode(), 0o600)


def prune(root: Path, keep: int = KEEP) -> list[str]:
    """Forget all but the newest ``keep`` finished applies (their bytes take space); unfinished
    ones are never pruned. Returns the ids removed."""
    finished = [e for e in entries(root) if e.done or e.closed]
    removed = []
    for entry in finished[: max(len(finished) - keep, 0)]:
        shutil.rmtree(entry.dir)
        removed.append(entry.id)
    return removed


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    rolled_back: tuple[str, ...] = ()  # journal entry ids
    undo_completed: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # files changed by someone else since; left alone

    @property
    def acted(self) -> bool:
        return bool(self.rolled_back or self.undo_completed)


def recover(root: Path) -> RecoveryReport:
    """Finish what a crash interrupted: roll back unfinished applies, complete unfinished undos.
    Afterwards every file of every entry is either its old or its new content."""
    rolled: list[str] = []
    completed: list[str] = []
    problems: list[str] = []
    base = journal_dir(root)
    if base.is_dir():  # an entry still being recorded when the crash came: no file was touched
        for leftover in base.glob(".*.tmp"):
            shutil.rmtree(leftover, ignore_errors=True)
    for entry in entries(root):
        if entry.closed:
            continue
        if not entry.done:
            for i, change in enumerate(entry.files):
                current = entry.current_hash(i)
                if current == change.old_hash:
                    continue
                if current == change.new_hash:
                    entry.restore_old(i)
                else:
                    problems.append(
                        f"{change.path}: changed since the interrupted apply; left as is"
                    )
            entry.mark("rolled_back")
            rolled.append(entry.id)
        elif (entry.dir / "undoing").exists():
            for i in range(len(entry.files)):
                entry.restore_old(i)
            entry.mark("undone")
            completed.append(entry.id)
    return RecoveryReport(tuple(rolled), tuple(completed), tuple(problems))


@dataclass(frozen=True, slots=True)
class UndoResult:
    entry_id: str
    changeset_id: str
    message: str
    paths: tuple[str, ...]

    def render_text(self) -> str:
        listed = ", ".join(self.paths) or "(no files)"
        return f"Undid apply {self.entry_id}: restored {listed}"


def undoable(root: Path) -> list[JournalEntry]:
    """Applies that can still be undone, newest first."""
    return [e for e in reversed(entries(root)) if e.done and not e.closed]


def undo(root: Path, entry_id: str | None = None) -> UndoResult:
    """Restore the exact previous bytes of every file of the newest apply still in effect
    (call again for the one before); refuses when any of its files changed since, so nothing
    made later is lost. With ``entry_id``, that apply must be the newest one still in effect
    (undo goes back in order): the review screen undoes the apply it showed, never another."""
    recover(root)
    candidates = undoable(root)
    if not candidates:
        raise UndoRefused("nothing to undo: no apply is recorded for this project")
    entry = candidates[0]
    if entry_id is not None and entry.id != entry_id:
        if all(e.id != entry_id for e in candidates):
            raise UndoRefused(f"apply {entry_id} is no longer in effect (undone already?)")
        raise UndoRefused(f"apply {entry.id} came after {entry_id}: undo that one first")
    for i, change in enumerate(entry.files):
        if entry.current_hash(i) != change.new_hash:
            raise UndoRefused(
                f"changed since apply {entry.id}; undo refused, nothing restored",
                path=change.path,
            )
    entry.mark("undoing")
    for i in range(len(entry.files)):
        entry.restore_old(i)
    entry.mark("undone")
    return UndoResult(
        entry.id, entry.changeset_id, entry.message, tuple(f.path for f in entry.files)
    )
