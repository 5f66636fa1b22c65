"""What Grep and Glob share: the search base (a directory or file inside the root), the
files under it as the model should see them (ignored folders and what the root ``.gitignore``
ignores left out, staged creations added, staged deletions removed), and their text (staged
text first).

Walking runs in a worker thread, so it works on a snapshot of the staged texts taken on the
event loop (``staged_snapshot``) rather than on the live changeset.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.tools.base import ToolContext
from elixir_pro.tools.files import MAX_FILE_BYTES
from elixir_pro.tools.gitignore import Gitignore
from elixir_pro.tools.params import ToolError
from elixir_pro.tools.workspace import (
    BINARY_SNIFF_BYTES,
    IGNORED_DIRS,
    Resolved,
    Workspace,
    is_binary,
)


def staged_snapshot(ctx: ToolContext) -> dict[str, str | None]:
    """rel -> staged text (None for a staged deletion), copied on the event loop."""
    return {rel: p.new_text for rel, p in ctx.changeset.proposals.items()}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to search or list: ``path`` is absolute; ``staged`` when the changeset holds
    its text."""

    rel: str
    path: str
    staged: bool

    def mtime(self) -> float:
        """Modification time for ordering results; staged files count as just modified."""
        if self.staged:
            return time.time()
        try:
            return os.lstat(self.path).st_mtime
        except OSError:
            return 0.0


def under(base_rel: str, rel: str) -> str | None:
    """``rel`` relative to ``base_rel`` (both root-relative), or None when outside it."""
    if base_rel == ".":
        return rel
    if rel.startswith(base_rel + "/"):
        return rel[len(base_rel) + 1 :]
    return None


def _in_ignored(rel: str) -> bool:
    return any(part in IGNORED_DIRS for part in rel.split("/"))


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


_GITIGNORES: dict[Path, Gitignore] = {}


def _gitignore_filter(ws: Workspace, base: Resolved) -> Callable[[str, bool], bool] | None:
    """The root ``.gitignore`` as a walk filter, or None when there is none or ``base`` is
    itself ignored (searching inside an ignored folder on purpose)."""
    path = ws.root / ".gitignore"
    if not path.is_file():
        return None
    rules = _GITIGNORES.setdefault(path, Gitignore(path))
    rules.refresh()
    if rules.empty or (base.rel != "." and rules.ignored_within(base.rel)):
        return None
    return rules.ignored


def candidates(
    ws: Workspace,
    base: Resolved,
    staged: dict[str, str | None],
    *,
    include_ignored: bool = False,
) -> Iterator[Candidate]:
    """Files under ``base`` as the model sees them. Ignored directories are skipped unless
    ``include_ignored`` or ``base`` itself lies inside one."""
    inside_ignored = include_ignored or (base.rel != "." and _in_ignored(base.rel))
    seen: set[str] = set()
    if base.path.is_dir():
        gitignored = None if inside_ignored else _gitignore_filter(ws, base)
        for rel, path in ws.walk_files(
            base, skip_ignored=not inside_ignored, gitignored=gitignored
        ):
            seen.add(rel)
            if rel in staged:
                if staged[rel] is not None:
                    yield Candidate(rel, path, True)
                continue
            yield Candidate(rel, path, False)
    elif base.path.is_file() and base.rel not in staged:
        seen.add(base.rel)
        yield Candidate(base.rel, str(base.path), False)
    for rel, text in sorted(staged.items()):
        if text is None or rel in seen:
            continue
        inside = rel == base.rel or under(base.rel, rel) is not None
        if inside and (inside_ignored or not _in_ignored(rel)):
            yield Candidate(rel, os.path.join(ws.root, rel), True)


def read_text(candidate: Candidate, staged: dict[str, str | None]) -> str | None:
    """The text to search, or None for a binary, oversized or unreadable file (a binary
    file is recognised from its first block without reading the rest)."""
    if candidate.staged:
        return staged.get(candidate.rel)
    data = read_bytes(candidate, staged)
    return None if data is None else data.decode("utf-8", errors="replace")


def read_bytes(candidate: Candidate, staged: dict[str, str | None]) -> bytes | None:
    """:func:`read_text` as UTF-8 bytes (what the RE2 search runs over)."""
    if candidate.staged:
        text = staged.get(candidate.rel)
        if text is None:
            return None
        try:
            return text.encode("utf-8", errors="surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate the model sent
            return text.encode("utf-8", errors="replace")
    try:
        with open(candidate.path, "rb") as fh:
            data = fh.read(BINARY_SNIFF_BYTES)
            if is_binary(data):
                return None
            if len(data) == BINARY_SNIFF_BYTES:  # more to come (most source files are smaller)
                if os.fstat(fh.fileno()).st_size > MAX_FILE_BYTES:
                    return None
                data += fh.read()
    except OSError:
        return None
    return data
