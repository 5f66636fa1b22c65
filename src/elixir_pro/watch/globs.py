"""Trigger globs: the agent's ``proactive_triggers`` compiled once into one regular expression.

Semantics (documented in docs/watch.md):

- paths are relative to the project root, in posix form (``lib/app/worker.ex``);
- a pattern without a slash matches the file name at any depth (``*.ex``, ``mix.exs``);
- a pattern with a slash is anchored at the project root (a leading ``/`` is allowed);
- ``**`` as a whole segment matches any number of directories, zero included
  (``**/lib/**/*.ex`` matches ``lib/a.ex`` and ``apps/x/lib/y/b.ex``); a trailing ``/**``
  matches everything below;
- ``*`` matches within one segment (never a ``/``), ``?`` one character, ``[abc]`` /
  ``[!abc]`` a class.

Used by :mod:`elixir_pro.watch.service` (what a save must match to count) and by the
fallback ``.gitignore`` reader in :mod:`elixir_pro.watch.ignore`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DEFAULT_TRIGGERS: tuple[str, ...] = (
    "*.ex",
    "*.exs",
    "mix.exs",
    "**/lib/**/*.ex",
    "**/test/**/*_test.exs",
)
"""Used when no agent definition provides ``proactive_triggers`` (the bundled agent's list)."""


def _segment_regex(segment: str) -> str:
    """One path segment (no ``/``) as a regex fragment that never crosses ``/``."""
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            while i + 1 < len(segment) and segment[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = segment.find("]", i + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = segment[i + 1 : end]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                body = body.replace("\\", "\\\\")
                out.append(f"[^/{body}]" if negate else f"(?!/)[{body}]")
                i = end
        elif char == "\\" and i + 1 < len(segment):
            i += 1
            out.append(re.escape(segment[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def glob_to_regex(pattern: str) -> str:
    """The regex source (for ``fullmatch``) of one glob, following the module's semantics."""
    text = pattern.strip()
    if not text:
        raise ValueError("empty glob pattern")
    anchored = "/" in text.rstrip("/")
    text = text.strip("/") if anchored else text.rstrip("/")
    segments = text.split("/")
    parts: list[str] = [] if anchored else ["(?:.*/)?"]
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment == "**":
            if index == last:
                parts.append(".*")
            else:
                parts.append("(?:.*/)?")
            continue
        parts.append(_segment_regex(segment))
        if index != last:
            parts.append("/")
    return "".join(parts)


class GlobSet:
    """Several globs compiled into one alternation; ``matches`` is one regex call."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns: tuple[str, ...] = tuple(p for p in patterns if p.strip())
        sources = [f"(?:{glob_to_regex(p)})" for p in self.patterns]
        self._regex: re.Pattern[str] | None = re.compile("|".join(sources)) if sources else None

    def matches(self, rel_path: str) -> bool:
        """True when the relative posix path matches any of the globs."""
        return self._regex is not None and self._regex.fullmatch(rel_path) is not None

    def __repr__(self) -> str:
        return f"GlobSet({list(self.patterns)!r})"
