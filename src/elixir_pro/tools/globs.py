"""Glob patterns as Claude Code's Glob and Grep understand them: ``*`` (within one path
segment), ``?``, ``[abc]``, ``**`` (any number of directories) and ``{a,b}`` alternatives.

Used by the Glob tool (matching paths under the search directory) and by Grep's ``glob``
filter.
"""

from __future__ import annotations

import re
from functools import lru_cache

from elixir_pro.tools.params import ToolError


def _expand_braces(pattern: str) -> list[str]:
    """``a.{ex,exs}`` -> ``["a.ex", "a.exs"]`` (nested braces supported)."""
    start = pattern.find("{")
    if start < 0:
        return [pattern]
    depth = 0
    for end in range(start, len(pattern)):
        ch = pattern[end]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                break
    else:
        return [pattern]  # unbalanced: treat literally
    body = pattern[start + 1 : end]
    options, depth, current = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            options.append(current)
            current = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        current += ch
    options.append(current)
    head, tail = pattern[:start], pattern[end + 1 :]
    return [x for opt in options for x in _expand_braces(head + opt + tail)]


def _translate(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if pattern.startswith("**", i):
                at_segment_start = i == 0 or pattern[i - 1] == "/"
                j = i + 2
                if at_segment_start and j < n and pattern[j] == "/":
                    out.append("(?:[^/]*/)*")  # "**/": zero or more directories
                    i = j + 1
                    continue
                if at_segment_start and j == n:
                    out.append(".*")  # trailing "**": everything below
                    i = j
                    continue
                out.append("[^/]*")
                i = j
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            close = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "^") else i + 1)
            if close < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : close]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = close
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """A regex matching whole posix relative paths against ``pattern``."""
    try:
        alternatives = [_translate(p) for p in _expand_braces(pattern)]
        return re.compile("(?:" + "|".join(alternatives) + r")\Z", re.DOTALL)
    except re.error as exc:
        raise ToolError(f"Invalid glob pattern {pattern!r}: {exc}.") from None


def glob_matches(pattern: str, rel: str) -> bool:
    """Match ``rel`` against ``pattern``; a pattern without ``/`` matches the file name at
    any depth (as ripgrep's ``--glob`` and Claude Code's Grep do)."""
    if "/" not in pattern:
        rel = rel.rsplit("/", 1)[-1]
    return compile_glob(pattern).match(rel) is not None
