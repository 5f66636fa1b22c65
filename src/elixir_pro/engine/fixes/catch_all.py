"""Autofix for ``genserver-missing-catch-all`` on ``handle_info``: add a last clause that logs
the unexpected message and keeps the state (and ``require Logger`` when the module lacks it)."""

from __future__ import annotations

from tree_sitter import Node, Tree

from elixir_pro.engine.findings import Finding
from elixir_pro.engine.fixes import (
    TextEdit,
    calls_on_line,
    enclosing_module,
    indent_at,
    line_start,
    register,
)
from elixir_pro.engine.parse import call_target, node_text

CLAUSE = (
    b"\n"
    b"%(i)sdef handle_info(msg, state) do\n"
    b'%(i)s  Logger.warning("#{inspect(__MODULE__)} ignored an unexpected message: '
    b'#{inspect(msg)}")\n'
    b"%(i)s  {:noreply, state}\n"
    b"%(i)send\n"
)


def _defined_name(node: Node) -> str | None:
    arguments = next((c for c in node.named_children if c.type == "arguments"), None)
    if arguments is None or not arguments.named_children:
        return None
    head = arguments.named_children[0]
    if head.type == "binary_operator":  # def f(x) when guard
        left = head.child_by_field_name("left")
        head = left if left is not None else head
    if head.type == "call":
        target = head.child_by_field_name("target")
        return node_text(target) if target is not None else None
    return node_text(head) if head.type == "identifier" else None


@register("genserver-missing-catch-all")
def add_catch_all(source: bytes, tree: Tree, finding: Finding) -> list[TextEdit] | None:
    first = calls_on_line(tree, finding.line, "def")
    if not first or _defined_name(first[0]) != "handle_info":
        return None
    module = enclosing_module(first[0])
    body = (
        next((c for c in module.named_children if c.type == "do_block"), None) if module else None
    )
    if body is None:
        return None
    statements = body.named_children
    clauses = [
        s for s in statements if call_target(s) == "def" and _defined_name(s) == "handle_info"
    ]
    last = clauses[-1]
    indent = indent_at(source, last.start_byte)
    after_last = source.find(b"\n", last.end_byte)
    insert_at = len(source) if after_last < 0 else after_last + 1
    edits = [TextEdit(insert_at, insert_at, CLAUSE % {b"i": indent})]
    has_logger = any(
        call_target(s) == "require" and b"Logger" in (s.text or b"") for s in statements
    )
    if not has_logger:
        anchor = next((s for s in statements if call_target(s) == "use"), statements[0])
        line_end = source.find(b"\n", anchor.end_byte) + 1 or len(source)
        lead = indent_at(source, anchor.start_byte)
        if call_target(anchor) == "use":
            edits.append(TextEdit(line_end, line_end, lead + b"require Logger\n"))
        else:
            start = line_start(source, anchor.start_byte)
            edits.append(TextEdit(start, start, lead + b"require Logger\n"))
    return edits
