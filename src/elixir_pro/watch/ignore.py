"""What the watcher never looks at: tool and build folders, editor artifacts (swap, backup and
probe files), the tool's own state, and whatever ``.gitignore`` ignores.

Two tiers, so that a 5,000-file burst stays cheap:

- :meth:`IgnoreRules.quick_ignored` runs on every raw file-system event in the observer
  thread: a set lookup per path segment and one regex on the file name;
- :meth:`IgnoreRules.drop_gitignored` runs once per debounced batch: in a git repository one
  ``git check-ignore --stdin`` process for the whole batch (git itself reads ``.gitignore``
  at every level, ``.git/info/exclude`` and the global excludes, and a tracked file is never
  ignored); outside git, the root ``.gitignore`` read by :class:`GitignoreFile`.

:meth:`IgnoreRules.list_files` gives the starting file list (``git ls-files`` or a pruned
walk). Used by :mod:`elixir_pro.watch.service`.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.watch.globs import glob_to_regex

IGNORED_DIRS: frozenset[str] = frozenset(
    {".git", "_build", "deps", "node_modules", ".elixir_ls", ".elixir-pro", ".hg", ".svn"}
)
"""Folder names ignored at any depth."""

_EDITOR_ARTIFACT = re.compile(
    r"4913"  # vim's probe file
    r"|\.#.*|#.*#"  # emacs lock and autosave files
    r"|.*~"  # backups (vim, emacs, nano)
    r"|\..*\.sw[a-p]"  # vim swap files (.x.ex.swp, .swo, ...)
    r"|.*\.(?:tmp|bak|kate-swp)"
    r"|.*___jb_(?:tmp|old)___"  # JetBrains safe-write
)

_GIT_TIMEOUT_S = 30.0


def is_editor_artifact(name: str) -> bool:
    """True for swap, backup, lock and temporary files editors write around a save."""
    return _EDITOR_ARTIFACT.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


class GitignoreFile:
    """The rules of one ``.gitignore`` at the project root (used only outside git)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._rules: list[_Rule] = []
        self.refresh()

    def refresh(self) -> None:
        """Re-read the file when its size or mtime changed."""
        try:
            stat = self.path.stat()
        except OSError:
            self._stamp, self._rules = None, []
            return
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        self._rules = list(_parse_gitignore(text))

    def ignored(self, rel_path: str, *, is_dir: bool = False) -> bool:
        """True when the path, or a folder above it, is ignored (git cannot re-include a file
        below an ignored folder)."""
        parts = rel_path.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            prefix_is_dir = depth < len(parts) or is_dir
            state = False
            for rule in self._rules:
                if rule.dir_only and not prefix_is_dir:
                    continue
                if rule.regex.fullmatch(prefix):
                    state = not rule.negate
            if state:
                return True
        return False


def _parse_gitignore(text: str) -> Iterable[_Rule]:
    for raw in text.splitlines():
        line = raw.rstrip()
        if raw.endswith("\\ "):
            line = raw[:-2] + "\\ "
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        line = line.removeprefix("\\")
        dir_only = line.endswith("/")
        try:
            source = glob_to_regex(line)
        except ValueError:
            continue
        yield _Rule(re.compile(source), negate, dir_only)


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """Run one git command in ``root``; its stdout, or None when git failed or is missing.
    Exit status 1 counts as success (``check-ignore`` uses it for "nothing ignored")."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=root,
            input=stdin,
            capture_output=True,
            timeout=_GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode in (0, 1) else None


def _z_split(raw: bytes) -> list[str]:
    return [p for p in raw.decode("utf-8", "surrogateescape").split("\0") if p]


def find_git_toplevel(root: Path) -> Path | None:
    """The top of the git work tree holding ``root``, or None outside git (or without git)."""
    out = _git(root, "rev-parse", "--show-toplevel")
    text = out.decode("utf-8", "surrogateescape").strip() if out else ""
    return Path(text) if text else None


class IgnoreRules:
    """Ignore decisions for one project root (a resolved, absolute path)."""

    def __init__(self, root: Path, *, extra_ignored: Iterable[Path] = ()) -> None:
        self.root = root
        self.git_toplevel = find_git_toplevel(root)
        self._extra_prefixes: tuple[str, ...] = tuple(
            rel + "/" for rel in (_relative_inside(root, p) for p in extra_ignored) if rel
        )
        self._gitignore = None if self.git_toplevel else GitignoreFile(root / ".gitignore")
        self._index: Path | None = None
        if self.git_toplevel is not None:
            git_dir = _git(root, "rev-parse", "--absolute-git-dir")
            if git_dir:
                self._index = Path(git_dir.decode("utf-8", "surrogateescape").strip()) / "index"
        self._index_stamp: tuple[int, int] | None = None
        self._tracked: set[str] = set()
        self._ignored_dirs: frozenset[str] | None = None

    @property
    def uses_git(self) -> bool:
        return self.git_toplevel is not None

    def quick_ignored(self, rel_path: str) -> bool:
        """Cheap checks for one relative posix path: ignored folders, the tool's state,
        editor artifacts."""
        parts = rel_path.split("/")
        if not IGNORED_DIRS.isdisjoint(parts[:-1]) or parts[-1] in IGNORED_DIRS:
            return True
        if self._extra_prefixes and (rel_path + "/").startswith(self._extra_prefixes):
            return True
        return is_editor_artifact(parts[-1])

    def dir_pruned(self, rel_dir: str) -> bool:
        """True for a folder the watcher never descends into (used by walks and polling)."""
        name = rel_dir.rsplit("/", 1)[-1]
        if name in IGNORED_DIRS:
            return True
        if self._extra_prefixes and (rel_dir + "/").startswith(self._extra_prefixes):
            return True
        if self._gitignore is not None:
            return self._gitignore.ignored(rel_dir, is_dir=True)
        ignored = self._git_ignored_dirs()
        if not ignored:
            return False
        parts = rel_dir.split("/")
        return any("/".join(parts[:depth]) in ignored for depth in range(1, len(parts) + 1))

    def _git_ignored_dirs(self) -> frozenset[str]:
        """Folders git ignores as a whole, listed once (the first walk or poll asks): later
        additions are still filtered file by file, just not pruned."""
        if self._ignored_dirs is None:
            out = _git(
                self.root,
                "ls-files",
                "-z",
                "--others",
                "--ignored",
                "--exclude-standard",
                "--directory",
            )
            self._ignored_dirs = frozenset(
                p.rstrip("/") for p in _z_split(out or b"") if p.endswith("/")
            )
        return self._ignored_dirs

    def drop_gitignored(self, rel_paths: Iterable[str]) -> set[str]:
        """The given paths minus those ``.gitignore`` ignores (one git call for all).

        ``check-ignore`` runs with ``--no-index`` (asking git to skip tracked paths costs it a
        pathspec match against the whole index, about 30 times slower on a burst); tracked
        files, which git never ignores, are put back from ``git ls-files``, re-read whenever
        the index file changes."""
        paths = set(rel_paths)
        if not paths:
            return paths
        if self._gitignore is not None:
            self._gitignore.refresh()
            return {p for p in paths if not self._gitignore.ignored(p)}
        payload = ("\0".join(sorted(paths)) + "\0").encode("utf-8", "surrogateescape")
        out = _git(self.root, "check-ignore", "--stdin", "-z", "--no-index", stdin=payload)
        if out is None:
            return paths
        ignored = set(_z_split(out))
        if ignored:
            ignored -= self._tracked_files()
        return paths - ignored

    def _tracked_files(self) -> set[str]:
        try:
            stat = self._index.stat() if self._index is not None else None
        except OSError:
            stat = None
        stamp = (stat.st_mtime_ns, stat.st_size) if stat is not None else None
        if stamp != self._index_stamp:
            self._index_stamp = stamp
            out = _git(self.root, "ls-files", "-z", "--cached") if stamp else b""
            self._tracked = set(_z_split(out or b""))
        return self._tracked

    def list_files(self) -> list[str]:
        """Every file of the project that is not ignored, as relative posix paths."""
        if self.git_toplevel is not None:
            listed = self._git_ls_files()
            if listed is not None:
                return [p for p in listed if not self.quick_ignored(p)]
        return self._walk()

    def _git_ls_files(self) -> list[str] | None:
        out = _git(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        return None if out is None else sorted(set(_z_split(out)))

    def _walk(self) -> list[str]:
        found: list[str] = []
        root_text = str(self.root)
        for dirpath, dirnames, filenames in os.walk(root_text):
            rel_dir = os.path.relpath(dirpath, root_text).replace(os.sep, "/")
            base = "" if rel_dir == "." else rel_dir + "/"
            dirnames[:] = [d for d in dirnames if not self.dir_pruned(base + d)]
            for name in filenames:
                rel = base + name
                if self.quick_ignored(rel):
                    continue
                if self._gitignore is not None and self._gitignore.ignored(rel):
                    continue
                found.append(rel)
        found.sort()
        return found


def _relative_inside(root: Path, path: Path) -> str | None:
    try:
        rel = path.resolve().relative_to(root)
    except (ValueError, OSError):
        return None
    text = rel.as_posix()
    return None if text in ("", ".") else text
