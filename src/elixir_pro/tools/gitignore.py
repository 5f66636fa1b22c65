"""The project's root ``.gitignore`` as a filter for the Grep and Glob walks.

Built for a pruning walk: a folder the rules ignore is never entered, so each entry is
checked on its own path only, and one combined regex rejects most paths in a single call.
Supported: comments, ``!`` negation, a trailing ``/`` for folders only, patterns anchored
by a ``/`` and ``*``, ``?``, ``[...]``, ``**``. Nested ``.gitignore`` files are not read.

Used by ``tools.search``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.tools.globs import compile_glob
from elixir_pro.tools.params import ToolError


@dataclass(frozen=True, slots=True)
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool
    anchored: bool  # matched against the root-relative path, else against the name


def parse(text: str) -> list[_Rule]:
    rules = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = line[1:] if negate else line.removeprefix("\\")
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        if not line:
            continue
        try:
            regex = compile_glob(line.replace("{", "[{]").replace("}", "[}]"))
        except ToolError:
            continue
        rules.append(_Rule(regex, negate, dir_only, anchored))
    return rules


class Gitignore:
    """The rules of ``<root>/.gitignore``, re-read when the file changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._rules: list[_Rule] = []
        self._any_path: re.Pattern[str] | None = None
        self._any_name: re.Pattern[str] | None = None

    def refresh(self) -> None:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp == self._stamp:
                return
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            stamp, text = None, ""
        rules = parse(text)
        with self._lock:
            self._stamp, self._rules = stamp, rules
            self._any_path = _union([r for r in rules if r.anchored])
            self._any_name = _union([r for r in rules if not r.anchored])

    @property
    def empty(self) -> bool:
        return not self._rules

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """True when the rules ignore ``rel`` itself (its folders are the walk's concern)."""
        name = rel.rsplit("/", 1)[-1]
        any_path, any_name = self._any_path, self._any_name
        if not (
            (any_path is not None and any_path.match(rel))
            or (any_name is not None and any_name.match(name))
        ):
            return False
        state = False
        for rule in self._rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.match(rel if rule.anchored else name):
                state = not rule.negate
        return state

    def ignored_within(self, rel: str) -> bool:
        """True when ``rel`` (a folder) or a folder above it is ignored."""
        parts = rel.split("/")
        return any(self.ignored("/".join(parts[:i]), True) for i in range(1, len(parts) + 1))


def _union(rules: list[_Rule]) -> re.Pattern[str] | None:
    if not rules:
        return None
    return re.compile("|".join(f"(?:{r.regex.pattern})" for r in rules), re.DOTALL)
