"""Autofix for ``missing-impl``: add ``@impl true`` above the callback's first clause."""

from __future__ import annotations

from tree_sitter import Tree

from elixir_pro.engine.findings import Finding
from elixir_pro.engine.fixes import TextEdit, calls_on_line, indent_at, line_start, register


@register("missing-impl")
def add_impl(source: bytes, tree: Tree, finding: Finding) -> list[TextEdit] | None:
    defs = calls_on_line(tree, finding.line, "def")
    if not defs:
        return None
    node = defs[0]
    previous = node.prev_named_sibling
    if previous is not None and previous.type == "unary_operator":
        text = previous.text or b""
        if text.startswith(b"@impl"):
            return None
    start = line_start(source, node.start_byte)
    return [TextEdit(start, start, indent_at(source, node.start_byte) + b"@impl true\n")]
