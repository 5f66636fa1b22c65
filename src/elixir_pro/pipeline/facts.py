"""What the gates look at, gathered once: engine findings, the supervision map, OpenSpec, and
parsed trees of the project's files (lib/, test/, config/, mix.exs)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node

from elixir_pro.engine.findings import Finding
from elixir_pro.engine.parse import ParseCache, call_target, node_text, walk
from elixir_pro.engine.sources import discover
from elixir_pro.engine.supervision_model import SupervisionMap
from elixir_pro.pipeline.openspec import OpenSpec


@dataclass(slots=True)
class ProjectFacts:
    root: Path
    findings: list[Finding]
    smap: SupervisionMap
    openspec: OpenSpec | None
    cache: ParseCache = field(default_factory=ParseCache)

    def files(self, folder: str, suffix: str) -> Iterator[tuple[str, Node]]:
        """(relative path, parsed root node) of every ``*suffix`` file under ``folder``."""
        if not (self.root / folder).is_dir():
            return
        prefix = folder.rstrip("/") + "/"
        for rel in discover(self.root):
            if not (rel.startswith(prefix) and rel.endswith(suffix)):
                continue
            try:
                source = (self.root / rel).read_bytes()
            except OSError:
                continue
            yield rel, self.cache.get(source).root_node

    def mix_tree(self) -> Node | None:
        path = self.root / "mix.exs"
        if not path.is_file():
            return None
        try:
            return self.cache.get(path.read_bytes()).root_node
        except OSError:
            return None


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
        if args is None or not args.named_children:
            continue
        first = args.named_children[0]
        if first.type == "alias":
            full = node_text(first)
            aliases[full.rsplit(".", 1)[-1]] = full
        elif first.type == "dot":
            left, right = first.child_by_field_name("left"), first.child_by_field_name("right")
            if left is not None and right is not None:
                for item in right.named_children:
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
