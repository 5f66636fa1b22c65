"""Grep's regular expressions: compiled for RE2 (google-re2, linear time, so no pattern can
hang a search) and run over the bytes of each file; a pattern RE2 cannot express
(backreferences, look-around, possessive quantifiers ...) but Python's ``re`` can is marked
for the killable worker (:mod:`.grep_worker`), which runs it under a hard time limit.

:func:`matched_lines` gives the 0-based lines holding a match, ripgrep's way, for ``str`` or
``bytes`` text and either engine. Used by the Grep tool and its worker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import re2

from elixir_pro.tools.params import ToolError

AnyStr = TypeVar("AnyStr", str, bytes)


class Pattern(Protocol):
    def search(self, text: Any) -> Any: ...

    def finditer(self, text: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class GrepPattern:
    """The compiled search: ``re2`` when RE2 takes the pattern; otherwise None, and the
    worker compiles ``pattern`` with Python's ``re`` and ``flags``; ``why_fallback`` says
    what RE2 objected to."""

    pattern: str
    flags: int
    re2: Pattern | None
    why_fallback: str = ""

    def python(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every rejected pattern on stderr
    return options


def inline_flags(*, ignore_case: bool, multiline: bool) -> str:
    return "(?m" + ("i" if ignore_case else "") + ("s" if multiline else "") + ")"


def compile_pattern(pattern: str, *, ignore_case: bool, multiline: bool) -> GrepPattern:
    """The pattern for RE2, or marked for the worker; ToolError when neither engine takes it."""
    flags = re.MULTILINE | (re.IGNORECASE if ignore_case else 0) | (re.DOTALL if multiline else 0)
    source = inline_flags(ignore_case=ignore_case, multiline=multiline) + pattern
    try:
        return GrepPattern(pattern, flags, re2.compile(source, _options()))
    except re2.error as exc:
        rejected = exc.args[0] if exc.args else exc
        why = rejected.decode("utf-8", "replace") if isinstance(rejected, bytes) else str(rejected)
    try:
        re.compile(pattern, flags)
    except re.error as exc:
        raise ToolError(f"Invalid regular expression in Grep.pattern: {exc}.") from None
    return GrepPattern(pattern, flags, None, why)


def split_lines(text: AnyStr) -> list[AnyStr]:
    newline = "\n" if isinstance(text, str) else b"\n"
    lines = text.split(newline)
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _per_line(rx: Pattern, text: AnyStr, first_only: bool) -> list[int]:
    cr = "\r" if isinstance(text, str) else b"\r"
    hits = []
    for i, line in enumerate(split_lines(text)):
        if rx.search(line.removesuffix(cr)):
            hits.append(i)
            if first_only:
                break
    return hits


def matched_lines(
    rx: Pattern, text: AnyStr, *, multiline: bool, first_only: bool = False
) -> list[int]:
    """0-based indexes of the lines holding a match. Without ``multiline`` a line matches as
    if searched alone (as ripgrep does); with it, every line a match spans counts.

    Searches the whole text once and counts newlines between matches, rather than running the
    pattern on every line; a match that crosses a newline (possible only through ``\\s`` and
    the like) sends the file through the per-line search instead.
    """
    newline = "\n" if isinstance(text, str) else b"\n"
    if not multiline and ("\r" if isinstance(text, str) else b"\r") in text:
        return _per_line(rx, text, first_only)
    hits: list[int] = []
    line = pos = 0
    for m in rx.finditer(text):
        start, end = m.span()
        line += text.count(newline, pos, start)
        pos = start
        if multiline:
            last = line + text.count(newline, start, max(start, end - 1))
            hits.extend(range(hits[-1] + 1 if hits and hits[-1] >= line else line, last + 1))
        elif newline in text[start:end]:
            return _per_line(rx, text, first_only)
        elif not hits or hits[-1] != line:
            hits.append(line)
        if first_only and hits:
            break
    if hits and pos == len(text) and (not text or text.endswith(newline)):
        hits.pop()  # an empty match after the final newline is not on a line
    return hits
