"""What the queries of a file say, for ``n-plus-one``: whether a query's rows are limited,
paged, selected by a list of ids or preloaded (:func:`query_has` with :func:`is_limit`,
:func:`is_page`, :func:`is_preload`; :func:`query_ids`), and which associations the file
preloads (:func:`preloaded`). A query is read through its pipeline and the bindings it is
built from in the same function.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from weakref import WeakKeyDictionary

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, FunctionDef, arguments, effective_arguments, text
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rules import _flow as flow

#: A literal limit of at most this many rows bounds the loop (a page, a feed).
PAGE = 100
#: Query builders that bound the rows to a page (``Repo.paginate``, Scrivener, Flop...).
_PAGES = frozenset({"first", "last", "paginate", "page", "take"})
#: Query builders that select rows by a list of ids.
_IDS_FILTER = re.compile(r"^((with|by|where|for)_)?ids$")


def query_has(
    query: Node, fn: FunctionDef | None, test: Callable[[Node], bool], depth: int = 0
) -> bool:
    """Some node of the query's pipeline, or of the bindings it is built from in the same
    function, passes ``test``."""
    if depth > 3:
        return False
    for sub in walk(query):
        if test(sub):
            return True
        if sub.type == "identifier" and fn is not None and not _is_call_name(sub):
            rhs = _binding(fn, sub)
            if rhs is not None and query_has(rhs, fn, test, depth + 1):
                return True
    return False


def is_limit(node: Node) -> bool:
    """``limit(q, n)``, ``limit: n``."""
    if node.type == "call":
        return (call_target(node) or "").rsplit(".", 1)[-1] == "limit"
    return node.type == "pair" and text(node.child_by_field_name("key")).rstrip(": ") == "limit"


def is_page(node: Node) -> bool:
    """A bound of a screenful: ``limit(q, 50)`` or ``limit: 50`` with a literal of at most
    :data:`PAGE` rows, ``first``/``last``, a paginator."""
    if node.type == "call":
        fun = (call_target(node) or "").rsplit(".", 1)[-1]
        if fun in _PAGES:
            return True
        values = arguments(node) if fun == "limit" else []
    elif node.type == "pair" and text(node.child_by_field_name("key")).rstrip(": ") == "limit":
        value = node.child_by_field_name("value")
        values = [value] if value is not None else []
    else:
        return False
    return bool(values) and values[-1].type == "integer" and _int(values[-1]) <= PAGE


#: Modules whose functions compose queries in the open (their limits are visible).
_QUERY_API = frozenset({"Ecto.Query", "Query", "Ecto.Queryable", "Repo"})


def builder(node: Node) -> str:
    """``Batch.all_for_project`` for a call of another module's function that returns a
    query (``Batch.all_for_project(id, :incomplete)``): what it filters and limits is not
    visible here; else ""."""
    target = call_target(node) if node.type == "call" else None
    if target is None or "." not in target:
        return ""
    module, fun = target.rsplit(".", 1)
    if not module[:1].isupper() or module in _QUERY_API or module.endswith(".Repo"):
        return ""
    if fun in _PAGES or fun in ("limit", "preload", "where", "order_by", "select"):
        return ""
    return target


def opaque_query(query: Node, fn: FunctionDef | None) -> Node | None:
    """The builder call a query comes from when the query is only a call of another module's
    query function (``Patch.dups_in_batches()``, ``id |> Batch.all_for_project(:open)``),
    with nothing composed onto it here; else None."""
    node = query
    if node.type == "identifier" and fn is not None:
        bound = _binding(fn, node)
        if bound is None:
            return None
        node = bound
    stages: list[Node] = []  # the pipeline, right to left
    while node.type == "binary_operator" and text(node.child_by_field_name("operator")) == "|>":
        right = node.child_by_field_name("right")
        left = node.child_by_field_name("left")
        if right is None or left is None:
            return None
        stages.append(right)
        node = left
    stages.append(node)
    stages.reverse()  # source first
    source = stages[0]
    if builder(source):
        return source
    if not _plain_value(source) or len(stages) < 2:
        return None  # a schema or a query composed here
    return stages[1] if builder(stages[1]) else None  # `id |> Batch.for_project(:open)`


def _plain_value(node: Node) -> bool:
    """A variable, a literal or a field (``project.id``): not a query."""
    if node.type in ("identifier", "integer", "string", "atom"):
        return True
    if node.type != "call" or node.named_child_count != 1:
        return False
    target = node.child_by_field_name("target")
    left = target.child_by_field_name("left") if target is not None else None
    return left is not None and left.type not in ("alias", "atom")


#: States of work in progress: rows in them leave as the work completes (a queue, the
#: batches of a merge train), so the set stays small whatever the table's size.
IN_FLIGHT = frozenset(
    {"waiting", "running", "pending", "queued", "incomplete", "in_progress", "processing"}
    | {"retrying", "executing", "in_flight"}
)


def in_flight(query: Node, fn: FunctionDef | None) -> str:
    """The in-flight state a query selects its rows by (``where: b.state == ^:waiting``,
    ``state in [:waiting, :running]``, ``Batch.all_for_project(id, :incomplete)``), or ""."""
    found = ""

    def test(node: Node) -> bool:
        nonlocal found
        if node.type == "atom" and text(node).lstrip(":") in IN_FLIGHT:
            found = text(node)
            return True
        return False

    return found if query_has(query, fn, test) else ""


def counted(call: Node) -> bool:
    """A literal count of at most :data:`PAGE` among a query builder's arguments
    (``Batch.recent_for_project(id, 10)``): a number passed to a query builder is its limit."""
    return any(a.type == "integer" and _int(a) <= PAGE for a in arguments(call))


def _int(node: Node) -> int:
    try:
        return int(text(node).replace("_", ""))
    except ValueError:
        return PAGE + 1


def is_preload(node: Node) -> bool:
    if node.type == "call":
        return "preload" in (call_target(node) or "").rsplit(".", 1)[-1]
    return node.type == "pair" and text(node.child_by_field_name("key")).rstrip(": ") == "preload"


def query_ids(query: Node) -> Node | None:
    """The list of ids a query selects its rows by: ``x.id in ^ids`` or a ``by_ids(ids)`` /
    ``with_ids(q, ids)`` builder; None when it has none."""
    for sub in walk(query):
        if sub.type == "binary_operator" and text(sub.child_by_field_name("operator")) == "in":
            left = sub.child_by_field_name("left")
            right = sub.child_by_field_name("right")
            if left is None or right is None or not text(left).endswith(".id"):
                continue
            if right.type == "unary_operator":
                operand = right.child_by_field_name("operand")
                if operand is not None and operand.type == "identifier":
                    return operand
        elif sub.type == "call" and _IDS_FILTER.search((call_target(sub) or "").rsplit(".", 1)[-1]):
            args = arguments(sub)
            if args and args[-1].type == "identifier":
                return args[-1]
    return None


def _is_call_name(ident: Node) -> bool:
    parent = ident.parent
    return (
        parent is not None
        and parent.type in ("call", "dot")
        and parent.start_byte == (ident.start_byte)
    )


def _binding(fn: FunctionDef, ident: Node) -> Node | None:
    name = text(ident)
    child, node = ident, ident.parent
    while node is not None and node.start_byte >= fn.start_byte:
        if node.type in flow.SEQUENCES:
            for stmt in flow.before(node, child):
                rhs = flow.match_rhs(stmt, name)
                if rhs is not None:
                    return rhs
        if node == fn.node:
            break
        child, node = node, node.parent
    return None


_PRELOADED: WeakKeyDictionary[FileContext, frozenset[str]] = WeakKeyDictionary()


def preloaded(ctx: FileContext) -> frozenset[str]:
    """Atoms named in the file's preloads (``Repo.preload(x, [:a, b: :c])``, ``preload:
    [...]``, ``preload(q, ...)``): the associations the file loads."""
    cached = _PRELOADED.get(ctx)
    if cached is not None:
        return cached
    names: set[str] = set()
    holders: list[Node] = []
    for local in ctx.calls("preload"):
        holders.extend(arguments(local))
    for remote in ctx.remote_module("Repo", tail=True).get("preload", []):
        holders.extend(effective_arguments(remote.node)[1:])
    for node in walk(ctx.root) if b"preload:" in ctx.source else ():
        if node.type == "pair" and text(node.child_by_field_name("key")).rstrip(": ") == "preload":
            value = node.child_by_field_name("value")
            if value is not None:
                holders.append(value)
    for holder in holders:
        for sub in walk(holder):
            if sub.type == "atom":
                names.add(text(sub).lstrip(":"))
            elif sub.type == "pair":
                names.add(text(sub.child_by_field_name("key")).rstrip(": "))
    found = frozenset(names)
    _PRELOADED[ctx] = found
    return found
