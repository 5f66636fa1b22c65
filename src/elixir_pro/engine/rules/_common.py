"""Helpers shared by several rules: Repo and HTTP call recognition, literal detection, local
helper reachability and variable bindings inside one function. Used only by ``engine/rules/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, FunctionDef, ModuleDef, RemoteCall, text
from elixir_pro.engine.parse import walk

REPO_BATCH = frozenset({"insert_all", "update_all", "delete_all", "transaction", "checkout"})
REPO_FUNS = frozenset(
    {
        "all",
        "one",
        "one!",
        "get",
        "get!",
        "get_by",
        "get_by!",
        "exists?",
        "aggregate",
        "preload",
        "insert",
        "insert!",
        "update",
        "update!",
        "delete",
        "delete!",
        "insert_or_update",
        "insert_or_update!",
        "reload",
        "reload!",
        "stream",
        "query",
        "query!",
    }
)
HTTP_MODULES = frozenset({"HTTPoison", "Req", "Tesla", "Finch", ":httpc", ":hackney", "Mint.HTTP"})
SLEEP_CALLS = (("Process", "sleep"), (":timer", "sleep"))


def repo_calls(ctx: FileContext, funs: Iterable[str] = REPO_FUNS) -> list[RemoteCall]:
    """Calls to ``*.Repo.<fun>`` for the given functions, in source order."""
    wanted = funs if isinstance(funs, frozenset) else frozenset(funs)
    index = ctx.remote_module("Repo", tail=True)
    out = [c for fun, calls in index.items() if fun in wanted for c in calls]
    out.sort(key=lambda c: c.node.start_byte)
    return out


def http_calls(ctx: FileContext) -> list[RemoteCall]:
    out = [c for m in HTTP_MODULES for calls in ctx.remote_module(m).values() for c in calls]
    out.sort(key=lambda c: c.node.start_byte)
    return out


def sleep_calls(ctx: FileContext) -> list[RemoteCall]:
    return [c for mod, fun in SLEEP_CALLS for c in ctx.remote(fun, module=mod)]


def is_literal(node: Node) -> bool:
    """A value fully known at compile time: atoms, numbers, strings and charlists without
    interpolation, sigils without interpolation, and lists/tuples of those."""
    kind = node.type
    if kind in ("atom", "integer", "float", "boolean", "nil", "char", "quoted_atom"):
        return True
    if kind in ("string", "charlist", "sigil"):
        return not any(child.type == "interpolation" for child in node.named_children)
    if kind in ("list", "tuple"):
        return all(is_literal(c) for c in node.named_children)
    return False


def is_map_literal(node: Node) -> bool:
    """``%{...}``, ``%Struct{...}`` and ``%{x | ...}`` literals, and ``struct(...)`` calls."""
    if node.type == "map":
        return True
    if node.type == "call":
        target = node.child_by_field_name("target")
        return (
            target is not None
            and target.type == "identifier"
            and text(target)
            in (
                "struct",
                "struct!",
            )
        )
    return False


def identifiers_named(root: Node, name: str) -> Iterator[Node]:
    for node in walk(root):
        if node.type == "identifier" and text(node) == name:
            yield node


def last_binding(fn: FunctionDef, name: str, before: int) -> Node | None:
    """The right-hand side of the last ``name = expr`` in ``fn`` that ends before ``before``."""
    best: Node | None = None
    for node in walk(fn.node):
        if node.start_byte >= before:
            break
        if node.type != "binary_operator" or node.end_byte > before:
            continue
        if text(node.child_by_field_name("operator")) != "=":
            continue
        left = node.child_by_field_name("left")
        if left is not None and left.type == "identifier" and text(left) == name:
            best = node.child_by_field_name("right")
    return best


def local_refs(ctx: FileContext, name: str) -> list[Node]:
    """Calls of the local function ``name`` and ``&name/arity`` captures of it."""
    return [*ctx.calls(name), *ctx.captures(name)]


def callee_name(ref: Node) -> str:
    """The local function a call or an ``&name/arity`` capture refers to."""
    if ref.type == "call":
        return text(ref.child_by_field_name("target"))
    operand = ref.child_by_field_name("operand")
    return text(operand.child_by_field_name("left") if operand is not None else None)


def functions_reaching(
    ctx: FileContext, module: ModuleDef | None, seeds: Iterable[Node]
) -> dict[str, list[Node]]:
    """Names of ``module``'s functions whose bodies contain one of ``seeds`` directly or through
    other local functions of the same module, mapped to the seed nodes they reach.

    Calls are resolved by name and arity (default arguments included, function heads and specs
    skipped), and only through code that runs in the caller's own process: a seed inside a
    function handed to ``Task.start``/``spawn`` or stored for later does not count, nor does a
    call made there (see ``_otp.call_graph``)."""
    if module is None:
        return _reaching_by_name(ctx, seeds)
    from elixir_pro.engine.rules._otp import call_graph, elsewhere

    graph = call_graph(ctx, module)
    reach: dict[str, list[Node]] = {}
    for seed in seeds:
        fn = ctx.function_at(seed.start_byte)
        if fn is None or fn.module is not module or elsewhere(seed, fn.node):
            continue
        # in source order: a set of clauses has no stable order from run to run
        for caller in sorted(graph.backward([fn]), key=lambda f: f.start_byte):
            known = reach.setdefault(caller.name, [])
            if seed not in known:
                known.append(seed)
    return reach


def _reaching_by_name(ctx: FileContext, seeds: Iterable[Node]) -> dict[str, list[Node]]:
    """:func:`functions_reaching` for functions outside any module (by name only)."""
    reach: dict[str, list[Node]] = {}
    for seed in seeds:
        fn = ctx.function_at(seed.start_byte)
        if fn is not None and fn.module is None:
            reach.setdefault(fn.name, []).append(seed)
    frontier = list(reach)
    while frontier:
        target = frontier.pop()
        for ref in local_refs(ctx, target):
            caller = ctx.function_at(ref.start_byte)
            if caller is None or caller.module is not None or caller.name == target:
                continue
            known = reach.setdefault(caller.name, [])
            added = [s for s in reach[target] if s not in known]
            if added:
                known.extend(added)
                frontier.append(caller.name)
    return reach


def in_callbacks(
    ctx: FileContext, node: Node, names: Iterable[str], arities: dict[str, int] | None = None
) -> FunctionDef | None:
    """The enclosing function when it is one of the callbacks ``names`` (arity-checked)."""
    fn = ctx.function_at(node.start_byte)
    if fn is None or fn.name not in names or fn.kind != "def":
        return None
    if arities is not None and arities.get(fn.name, fn.arity) != fn.arity:
        return None
    return fn


GENSERVER_ARITY = {
    "init": 1,
    "handle_call": 3,
    "handle_cast": 2,
    "handle_info": 2,
    "handle_continue": 2,
    "terminate": 2,
}
