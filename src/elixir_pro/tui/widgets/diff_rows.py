"""Row layout and syntax tokens for the diff view (no widgets here).

``build_rows`` turns one file's hunks into a flat list of display rows (a hunk header, the notes
on the hunk such as the check before apply's compiler messages, then its context, removed and
added lines; side by side pairs in split mode), plus the row of each hunk header, so the view
can jump to a hunk in constant time. ``HunkLexer`` highlights with Pygments one hunk side at a
time, when the hunk is first drawn, so opening a 2,000-hunk diff does not lex whole files and
moving between hunks costs the same at any diff size.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import NamedTuple

from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.lexers.erlang import ElixirLexer
from pygments.token import Comment, Keyword, Name, Number, String, _TokenType
from pygments.util import ClassNotFound

from elixir_pro.changes.decisions import DecisionState
from elixir_pro.changes.hunks import FileDiff, Hunk
from elixir_pro.changes.review_model import ReviewModel
from elixir_pro.changes.textio import split_lines

HEADER, CONTEXT, REMOVED, ADDED, EDITED, PAIR, NOTE = range(7)


class Row(NamedTuple):
    kind: int
    hunk: int
    a: int  # base line index (note index for NOTE), -1 when none
    b: int  # new line index (edited line index for EDITED), -1 when none


def _unified(diff: FileDiff, hunk: Hunk, edited: list[str] | None, rows: list[Row]) -> None:
    h = hunk.index
    if edited is not None:
        for _tag, i1, i2, j1, _j2 in hunk.ops:
            if i2 <= hunk.a0 and _tag == "equal":
                rows.extend(Row(CONTEXT, h, i, j1 + i - i1) for i in range(i1, i2))
        rows.extend(Row(REMOVED, h, i, -1) for i in range(hunk.a0, hunk.a1))
        rows.extend(Row(EDITED, h, -1, k) for k in range(len(edited)))
        for tag, i1, i2, j1, _j2 in hunk.ops:
            if i1 >= hunk.a1 and tag == "equal":
                rows.extend(Row(CONTEXT, h, i, j1 + i - i1) for i in range(i1, i2))
        return
    for tag, i1, i2, j1, j2 in hunk.ops:
        if tag == "equal":
            rows.extend(Row(CONTEXT, h, i, j1 + i - i1) for i in range(i1, i2))
            continue
        rows.extend(Row(REMOVED, h, i, -1) for i in range(i1, i2))
        rows.extend(Row(ADDED, h, -1, j) for j in range(j1, j2))


def _split(diff: FileDiff, hunk: Hunk, edited: list[str] | None, rows: list[Row]) -> None:
    h = hunk.index
    if edited is not None:
        removed = list(range(hunk.a0, hunk.a1))
        for k in range(max(len(removed), len(edited))):
            a = removed[k] if k < len(removed) else -1
            rows.append(Row(EDITED, h, a, k if k < len(edited) else -1))
        return
    for tag, i1, i2, j1, j2 in hunk.ops:
        if tag == "equal":
            rows.extend(Row(CONTEXT, h, i, j1 + i - i1) for i in range(i1, i2))
            continue
        n = max(i2 - i1, j2 - j1)
        for k in range(n):
            a = i1 + k if i1 + k < i2 else -1
            b = j1 + k if j1 + k < j2 else -1
            rows.append(Row(PAIR, h, a, b))


def edited_lines(model: ReviewModel, rel: str, index: int) -> list[str] | None:
    decision = model.decision(rel, index)
    if decision.state is DecisionState.EDITED and decision.text is not None:
        return split_lines(decision.text)
    return None


def build_rows(
    model: ReviewModel, rel: str, split: bool, notes: Mapping[int, int] | None = None
) -> tuple[list[Row], list[int]]:
    """All display rows of one file and the row index of each hunk's header; ``notes`` gives
    how many note rows follow each hunk's header."""
    diff = model.diff(rel)
    rows: list[Row] = []
    starts: list[int] = []
    layout = _split if split else _unified
    for hunk in diff.hunks:
        starts.append(len(rows))
        rows.append(Row(HEADER, hunk.index, -1, -1))
        count = notes.get(hunk.index, 0) if notes else 0
        rows.extend(Row(NOTE, hunk.index, k, -1) for k in range(count))
        layout(diff, hunk, edited_lines(model, rel, hunk.index), rows)
    return rows, starts


# ------------------------------------------------------------------------- syntax highlighting

TOKEN_CLASSES: tuple[tuple[_TokenType, str], ...] = (
    (Comment, "comment"),
    (String.Symbol, "atom"),
    (String, "string"),
    (Number, "number"),
    (Keyword, "keyword"),
    (Name.Function, "function"),
    (Name.Class, "module"),
    (Name.Namespace, "module"),
    (Name.Attribute, "attribute"),
    (Name.Builtin, "keyword"),
)

Tokens = list[tuple[str, str]]  # (token class or "", text)


def _token_class(ttype: _TokenType) -> str:
    for parent, name in TOKEN_CLASSES:
        if _descends(ttype, parent):
            return name
    return ""


def _descends(ttype: _TokenType, parent: _TokenType) -> bool:
    node: _TokenType | None = ttype
    while node is not None:
        if node is parent:
            return True
        node = node.parent
    return False


_ELIXIR_SUFFIXES = frozenset({".ex", ".exs"})


def lexer_for(path: str) -> Lexer:
    """The lexer for ``path``: Elixir files directly (asking Pygments by file name scans the
    patterns of every lexer it has, ~0.1 s), other files by name, plain text when unknown."""
    if PurePosixPath(path).suffix in _ELIXIR_SUFFIXES:
        elixir: Lexer = ElixirLexer(stripnl=False, ensurenl=False)
        return elixir
    try:
        lexer: Lexer = get_lexer_for_filename(path, stripnl=False, ensurenl=False)
        return lexer
    except ClassNotFound:
        return plain_lexer()


def plain_lexer() -> Lexer:
    plain: Lexer = TextLexer(stripnl=False, ensurenl=False)
    return plain


def lex_lines(lexer: Lexer, lines: list[str] | tuple[str, ...]) -> list[Tokens]:
    """Per-line (class, text) tokens for consecutive lines, lexed together so strings and
    comments spanning lines inside a hunk are coloured right."""
    out: list[Tokens] = [[]]
    text = "".join(line.rstrip("\r\n") + "\n" for line in lines)
    for ttype, value in lexer.get_tokens(text):
        cls = _token_class(ttype)
        parts = value.split("\n")
        for n, part in enumerate(parts):
            if n:
                out.append([])
            if part:
                out[-1].append((cls, part.expandtabs(4)))
    return out[: len(lines)] + [[] for _ in range(len(lines) - len(out))]
