"""tree-sitter-elixir parsing for the engine: one parser per thread, a parse cache keyed by
content hash, and small node helpers shared by the rules, the supervision map and autofixes.

Comments, strings, heredocs and sigils are nodes in the tree, so nothing in the engine ever
matches raw text.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator

import tree_sitter_elixir
from tree_sitter import Language, Node, Parser, Tree

ELIXIR = Language(tree_sitter_elixir.language())
_local = threading.local()


def _parser() -> Parser:
    parser: Parser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = Parser(ELIXIR)
        _local.parser = parser
    return parser


def parse(source: bytes) -> Tree:
    """Parse Elixir source. Never raises on bad syntax: error nodes are part of the tree."""
    return _parser().parse(source)


def content_hash(source: bytes) -> str:
    return hashlib.blake2b(source, digest_size=16).hexdigest()


class ParseCache:
    """Trees by content hash (LRU), so an unchanged file is never parsed twice."""

    def __init__(self, max_entries: int = 4096) -> None:
        self._entries: OrderedDict[str, Tree] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, source: bytes) -> Tree:
        key = content_hash(source)
        with self._lock:
            tree = self._entries.get(key)
            if tree is not None:
                self._entries.move_to_end(key)
                return tree
        tree = parse(source)
        with self._lock:
            self._entries[key] = tree
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return tree

    def __len__(self) -> int:
        return len(self._entries)


def node_text(node: Node) -> str:
    data = node.text
    return data.decode("utf-8", errors="replace") if data is not None else ""


def walk(node: Node) -> Iterator[Node]:
    """Every named descendant of ``node`` (itself included), depth first, in source order."""
    cursor = node.walk()
    visited_children = False
    while True:
        if not visited_children:
            current = cursor.node
            if current is not None and current.is_named:
                yield current
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            visited_children = False
        elif cursor.goto_parent():
            visited_children = True
        else:
            return


def call_target(node: Node) -> str | None:
    """For a ``call`` node, the dotted name it calls: ``"GenServer.start"``, ``"def"``,
    ``"receive"``, ``":erlang.binary_to_atom"``. None for anything else."""
    if node.type != "call":
        return None
    target = node.child_by_field_name("target")
    if target is None:
        return None
    if target.type == "identifier":
        return node_text(target)
    if target.type == "dot":
        left = target.child_by_field_name("left")
        right = target.child_by_field_name("right")
        if left is not None and right is not None:
            return f"{node_text(left)}.{node_text(right)}"
    return None


def position(node: Node) -> tuple[int, int, int, int]:
    """1-based (line, column, end_line, end_column) of a node."""
    (row, col), (erow, ecol) = node.start_point, node.end_point
    return row + 1, col + 1, erow + 1, ecol + 1
