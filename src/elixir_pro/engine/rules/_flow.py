"""Small facts about Elixir code that the value tracer (``_taint.py``) reads: which pattern
binds a variable, the statements before a use, the branches of an ``if``, and whether a value
is only reached after an allowlist check (a guard, an ``if``/``cond`` condition, an earlier
``unless ..., do: raise``).
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from elixir_pro.engine.context import FunctionDef, arguments, effective_arguments, text
from elixir_pro.engine.rules import _sources as src
from elixir_pro.engine.rules._common import is_literal

#: Nodes holding a sequence of statements.
SEQUENCES = frozenset({"do_block", "else_block", "body", "block", "source"})


# -- allowlists -----------------------------------------------------------------------------


def checked(expr: Node, fn: FunctionDef) -> bool:
    """True when ``expr`` is only reached after a check that bounds it: a guard or an ``if``/
    ``cond`` condition (``x in [...]``, ``x in @allowed``, ``x == "asc"``, ``valid_x?(x)``,
    ``Enum.member?(list, x)``, ``is_atom(x)``), or an earlier ``unless <check>, do: raise``."""
    key = code_key(expr)
    child, node = expr, expr.parent
    while node is not None and node.start_byte >= fn.start_byte:
        if node.type == "stab_clause" and child == node.child_by_field_name("right"):
            left = node.child_by_field_name("left")
            if left is not None and _checks(left, key):
                return True
        elif node.type == "call" and node != fn.node:
            if _in_checked_branch(node, child, expr.start_byte, key):
                return True
            if _after_comprehension_filter(node, expr.start_byte, key):
                return True
        elif node.type in SEQUENCES and any(
            _raises_unless(stmt, key) for stmt in before(node, child)
        ):
            return True
        if node == fn.node:
            return fn.guard is not None and _checks(fn.guard, key)
        child, node = node, node.parent
    return False


def _in_checked_branch(call: Node, child: Node, at: int, key: str) -> bool:
    """The use at byte ``at`` is in the branch of an ``if``/``unless`` that runs only when
    its condition (checking ``key``) allows it."""
    head = text(call.child_by_field_name("target"))
    if head not in ("if", "unless"):
        return False
    args = arguments(call)
    if not args or child == args[0] or not _checks(args[0], key):
        return False
    branch = branch_at(call, at)
    return branch == ("else" if head == "unless" else "do")


def _after_comprehension_filter(call: Node, at: int, key: str) -> bool:
    """The use at byte ``at`` comes after a filter of a ``for`` comprehension that checks
    ``key`` (``for k <- keys, k in @allowed, atom = String.to_atom(k), do: ...``): the
    elements that fail the filter never get there."""
    if text(call.child_by_field_name("target")) != "for":
        return False
    for arg in arguments(call):
        if arg.end_byte > at:
            break
        if arg.type == "binary_operator" and text(arg.child_by_field_name("operator")) in (
            "<-",
            "=",
        ):
            continue
        if arg.type != "keywords" and _checks(arg, key):
            return True
    return False


def branch_at(call: Node, at: int) -> str:
    """``"do"`` or ``"else"``: the branch of an ``if`` holding byte ``at``; "" if neither."""
    for block in call.children:
        if block.type == "do_block" and block.start_byte <= at < block.end_byte:
            for part in block.named_children:
                if part.type == "else_block" and part.start_byte <= at < part.end_byte:
                    return "else"
            return "do"
    for arg in arguments(call):
        if arg.type == "keywords":
            for pair in arg.named_children:
                if pair.start_byte <= at < pair.end_byte:
                    return text(pair.child_by_field_name("key")).rstrip(": ")
    return ""


def _raises_unless(stmt: Node, key: str) -> bool:
    """``unless <check> do raise ... end`` (or ``if not <check>``) before the use."""
    if stmt.type != "call":
        return False
    head = text(stmt.child_by_field_name("target"))
    args = arguments(stmt)
    if head not in ("unless", "if") or not args:
        return False
    cond = args[0]
    if head == "if":
        if cond.type != "unary_operator" or text(cond.child_by_field_name("operator")) not in (
            "not",
            "!",
        ):
            return False
        cond = cond.child_by_field_name("operand") or cond
    return _checks(cond, key) and any(
        n.type == "call" and src.stops(text(n.child_by_field_name("target")))
        for n in descendants(stmt)
    )


def _checks(cond: Node, key: str) -> bool:
    """``cond`` bounds the expression whose text is ``key``."""
    for node in descendants(cond):
        if node.type == "binary_operator":
            op = text(node.child_by_field_name("operator"))
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                continue
            if op == "in" and code_key(left) == key and not _is_range(right):
                return True  # (a character range bounds one byte, not the string built)
            if op in ("==", "===") and (
                (code_key(left) == key and is_literal(right))
                or (code_key(right) == key and is_literal(left))
            ):
                return True
        elif node.type == "call":
            name = text(node.child_by_field_name("target")).rsplit(".", 1)[-1]
            if not src.is_check(name):
                continue
            args = effective_arguments(node)
            if any(code_key(part) == key for a in args for part in descendants(a)):
                return True
    return False


# -- small tree helpers ---------------------------------------------------------------------


def binds(pattern: Node, name: str) -> bool:
    """``pattern`` binds the variable ``name`` (pinned ``^name`` does not bind)."""
    for node in descendants(pattern):
        if node.type == "identifier" and text(node) == name:
            parent = node.parent
            if (
                parent is not None
                and parent.type == "unary_operator"
                and text(parent.child_by_field_name("operator")) == "^"
            ):
                continue
            if (
                parent is not None
                and parent.type == "call"
                and parent.start_byte == node.start_byte
            ):
                continue  # a call's name, not a variable
            return True
    return False


def match_rhs(stmt: Node, name: str, arrows: bool = False) -> Node | None:
    """For ``pattern = rhs`` (or ``pattern <- rhs`` with ``arrows``) binding ``name``: rhs."""
    while stmt.type == "binary_operator":
        op = text(stmt.child_by_field_name("operator"))
        if op not in ("=", "<-") or (op == "<-" and not arrows):
            return None
        left = stmt.child_by_field_name("left")
        right = stmt.child_by_field_name("right")
        if left is None or right is None:
            return None
        if (
            op == "<-"
            and left.type == "binary_operator"
            and text(left.child_by_field_name("operator")) == "when"
        ):
            left = left.child_by_field_name("left") or left
        if binds(left, name):
            return right
        stmt = right  # a = b = rhs
    return None


def before(sequence: Node, child: Node) -> list[Node]:
    """Statements of ``sequence`` before ``child``, nearest first."""
    out = [
        c for c in sequence.named_children if c.end_byte <= child.start_byte and c.type != "comment"
    ]
    out.reverse()
    return out


def clauses_before(call: Node, at: int) -> list[Node]:
    """The clauses of a ``with``/``for`` call that end before byte ``at``."""
    return [a for a in arguments(call) if a.type == "binary_operator" and a.end_byte <= at]


def clause_patterns(left: Node) -> list[Node]:
    if left.type == "binary_operator" and text(left.child_by_field_name("operator")) == "when":
        left = left.child_by_field_name("left") or left
    if left.type == "arguments":
        return list(left.named_children)
    return [left]


def last_statement(block: Node | None) -> Node | None:
    if block is None:
        return None
    if block.type in SEQUENCES:
        items = [c for c in block.named_children if c.type not in ("comment", "else_block")]
        items = [c for c in items if not c.type.endswith("_block")]
        return items[-1] if items else None
    return block


def branch_ends(node: Node, keys: frozenset[str] | None = None) -> list[Node]:
    """The value of each branch of a ``case``/``if``/``with``/``for``/...: the last expression
    of its ``do``/``else`` blocks, or of its keyword form (the keywords named in ``keys``;
    every keyword when None), and of every clause in them."""
    parts: list[Node] = []
    for block in node.children:
        if block.type == "do_block":
            parts.append(block)
            parts.extend(c for c in block.named_children if c.type.endswith("_block"))
    for arg in arguments(node):
        if arg.type != "keywords":
            continue
        for pair in arg.named_children:
            key = text(pair.child_by_field_name("key")).rstrip(": ")
            value = pair.child_by_field_name("value")
            if value is not None and (keys is None or key in keys):
                parts.append(value)
    ends: list[Node] = []
    for part in parts:
        clauses = [c for c in part.named_children if c.type == "stab_clause"]
        bodies = [c.child_by_field_name("right") for c in clauses] if clauses else [part]
        for body in bodies:
            last = last_statement(body)
            if last is not None:
                ends.append(last)
    return ends


def enclosing_capture(node: Node) -> Node | None:
    """The ``&(...)`` capture around an ``&1`` placeholder."""
    parent = node.parent
    while parent is not None:
        if parent.type == "unary_operator" and text(parent.child_by_field_name("operator")) == "&":
            operand = parent.child_by_field_name("operand")
            if operand is not None and operand.type != "integer":
                return parent
        parent = parent.parent
    return None


def is_function_value(node: Node) -> bool:
    if node.type == "anonymous_function":
        return True
    if node.type == "unary_operator" and text(node.child_by_field_name("operator")) == "&":
        operand = node.child_by_field_name("operand")
        return operand is not None and operand.type != "integer"
    return False


def _is_range(node: Node) -> bool:
    return node.type == "binary_operator" and text(node.child_by_field_name("operator")) == ".."


def code_key(node: Node) -> str:
    return "".join(text(node).split())


def descendants(node: Node) -> Iterable[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.named_children))


def string_keyed_binding(pattern: Node, name: str) -> bool:
    """``name`` is bound as a value of a string-keyed map pattern (``%{"status" => name}``)."""
    for node in descendants(pattern):
        if node.type != "binary_operator" or text(node.child_by_field_name("operator")) != "=>":
            continue
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is not None and left.type == "string" and right is not None and binds(right, name):
            return True
    return False
