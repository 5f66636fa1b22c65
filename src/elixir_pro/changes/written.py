"""What an apply wrote, read back from its undo journal entry: each file's action (modified,
created, deleted) and the unified diff between its bytes before and after (after ``mix format``
when verify formatted it, since the journal is amended then).

The review screen shows this after an apply and before an undo, so the person sees exactly
what landed and what undo would restore. No Textual here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.changes import journal
from elixir_pro.changes.textio import decode

MAX_DIFF_LINES = 2000  # per file; a longer diff is cut with a line saying so


@dataclass(frozen=True, slots=True)
class WrittenFile:
    path: str
    action: str  # modified | created | deleted
    diff: tuple[str, ...]  # unified diff lines, without line ends ("+x", "-y", " z", "@@ ...")
    added: int
    removed: int


def entry_by_id(root: Path, entry_id: str) -> journal.JournalEntry | None:
    return next((e for e in journal.entries(root) if e.id == entry_id), None)


def _lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    text, _encoding = decode(data)
    return text.splitlines()


def written_files(entry: journal.JournalEntry) -> list[WrittenFile]:
    """The files of one journal entry, in the order they were written."""
    out: list[WrittenFile] = []
    for i, change in enumerate(entry.files):
        old, new = entry.old_bytes(i), entry.new_bytes(i)
        if old is None:
            action = "created"
        elif new is None:
            action = "deleted"
        else:
            action = "modified"
        before, after = _lines(old), _lines(new)
        diff = list(difflib.unified_diff(before, after, lineterm="", n=3))[2:]  # no ---/+++
        added = sum(1 for line in diff if line.startswith("+"))
        removed = sum(1 for line in diff if line.startswith("-"))
        if old is not None and new is not None and not diff and old != new:
            diff = ["(line endings or the final newline changed)"]
        if len(diff) > MAX_DIFF_LINES:
            cut = len(diff) - MAX_DIFF_LINES
            diff = [*diff[:MAX_DIFF_LINES], f"… {cut} more diff lines"]
        out.append(WrittenFile(change.path, action, tuple(diff), added, removed))
    return out
