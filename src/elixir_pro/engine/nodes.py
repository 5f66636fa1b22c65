"""Small helpers over tree-sitter-elixir nodes: a call's arguments (with the pipe subject),
its do-block, keyword values, block statements and span containment.

Used by the file context, the rules and anyone reading Elixir trees from ``engine/parse.py``.
"""

from __future__ import annotations

from tree_sitter import Node


def text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def arguments_node(call: Node) -> Node | None:
    """The ``arguments`` node of a call (right after its target), else None."""
    if call.named_child_count < 2:  # a paren-less call such as `Mix.env`: no arguments
        return None
    node = call.named_child(1)
    if node is not None and node.type == "arguments":
        return node
    if node is not None and node.type == "comment":
        for child in call.named_children:
            if child.type == "arguments":
                return child
    return None


def arguments(call: Node) -> list[Node]:
    """The explicit arguments of a call (no pipe subject, no do-block)."""
    node = arguments_node(call)
    if node is None:
        return []
    return [c for c in node.named_children if c.type != "comment"]


def argument_count(call: Node) -> int:
    """How many explicit arguments a call has, without building the list."""
    node = arguments_node(call)
    if node is None:
        return 0
    count = node.named_child_count
    if count and b"#" in (node.text or b""):
        count = sum(1 for c in node.named_children if c.type != "comment")
    return count


def pipe_subject(call: Node) -> Node | None:
    """For ``x |> f(y)``, the node ``x``; None when the call is not piped into."""
    parent = call.parent
    if (
        parent is not None
        and parent.type == "binary_operator"
        and parent.child_by_field_name("right") == call
        and text(parent.child_by_field_name("operator")) == "|>"
    ):
        return parent.child_by_field_name("left")
    return None


def effective_arguments(call: Node) -> list[Node]:
    """Arguments as the callee sees them: the pipe subject first when piped."""
    subject = pipe_subject(call)
    args = arguments(call)
    return [subject, *args] if subject is not None else args


def do_body(call: Node) -> Node | None:
    """The ``do ... end`` block or the ``do:`` keyword value of a call."""
    for child in call.children:
        if child.type == "do_block":
            return child
    for arg in arguments(call):
        if arg.type == "keywords":
            for pair in arg.named_children:
                key = pair.child_by_field_name("key")
                if key is not None and text(key).rstrip(": ") == "do":
                    return pair.child_by_field_name("value")
    return None


def keyword_value(node: Node, key: str) -> Node | None:
    """The value for ``key:`` in a ``keywords`` or ``list`` node, else None."""
    candidates = [node] if node.type == "keywords" else node.named_children
    for kw in candidates:
        if kw.type != "keywords":
            continue
        for pair in kw.named_children:
            k = pair.child_by_field_name("key")
            if k is not None and text(k).rstrip(": ") == key:
                return pair.child_by_field_name("value")
    return None


def statements(block: Node | None) -> list[Node]:
    """The expressions of a do-block / stab body, or ``[block]`` for a single expression."""
    if block is None:
        return []
    if block.type in ("do_block", "body", "block"):
        return [c for c in block.named_children if c.type not in ("comment", "stab_clause")]
    return [block]


def contains(outer: Node, inner: Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte
