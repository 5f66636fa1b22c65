"""What a loop runs over, for ``n-plus-one``: the evidence that its collection is large.

:func:`collection_source` follows the collection of a loop back through bindings, pipes,
``if``/``case`` branches, the pure ``Enum``/``Stream`` steps that keep its size, the return
values of the module's own helpers and the callers of a private function, until it reaches

- request input: a list the client chooses (``String.split(params["ids"], ",")``), traced with
  the value tracer of ``_taint.py`` (:attr:`Kind.REQUEST`);
- every row of a query without a ``limit`` (``Repo.all``/``Repo.stream``, directly or as the
  return value of a local helper) (:attr:`Kind.QUERY`);
- rows of the project's data whose number is not proven large: a query with a ``limit``, an
  association the file preloads, a project function named as a list (``list_*``, ``all_*``),
  LiveView assigns filled from those (:attr:`Kind.ROWS`);
- batches: ``chunk_every``, where the per-element call works on a chunk (:attr:`Kind.BATCHES`);
- a page: a query with a small literal ``limit``, ``first``, a paginator (:attr:`Kind.BOUNDED`);
- anything else (a public function's argument, data split from one field, a literal, a
  query bounded by a list of ids) (:attr:`Kind.UNKNOWN`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import IntEnum

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    ModuleDef,
    effective_arguments,
    text,
)
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rules import _flow as flow
from elixir_pro.engine.rules._loops import loop_collection
from elixir_pro.engine.rules._queries import (
    counted,
    in_flight,
    is_limit,
    is_page,
    is_preload,
    opaque_query,
    preloaded,
    query_has,
    query_ids,
)
from elixir_pro.engine.rules._sources import Origin
from elixir_pro.engine.rules._taint import Tracer

MAX_DEPTH = 12


class Kind(IntEnum):
    """How sure it is that a collection is large (ordered)."""

    BATCHES = -2
    BOUNDED = -1
    UNKNOWN = 0
    ROWS = 1
    QUERY = 2
    REQUEST = 3


@dataclass(frozen=True, slots=True)
class Source:
    kind: Kind
    #: What the collection was traced to, for messages ("the rows of Repo.all at line 12").
    why: str = ""
    #: The query that loads the rows preloads associations (a ``Repo.preload`` per row of
    #: them is then a no-op: Ecto skips loaded associations).
    preloads: bool = False

    def best(self, other: Source) -> Source:
        return other if other.kind > self.kind else self


UNKNOWN = Source(Kind.UNKNOWN)

#: ``Enum``/``Stream`` functions whose result has (at most) the size of their first argument
#: and still holds its elements or values derived one for one from them.
_SAME_SIZE = frozenset(
    {"map", "filter", "reject", "sort", "sort_by", "uniq", "uniq_by", "dedup", "dedup_by"}
    | {"with_index", "reverse", "to_list", "flat_map", "concat", "filter_map", "into"}
    | {"map_every", "zip", "each"}
)
_BATCHING = frozenset({"chunk_every", "chunk_by", "chunk_while"})
#: Names of project functions that return a list of rows.
_LIST_NAME = re.compile(r"^(list|all)(_|$)")
_REPO_ROWS = frozenset({"all", "stream"})


def collection_source(ctx: FileContext, loop: Node, tracer: Tracer) -> Source:
    """Where the collection of ``loop`` comes from (see the module docstring)."""
    collection = loop_collection(loop)
    if collection is None:
        return UNKNOWN
    trace = tracer.trace(collection)
    if trace.origin == Origin.REQUEST:
        return Source(Kind.REQUEST, trace.why)
    return _Walker(ctx).source(collection, ctx.function_at(collection.start_byte), 0)


class _Walker:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        #: clauses whose return value is being traced, parameters whose callers are
        self._returning: set[int] = set()
        self._active: set[tuple[int, int]] = set()

    def source(self, node: Node, fn: FunctionDef | None, depth: int) -> Source:
        if depth > MAX_DEPTH:
            return UNKNOWN
        kind = node.type
        if kind == "identifier":
            return self._var(node, fn, depth)
        if kind == "binary_operator":
            op = text(node.child_by_field_name("operator"))
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                return UNKNOWN
            if op == "|>" and right.type == "call":
                return self._call(right, fn, depth)
            if op in ("=", "<-"):
                return self.source(right, fn, depth + 1)
            if op == "++":
                return self.source(left, fn, depth + 1).best(self.source(right, fn, depth + 1))
            return UNKNOWN
        if kind == "call":
            return self._call(node, fn, depth)
        if kind == "access_call":
            target = node.child_by_field_name("target")
            key = node.child_by_field_name("key")
            if target is not None and key is not None and key.type == "atom":
                return self._field(target, text(key).lstrip(":"), fn, depth)
            return UNKNOWN
        if kind in ("block", "parenthesized_expression"):
            last = flow.last_statement(node)
            return (
                self.source(last, fn, depth + 1) if last is not None and last != node else UNKNOWN
            )
        return UNKNOWN

    # -- calls ------------------------------------------------------------------------------

    def _call(self, node: Node, fn: FunctionDef | None, depth: int) -> Source:
        target = node.child_by_field_name("target")
        if target is None:
            return UNKNOWN
        args = effective_arguments(node)
        if target.type == "dot":
            left = target.child_by_field_name("left")
            right = target.child_by_field_name("right")
            if left is None or right is None:
                return UNKNOWN
            name = text(right)
            if left.type not in ("alias", "atom") and node.named_child_count == 1:
                return self._field(left, name, fn, depth)  # data.name
            return self._remote(node, text(left), name, args, fn, depth)
        name = text(target)
        if name in ("if", "unless", "case", "cond", "with"):
            return self._branches(node, fn, depth)
        if name == "then" and len(args) == 2:
            return self.source(args[0], fn, depth + 1)
        return self._local(node, name, len(args), fn, depth)

    def _remote(
        self,
        node: Node,
        module: str,
        fun: str,
        args: list[Node],
        fn: FunctionDef | None,
        depth: int,
    ) -> Source:
        line = node.start_point[0] + 1
        if module in ("Enum", "Stream"):
            if fun in _BATCHING:
                return Source(Kind.BATCHES, f"the chunks of {module}.{fun} at line {line}")
            if fun in _SAME_SIZE and args:
                return self.source(args[0], fn, depth + 1)
            return UNKNOWN  # take, slice, a count...
        if module == "Repo" or module.endswith(".Repo"):
            if fun in _REPO_ROWS and args:
                return self._rows(args[0], f"{module}.{fun} at line {line}", fn, depth)
            if fun in ("preload", "preload!") and args:
                return self.source(args[0], fn, depth + 1)
            return UNKNOWN
        if module in ("Ecto.Multi", "Map", "Keyword", "MapSet"):
            return UNKNOWN
        if _LIST_NAME.match(fun) and _project_module(self.ctx, module, fun):
            return Source(Kind.ROWS, f"{module}.{fun}, a list of rows of the project")
        return UNKNOWN

    def _rows(self, query: Node, what: str, fn: FunctionDef | None, depth: int) -> Source:
        """The rows a query loads: every row, unless it has a ``limit`` or selects the rows
        of a list of ids (then as many as there are ids)."""
        preloads = query_has(query, fn, is_preload)
        ids = query_ids(query)
        if ids is not None:  # as many rows as ids
            inner = self.source(ids, fn, depth + 1)
            if inner.kind == Kind.UNKNOWN:
                return UNKNOWN
            if inner.kind < Kind.UNKNOWN:
                return Source(Kind.BOUNDED, f"the rows with the ids of {inner.why}")
            return Source(inner.kind, f"the rows with the ids of {inner.why}", preloads)
        if query_has(query, fn, is_page):
            return Source(Kind.BOUNDED, f"a page of rows ({what})")
        state = in_flight(query, fn)
        if state:
            return Source(
                Kind.BOUNDED,
                f"the rows of {what} in the in-flight state {state}, which rows leave as "
                "their work completes",
            )
        if query_has(query, fn, is_limit):
            return Source(Kind.ROWS, f"the rows of a limited query ({what})", preloads)
        built = opaque_query(query, fn)
        if built is not None:  # its filters and limit are in the other module
            name = call_target(built)
            if counted(built):
                return Source(Kind.BOUNDED, f"a page of rows ({what}, a query from {name})")
            return Source(Kind.ROWS, f"the rows of {what}, a query from {name}", preloads)
        return Source(Kind.QUERY, f"the rows of {what}", preloads)

    def _local(
        self, node: Node, name: str, arity: int, fn: FunctionDef | None, depth: int
    ) -> Source:
        """A call of the module's own function: what its clauses return."""
        module = fn.module if fn is not None else None
        clauses = [
            f
            for f in self.ctx.functions
            if f.name == name and f.module is module and f.arity == arity and f.body is not None
        ]
        out = UNKNOWN
        for clause in clauses:
            if clause.start_byte in self._returning:
                continue  # a recursive helper: its other clauses decide
            self._returning.add(clause.start_byte)
            try:
                last = flow.last_statement(clause.body)
                if last is not None:
                    found = self.source(last, clause, depth + 1)
                    if found.kind > Kind.UNKNOWN:
                        found = replace(found, why=f"{found.why}, returned by {name}/{arity}")
                    out = out.best(found)
            finally:
                self._returning.discard(clause.start_byte)
        if out.kind == Kind.UNKNOWN and _LIST_NAME.match(name) and _reaches_repo(clauses):
            return Source(Kind.ROWS, f"{name}/{arity}, a list of rows")
        return out

    def _branches(self, node: Node, fn: FunctionDef | None, depth: int) -> Source:
        ends = flow.branch_ends(node)
        out = UNKNOWN
        for end in ends:
            out = out.best(self.source(end, fn, depth + 1))
        return out

    # -- fields, assigns and variables ------------------------------------------------------

    def _field(self, left: Node, name: str, fn: FunctionDef | None, depth: int) -> Source:
        """``record.name``: an association when the file preloads ``:name``; ``assigns.name``:
        what the module assigns to ``name``."""
        if _is_assigns(left):
            return self._assigned(name, fn, depth)
        if name in preloaded(self.ctx):
            return Source(Kind.ROWS, f"the association :{name}")
        return UNKNOWN

    def _assigned(self, name: str, fn: FunctionDef | None, depth: int) -> Source:
        module = fn.module if fn is not None else None
        out = UNKNOWN
        for value, where in _assign_values(self.ctx, module, name):
            found = self.source(value, where, depth + 1)
            if found.kind > Kind.UNKNOWN:
                found = replace(found, why=f"{found.why}, assigned to @{name}")
            out = out.best(found)
        return out

    def _var(self, ident: Node, fn: FunctionDef | None, depth: int) -> Source:
        if fn is None:
            return UNKNOWN
        name = text(ident)
        child, node = ident, ident.parent
        while node is not None and node.start_byte >= fn.start_byte:
            kind = node.type
            if kind in flow.SEQUENCES:
                for stmt in flow.before(node, child):
                    rhs = flow.match_rhs(stmt, name)
                    if rhs is not None:
                        return self.source(rhs, fn, depth + 1)
            elif kind == "call" and node == fn.node:
                return self._param(fn, name, depth)
            elif kind == "call" and text(node.child_by_field_name("target")) in ("with", "for"):
                for clause in reversed(flow.clauses_before(node, ident.start_byte)):
                    rhs = flow.match_rhs(clause, name, arrows=True)
                    if rhs is not None:
                        return self.source(rhs, fn, depth + 1)
            elif kind == "stab_clause" and child == node.child_by_field_name("right"):
                return self._clause_binding(node, name, fn, depth)
            if node == fn.node:
                break
            child, node = node, node.parent
        return UNKNOWN

    def _clause_binding(self, clause: Node, name: str, fn: FunctionDef, depth: int) -> Source:
        """A variable bound by the pattern of a ``case`` clause: the subject's source when the
        pattern is ``{:ok, rows}``-like or the variable itself."""
        left = clause.child_by_field_name("left")
        owner = clause.parent
        call = owner.parent if owner is not None else None
        if left is None or call is None or text(call.child_by_field_name("target")) != "case":
            return UNKNOWN
        if not any(flow.binds(p, name) for p in flow.clause_patterns(left)):
            return UNKNOWN
        subject = effective_arguments(call)
        return self.source(subject[0], fn, depth + 1) if subject else UNKNOWN

    def _param(self, fn: FunctionDef, name: str, depth: int) -> Source:
        """A parameter of a private function: what the module's own callers pass."""
        index = next((i for i, p in enumerate(fn.params) if flow.binds(p, name)), None)
        if index is None or fn.kind != "defp":
            return UNKNOWN
        key = (fn.start_byte, index)
        if key in self._active:
            return UNKNOWN
        self._active.add(key)
        out = UNKNOWN
        try:
            for call in self.ctx.calls(fn.name):
                caller = self.ctx.function_at(call.start_byte)
                if caller is None or caller.module is not fn.module:
                    continue
                if call.start_byte < caller.head_end:
                    continue
                args = effective_arguments(call)
                if len(args) == fn.arity:
                    out = out.best(self.source(args[index], caller, depth + 1))
        finally:
            self._active.discard(key)
        return out


# -- facts of the file --------------------------------------------------------------------


def _is_assigns(node: Node) -> bool:
    """``socket.assigns``, ``assigns`` or ``conn.assigns``."""
    if node.type == "identifier":
        return text(node) == "assigns"
    if node.type == "call" and node.named_child_count == 1:
        target = node.child_by_field_name("target")
        right = target.child_by_field_name("right") if target is not None else None
        return right is not None and text(right) == "assigns"
    return False


def _assign_values(
    ctx: FileContext, module: ModuleDef | None, name: str
) -> list[tuple[Node, FunctionDef | None]]:
    """The values the module assigns to ``name``: ``assign(socket, :name, value)``,
    ``assign(socket, name: value)`` and ``assign_new(socket, :name, fn -> value end)``."""
    out: list[tuple[Node, FunctionDef | None]] = []
    for fun in ("assign", "assign_new"):
        for call in ctx.calls(fun):
            where = ctx.function_at(call.start_byte)
            if where is None or where.module is not module:
                continue
            args = effective_arguments(call)
            if len(args) == 3 and text(args[1]) == f":{name}":
                value = args[2]
                if value.type == "anonymous_function":
                    clause = value.named_child(0)
                    body = clause.child_by_field_name("right") if clause is not None else None
                    last = flow.last_statement(body)
                    if last is not None:
                        out.append((last, where))
                else:
                    out.append((value, where))
            elif len(args) == 2:
                pairs = [args[1], *args[1].named_children] if args[1].type == "map" else [args[1]]
                for holder in pairs:
                    for pair in holder.named_children if holder.type == "keywords" else ():
                        key = text(pair.child_by_field_name("key")).rstrip(": ")
                        held = pair.child_by_field_name("value")
                        if key == name and held is not None:
                            out.append((held, where))
    return out


def _project_module(ctx: FileContext, written: str, fun: str) -> bool:
    """A call ``Written.fun`` names a function of the project: one of
    ``ctx.project_repo_functions``, or a module of the file's own namespace written in full
    (``MyApp.Accounts.list_users`` from ``MyAppWeb.UserController``)."""
    own = {m.name for m in ctx.modules}
    for module, names in ctx.project_repo_functions.items():
        if (
            fun in names
            and module not in own
            and (module == written or module.endswith("." + written))
        ):
            return True
    roots = {name.split(".", 1)[0].removesuffix("Web") for name in own}
    return "." in written and written.split(".", 1)[0] in roots and written not in own


def _reaches_repo(clauses: list[FunctionDef]) -> bool:
    for clause in clauses:
        for sub in walk(clause.node):
            module = (call_target(sub) or "").rpartition(".")[0] if sub.type == "call" else ""
            if module == "Repo" or module.endswith(".Repo"):
                return True
    return False
