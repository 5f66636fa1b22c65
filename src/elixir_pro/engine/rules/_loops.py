"""What a loop runs over, for ``n-plus-one``: the collection of an ``Enum``/``Stream`` call or
of a ``for`` generator, whether it is bounded by the code itself (a literal list, a module
attribute, a literal range), and the calls in loop bodies to other project modules' functions
that query the Repo (``ctx.project_repo_functions``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    RemoteCall,
    arguments,
    effective_arguments,
    text,
)
from elixir_pro.engine.parse import walk
from elixir_pro.engine.rules._common import is_literal, last_binding


def loop_collection(loop: Node) -> Node | None:
    """The collection a loop call runs over: the first argument of ``Enum.map(xs, f)`` (or
    its pipe subject), the first generator of a ``for``."""
    target = loop.child_by_field_name("target")
    if target is not None and text(target) == "for":
        for arg in arguments(loop):
            if arg.type == "binary_operator" and text(arg.child_by_field_name("operator")) == "<-":
                return arg.child_by_field_name("right")
        return None
    args = effective_arguments(loop)
    return args[0] if args else None


def bounded_loop(ctx: FileContext, loop: Node) -> bool:
    """The loop runs over a collection fixed in the code: a literal list or range, a module
    attribute, or a variable bound to one in the same function."""
    collection = loop_collection(loop)
    fn = ctx.function_at(loop.start_byte)
    for _ in range(3):
        if collection is None:
            return False
        if _fixed(collection):
            return True
        if collection.type != "identifier" or fn is None:
            return False
        collection = last_binding(fn, text(collection), collection.start_byte)
    return False


def _fixed(node: Node) -> bool:
    kind = node.type
    if is_literal(node) or kind == "alias":
        return True
    if kind == "unary_operator" and text(node.child_by_field_name("operator")) == "@":
        return True
    if kind in ("list", "tuple", "keywords", "pair"):
        return all(_fixed(c) for c in node.named_children)
    if kind == "binary_operator" and text(node.child_by_field_name("operator")) == "..":
        return all(c.type == "integer" for c in node.named_children if c.type != "comment")
    return False


def project_calls(ctx: FileContext) -> Iterator[tuple[RemoteCall, str, Node]]:
    """``(call, module, loop)`` for calls (or ``&Mod.fun/n`` captures) in loop bodies of
    public functions of other project modules that query the Repo; ``module`` is the full
    name of the module the call resolves to (an alias matches its last segments)."""
    facts = ctx.project_repo_functions
    if not facts:
        return
    own = {m.name for m in ctx.modules}
    seen: set[int] = set()
    for _, body in ctx.loop_bodies:
        for node in walk(body):
            if node.type != "call" or node.start_byte in seen:
                continue
            target = node.child_by_field_name("target")
            if target is None or target.type != "dot":
                continue
            left = target.child_by_field_name("left")
            right = target.child_by_field_name("right")
            if left is None or right is None or left.type != "alias":
                continue
            written, fun = text(left), text(right)
            module = _resolve(facts, written, fun, own)
            if module is None or not ctx.at_runtime(node.start_byte):
                continue
            loop = ctx.loop_around(node)
            if loop is None:
                continue
            seen.add(node.start_byte)
            yield RemoteCall(written, fun, node), module, loop


def _resolve(
    facts: Mapping[str, frozenset[str]], written: str, fun: str, own: set[str]
) -> str | None:
    for module, names in facts.items():
        if (
            fun in names
            and module not in own
            and (module == written or module.endswith("." + written))
        ):
            return module
    return None
