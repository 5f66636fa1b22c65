"""Autofix for ``receive-without-after``: add an ``after`` clause that gives up after five
seconds with ``{:error, :timeout}``, so the caller cannot wait forever."""

from __future__ import annotations

from tree_sitter import Tree

from elixir_pro.engine.findings import Finding
from elixir_pro.engine.fixes import TextEdit, calls_on_line, indent_at, line_start, register

TIMEOUT_CLAUSE = b"after\n%s  5_000 -> {:error, :timeout}\n"


@register("receive-without-after")
def add_after(source: bytes, tree: Tree, finding: Finding) -> list[TextEdit] | None:
    receives = calls_on_line(tree, finding.line, "receive")
    if not receives:
        return None
    block = next((c for c in receives[0].named_children if c.type == "do_block"), None)
    if block is None:
        return None
    end = next((c for c in block.children if c.type == "end"), None)
    if end is None or any(c.type == "after_block" for c in block.children):
        return None
    start = line_start(source, end.start_byte)
    if source[start : end.start_byte].strip():
        return None  # `end` shares its line with code: leave the layout to a person
    indent = indent_at(source, end.start_byte)
    return [TextEdit(start, start, indent + TIMEOUT_CLAUSE % indent)]
