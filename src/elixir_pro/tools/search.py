"""What Grep and Glob share: the search base (a directory or file inside the root), the
files under it as the model should see them (staged creations added, staged deletions
removed), and their text (staged text first).

Walking runs in a worker thread, so it works on a snapshot of the staged texts taken on the
event loop (``staged_snapshot``) rather than on the live changeset.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from elixir_pro.tools.base import ToolContext
from elixir_pro.tools.files import MAX_FILE_BYTES
from elixir_pro.tools.params import ToolError
from elixir_pro.tools.workspace import IGNORED_DIRS, Resolved, Workspace, is_binary


def staged_snapshot(ctx: ToolContext) -> dict[str, str | None]:
    """rel -> staged text (None for a staged deletion), copied on the event loop."""
    return {rel: p.new_text for rel, p in ctx.changeset.proposals.items()}


@dataclass(frozen=True, slots=True)
class Candidate:
    rel: str
    path: Path
    staged: bool
    mtime: float


def under(base_rel: str, rel: str) -> str | None:
    """``rel`` relative to ``base_rel`` (both root-relative), or None when outside it."""
    if base_rel == ".":
        return rel
    if rel.startswith(base_rel + "/"):
        return rel[len(base_rel) + 1 :]
    return None


def resolve_base(
    ws: Workspace, raw: str | None, staged: dict[str, str | None], tool: str
) -> Resolved:
    """The directory (or, for Grep, the file) to search; refused outside the root."""
    res = ws.resolve(raw or ".", field=f"{tool}.path")
    if res.path.exists() or staged.get(res.rel) is not None:
        return res
    if any(under(res.rel, rel) is not None for rel, t in staged.items() if t is not None):
        return res  # a directory that only exists in staged creations
    raise ToolError(f"Path does not exist: {res.rel}.")


def candidates(
    ws: Workspace,
    base: Resolved,
    staged: dict[str, str | None],
    *,
    include_ignored: bool = False,
) -> Iterator[Candidate]:
    """Files under ``base`` as the model sees them. Ignored directories are skipped unless
    ``include_ignored`` or ``base`` itself lies inside one."""
    inside_ignored = include_ignored or any(
        part in IGNORED_DIRS for part in PurePosixPath(base.rel).parts
    )
    seen: set[str] = set()
    if base.path.is_dir():
        for res in ws.walk_files(base, skip_ignored=not inside_ignored):
            seen.add(res.rel)
            if res.rel in staged:
                if staged[res.rel] is None:
                    continue
                yield Candidate(res.rel, res.path, True, time.time())
                continue
            try:
                mtime = res.path.lstat().st_mtime
            except OSError:
                continue
            yield Candidate(res.rel, res.path, False, mtime)
    elif base.path.is_file() and base.rel not in staged:
        seen.add(base.rel)
        yield Candidate(base.rel, base.path, False, base.path.lstat().st_mtime)
    now = time.time()
    for rel, text in sorted(staged.items()):
        if text is None or rel in seen:
            continue
        inside = rel == base.rel or under(base.rel, rel) is not None
        ignored = any(p in IGNORED_DIRS for p in PurePosixPath(rel).parts)
        if inside and (inside_ignored or not ignored):
            yield Candidate(rel, ws.root / rel, True, now)


def read_text(candidate: Candidate, staged: dict[str, str | None]) -> str | None:
    """The text to search, or None for a binary, oversized or unreadable file."""
    if candidate.staged:
        return staged.get(candidate.rel)
    try:
        if os.stat(candidate.path).st_size > MAX_FILE_BYTES:
            return None
        data = candidate.path.read_bytes()
    except OSError:
        return None
    if is_binary(data):
        return None
    return data.decode("utf-8", errors="replace")
