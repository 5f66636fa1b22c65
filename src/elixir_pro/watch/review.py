"""When to ask Claude to review a change, and what to send: the policy behind the setting
``watch.review`` (``off`` / ``on-save`` / ``manual``, default ``manual``).

:class:`ReviewPolicy` is pure bookkeeping (no threads, no I/O; the clock is injectable): the
watcher reports each batch with :meth:`ReviewPolicy.note_batch`; the TUI asks
:meth:`ReviewPolicy.begin` when a save lands (on-save) or when the user presses the review key
(manual), sends the request's diff to the critical pane, and calls :meth:`ReviewPolicy.finish`
when the answer is done. At most one request is in flight, on-save requests are at least
``min_interval_s`` apart, and a diff identical to the last one reviewed is not sent again.

:func:`diff_for_paths` builds that diff with GitPython: tracked files against ``HEAD``,
untracked ones as new-file diffs.
"""

from __future__ import annotations

import difflib
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from elixir_pro.errors import UserError


class ReviewMode(StrEnum):
    OFF = "off"
    ON_SAVE = "on-save"
    MANUAL = "manual"

    @classmethod
    def parse(cls, text: str) -> ReviewMode:
        try:
            return cls(text)
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            raise UserError(f"expected one of {choices}", field="watch.review") from None


@dataclass(frozen=True, slots=True)
class ReviewRequest:
    """What to send: the paths and their diff; ``manual`` when the user asked for it."""

    paths: tuple[str, ...]
    diff: str
    manual: bool


class ReviewPolicy:
    """Decides when a review goes out (see the module docstring)."""

    def __init__(
        self,
        mode: ReviewMode = ReviewMode.MANUAL,
        *,
        min_interval_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.mode = mode
        self.min_interval_s = min_interval_s
        self._clock = clock
        self._pending: dict[str, None] = {}
        self._last_paths: tuple[str, ...] = ()
        self._last_sent_at: float | None = None
        self._last_digest: str | None = None
        self._in_flight: ReviewRequest | None = None

    @property
    def in_flight(self) -> bool:
        return self._in_flight is not None

    @property
    def pending(self) -> tuple[str, ...]:
        """Paths changed since the last review went out."""
        return tuple(self._pending)

    def note_batch(self, paths: Iterable[str]) -> None:
        """Record paths the watcher saw change."""
        for path in paths:
            self._pending[path] = None

    def due_in(self) -> float | None:
        """Seconds until an on-save review may go out (0 when it may now); None when none is
        waiting (mode not on-save, nothing changed, or one in flight)."""
        if self.mode is not ReviewMode.ON_SAVE or not self._pending or self.in_flight:
            return None
        if self._last_sent_at is None:
            return 0.0
        return max(0.0, self._last_sent_at + self.min_interval_s - self._clock())

    def begin(
        self, diff_for: Callable[[tuple[str, ...]], str], *, manual: bool = False
    ) -> ReviewRequest | None:
        """The request to send now, or None: mode off, one already in flight, (on-save) too
        soon or nothing changed, or an empty diff / the same diff as last time.

        A manual request with nothing new reviews the last change again (the user asked)."""
        if self.mode is ReviewMode.OFF or self.in_flight:
            return None
        if not manual:
            wait = self.due_in()
            if wait is None or wait > 0:
                return None
        paths = self.pending or (self._last_paths if manual else ())
        if not paths:
            return None
        diff = diff_for(paths)
        digest = hashlib.sha256(diff.encode("utf-8", "surrogateescape")).hexdigest()
        if not diff.strip() or (not manual and digest == self._last_digest):
            self._pending.clear()
            return None
        request = ReviewRequest(paths, diff, manual)
        self._in_flight = request
        self._pending.clear()
        self._last_paths = paths
        self._last_sent_at = self._clock()
        self._last_digest = digest
        return request

    def finish(self, request: ReviewRequest) -> None:
        """The request's answer is complete (or failed): another may go out."""
        if self._in_flight is request:
            self._in_flight = None


def diff_for_paths(root: Path, paths: Iterable[str]) -> str:
    """A unified diff of the given project-relative paths: tracked files against ``HEAD``
    (deletions included), untracked files as new-file diffs. Outside a git repository every
    existing file is shown as new. A path leaving the project raises UserError."""
    import git  # GitPython; imported here to keep the watcher's import light

    resolved_root = root.resolve()
    rels = sorted({_inside(resolved_root, p) for p in paths})
    if not rels:
        return ""
    try:
        repo = git.Repo(resolved_root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return "".join(_new_file_diff(resolved_root, rel) for rel in rels)
    with repo:
        top = Path(repo.working_tree_dir or resolved_root).resolve()
        base = resolved_root.relative_to(top).as_posix()
        prefix = "" if base == "." else base + "/"
        # git runs at the top of the work tree: paths are given and come back relative to it
        in_repo = [prefix + r for r in rels]
        has_head = repo.head.is_valid()
        listed = repo.git.ls_files("--others", "--exclude-standard", "-z", "--", *in_repo)
        untracked = set(listed.split("\0"))
        tracked = [r for r in in_repo if r not in untracked]
        parts: list[str] = []
        if tracked and has_head:
            text = repo.git.diff("HEAD", "--no-color", "--no-ext-diff", "--", *tracked)
            if text:
                parts.append(text if text.endswith("\n") else text + "\n")
        new = [r for r in in_repo if r in untracked or not has_head]
        parts.extend(_new_file_diff(top, rel) for rel in new)
    return "".join(parts)


def _inside(root: Path, rel: str) -> str:
    candidate = (root / rel).resolve()
    try:
        return candidate.relative_to(root).as_posix()
    except ValueError:
        raise UserError("path is outside the project", path=rel) from None


def _new_file_diff(root: Path, rel: str) -> str:
    try:
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    body = "".join(difflib.unified_diff([], lines, "/dev/null", f"b/{rel}"))
    return f"diff --git a/{rel} b/{rel}\nnew file mode 100644\n{body}"
