"""What the gates look at, gathered once: engine findings, the supervision map, OpenSpec, and
parsed trees of the project's files (lib/, test/, config/, mix.exs).

Reading the files is total: :meth:`ProjectFacts.per_file` turns a file whose reading fails into
one notice naming it (in :attr:`ProjectFacts.notices`) and goes on with the others. Used by the
gate modules (``gates_design``, ``gates_build``, ``gates_deploy``) and ``pipeline.gates``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tree_sitter import Node

from elixir_pro.engine.findings import Finding
from elixir_pro.engine.parse import ParseCache, call_target, node_text, walk
from elixir_pro.engine.sources import discover, read_source
from elixir_pro.engine.supervision import one_line
from elixir_pro.engine.supervision_model import SupervisionMap
from elixir_pro.pipeline.openspec import OpenSpec

T = TypeVar("T")


@dataclass(slots=True)
class ProjectFacts:
    root: Path
    findings: list[Finding]
    smap: SupervisionMap
    openspec: OpenSpec | None
    cache: ParseCache = field(default_factory=ParseCache)
    #: Why the engine audit could not run (its findings are then unknown, not absent).
    audit_error: str | None = None
    #: One line per file the gates could not read, naming the file and what failed.
    notices: list[str] = field(default_factory=list)
    _sources: list[str] | None = field(default=None, init=False, repr=False)

    def files(self, folder: str, suffix: str) -> Iterator[tuple[str, Node]]:
        """(relative path, parsed root node) of every ``*suffix`` file under ``folder`` that
        the audit would read (binary, non-UTF-8 and oversized files are left out)."""
        if not (self.root / folder).is_dir():
            return
        prefix = folder.rstrip("/") + "/"
        if self._sources is None:
            self._sources = discover(self.root)
        for rel in self._sources:
            if not (rel.startswith(prefix) and rel.endswith(suffix)):
                continue
            loaded = read_source(self.root, rel)
            if isinstance(loaded, bytes):
                yield rel, self.cache.get(loaded).root_node

    def per_file(
        self, folder: str, suffix: str, what: str, read: Callable[[str, Node], Iterable[T]]
    ) -> list[T]:
        """Everything ``read(rel, root)`` yields for each ``*suffix`` file under ``folder``. A
        file whose reading raises adds one notice (``what`` names the reading) instead."""
        out: list[T] = []
        for rel, root in self.files(folder, suffix):
            try:
                out.extend(read(rel, root))
            except Exception as exc:  # one file must not stop the gates
                self.notices.append(f"{rel}: {what} not read ({one_line(exc)})")
        return out

    def mix_tree(self) -> Node | None:
        if not (self.root / "mix.exs").is_file():
            return None
        loaded = read_source(self.root, "mix.exs")
        return self.cache.get(loaded).root_node if isinstance(loaded, bytes) else None


def calls(root: Node, *targets: str) -> Iterator[Node]:
    wanted = set(targets)
    for node in walk(root):
        if node.type == "call" and call_target(node) in wanted:
            yield node


def line_of(node: Node) -> int:
    return node.start_point[0] + 1


def referenced_modules(root: Node) -> set[str]:
    """Module names a file mentions, with its ``alias`` declarations expanded."""
    aliases: dict[str, str] = {}
    for node in calls(root, "alias"):
        args = next((c for c in node.named_children if c.type == "arguments"), None)
        items = [c for c in args.named_children if c.type != "comment"] if args else []
        if not items:
            continue
        first = items[0]
        if first.type == "alias":
            full = node_text(first)
            aliases[full.rsplit(".", 1)[-1]] = full
        elif first.type == "dot":
            left, right = first.child_by_field_name("left"), first.child_by_field_name("right")
            if left is not None and right is not None:
                for item in right.named_children:
                    if item.type == "comment":
                        continue
                    aliases[node_text(item).rsplit(".", 1)[-1]] = (
                        f"{node_text(left)}.{node_text(item)}"
                    )
    names: set[str] = set()
    for node in walk(root):
        if node.type == "alias":
            text = node_text(node)
            head, _, rest = text.partition(".")
            names.add(text)
            if head in aliases:
                names.add(f"{aliases[head]}.{rest}" if rest else aliases[head])
    return names


def inside_function(node: Node) -> bool:
    """True when ``node`` sits in a def/defp body (run time), not at module level."""
    current = node.parent
    while current is not None:
        if current.type == "call" and call_target(current) in ("def", "defp"):
            return True
        current = current.parent
    return False
