"""Incremental re-parsing: turn the difference between a file's previous and current bytes into
a tree-sitter edit and re-parse with the previous tree, so only the changed region is parsed
again. Used by the analyzer's ``reanalyze`` (the watcher's path), where one edit in a large file
should cost far less than parsing the whole file.
"""

from __future__ import annotations

import threading

from tree_sitter import Parser, Point, Tree

from elixir_pro.engine.parse import ELIXIR

_local = threading.local()


def _parser() -> Parser:
    parser: Parser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = Parser(ELIXIR)
    return parser


def _common_prefix(a: bytes, b: bytes) -> int:
    va, vb = memoryview(a), memoryview(b)
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if va[:mid] == vb[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    va, vb = memoryview(a), memoryview(b)
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if va[len(a) - mid :] == vb[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _point(source: bytes, offset: int) -> Point:
    row = source.count(b"\n", 0, offset)
    return Point(row, offset - (source.rfind(b"\n", 0, offset) + 1))


def reparse(old_source: bytes, old_tree: Tree, new_source: bytes) -> Tree:
    """The tree of ``new_source``, re-using ``old_tree`` (which is left untouched)."""
    start = _common_prefix(old_source, new_source)
    limit = min(len(old_source), len(new_source)) - start
    suffix = _common_suffix(old_source, new_source, limit)
    old_end = len(old_source) - suffix
    new_end = len(new_source) - suffix
    edited = old_tree.copy()
    edited.edit(
        start,
        old_end,
        new_end,
        _point(old_source, start),
        _point(old_source, old_end),
        _point(new_source, new_end),
    )
    return _parser().parse(new_source, edited)
