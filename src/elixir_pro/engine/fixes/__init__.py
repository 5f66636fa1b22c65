"""Safe autofixes, one module per rule id, registered in :data:`FIXES`.

A fix turns a finding into text edits against the original source (byte offsets); it never
writes a file. :mod:`elixir_pro.engine.autofix` applies the edits, checks the result still
parses, and stages it into a changeset for the review screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node, Tree

from elixir_pro.engine.findings import Finding
from elixir_pro.engine.parse import call_target, walk


@dataclass(frozen=True, slots=True, order=True)
class TextEdit:
    """Replace ``source[start:end]`` (bytes) with ``text``; ``start == end`` inserts."""

    start: int
    end: int
    text: bytes


FixFunction = Callable[[bytes, Tree, Finding], list[TextEdit] | None]
FIXES: dict[str, FixFunction] = {}


def register(rule_id: str) -> Callable[[FixFunction], FixFunction]:
    def decorate(fn: FixFunction) -> FixFunction:
        FIXES[rule_id] = fn
        return fn

    return decorate


def line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def indent_at(source: bytes, offset: int) -> bytes:
    start = line_start(source, offset)
    end = start
    while end < len(source) and source[end : end + 1] in (b" ", b"\t"):
        end += 1
    return source[start:end]


def calls_on_line(tree: Tree, line: int, target: str | set[str]) -> list[Node]:
    """``call`` nodes calling ``target`` that start on 1-based ``line``."""
    wanted = {target} if isinstance(target, str) else target
    return [
        node
        for node in walk(tree.root_node)
        if node.type == "call" and node.start_point[0] == line - 1 and call_target(node) in wanted
    ]


def enclosing_module(node: Node) -> Node | None:
    current = node.parent
    while current is not None:
        if current.type == "call" and call_target(current) == "defmodule":
            return current
        current = current.parent
    return None


def _load_builtin_fixes() -> None:
    from elixir_pro.engine.fixes import catch_all, impl, receive_after  # noqa: F401


_load_builtin_fixes()
