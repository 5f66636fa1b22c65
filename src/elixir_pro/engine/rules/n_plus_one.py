"""Rule ``n-plus-one``: a Repo query run once per element of a collection.

Three ways in: a Repo call in a loop body, a local helper called in a loop that reaches one,
and a function of another project module that queries the Repo (``ctx.project_repo_functions``)
called in a loop. Loops over a bounded literal collection (a literal list, a module attribute,
a literal range) are not N+1. Confidence: a read in a loop over a query result is high, other
reads medium; writes, raw SQL and helpers whose querying clause may not be the one called are
low (see ``LEVELS``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, FunctionDef, ModuleDef, RemoteCall, text
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.locate import has_word
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import (
    callee_name,
    functions_reaching,
    last_binding,
    local_refs,
    repo_calls,
)
from elixir_pro.engine.rules._loops import bounded_loop, loop_collection, project_calls

READS = frozenset(
    {"all", "one", "one!", "get", "get!", "get_by", "get_by!", "exists?", "aggregate"}
    | {"preload", "reload", "reload!", "stream"}
)
RAW = frozenset({"query", "query!"})
#: Names of project functions that read (Phoenix context conventions: get_user!, list_posts,
#: fetch_..., count_...). The project facts say only that a function uses the Repo; a
#: function named otherwise (create_, update_, deliver_, revoke_...) is taken as a write.
_QUERY_NAME = re.compile(
    r"^(get|list|fetch|find|load|lookup|search|count|all|one|exists|by|for|preload|query)"
    r"(_|\?|!|$)"
)
#: Reads that load a collection: a loop over their result is a loop over query rows.
COLLECTION_READS = frozenset({"all", "preload", "stream"})


@register
class NPlusOne(Rule):
    id = "n-plus-one"
    uses_repo_facts = True
    severity = Severity.HIGH
    title = "N+1 query: Repo call inside a loop"
    triggers = (b"Enum.", b"Stream.", b"for ", b"async_stream")
    scope_reason = (
        "Tests, seeds and scripts load a handful of rows once; their speed is not the "
        "application's."
    )
    rationale = (
        "A Repo call inside an Enum callback or a `for` body runs one query per element. "
        "With a hundred rows that is a hundred round trips where one query (a preload, a "
        "join or a `where: x.id in ^ids`) would do. Confidence: high for a read in a loop over "
        "the rows of a query; medium for other reads in a loop, directly, through a helper "
        "of the module or through another project module's function named as a read (get_, "
        "list_, fetch_, count_...); low for writes (often one changeset per row on purpose), "
        "raw SQL statements, other project functions, helpers that also write (a per-element "
        "procedure such as a cascade delete) and helpers whose querying clause may not be the "
        "one the loop calls. Loops over a "
        "literal list, a module attribute or a literal range are bounded and not reported."
    )
    impact = (
        "Latency and database load grow linearly with the data; pages and jobs that were "
        "fast in development time out in production and exhaust the connection pool."
    )
    recommendation = (
        "Load everything in one query before the loop (Repo.preload, a join, or "
        "`where: x.id in ^ids`), or batch writes with insert_all/Ecto.Multi."
    )
    dirty_example = """\
def with_authors(posts) do
  Enum.map(posts, fn post ->
    %{post | author: Repo.get(User, post.author_id)}
  end)
end
"""
    clean_example = """\
def with_authors(posts) do
  Repo.preload(posts, :author)
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        if not ctx.loop_bodies:
            return
        yield from self._project_calls(ctx)
        if b"Repo" not in ctx.source:
            return
        calls = [c for c in repo_calls(ctx) if ctx.at_runtime(c.node.start_byte)]
        if not calls:
            return
        reported: set[int] = set()
        for call in calls:
            loop = ctx.loop_around(call.node)
            if loop is None or bounded_loop(ctx, loop):
                continue
            reported.add(call.node.start_byte)
            confidence = _confidence(ctx, call.fun, loop)
            yield self.finding_on_line(
                ctx,
                call.node,
                f"{call.module}.{call.fun} runs once per element of the "
                f"{_loop_name(loop)} at line {loop.start_point[0] + 1}",
                confidence=confidence,
            )
        yield from self._through_helpers(ctx, calls, reported)

    def _through_helpers(
        self, ctx: FileContext, calls: list[RemoteCall], reported: set[int]
    ) -> Iterator[Finding]:
        source = ctx.source
        helpers = {  # cheap byte test first: a local helper must be defined in this file
            name
            for name in _names_called_in_loops(ctx)
            if has_word(source, b"def " + name.encode())
            or has_word(source, b"defp " + name.encode())
        }
        if not helpers or not (helpers & {f.name for f in ctx.functions}):
            return
        by_node = {c.node.start_byte: c for c in calls}
        for module in {id(m): m for m in ctx.modules}.values() or [None]:
            reach = functions_reaching(ctx, module, [c.node for c in calls])
            for name, seeds in reach.items():
                if name not in helpers:
                    continue
                for ref in local_refs(ctx, name):
                    loop = ctx.loop_around(ref)
                    if loop is None or _inside_any(ref, seeds) or bounded_loop(ctx, loop):
                        continue
                    # a helper with clauses that never query, or one that also writes (a
                    # per-element procedure such as a cascade delete): only possible
                    partial = _some_clauses_only(ctx, module, name, reach) or any(
                        by_node[s.start_byte].fun not in READS for s in seeds
                    )
                    for seed in seeds:
                        if seed.start_byte in reported:
                            continue
                        reported.add(seed.start_byte)
                        call = by_node[seed.start_byte]
                        confidence = min(
                            _confidence(ctx, call.fun, loop),
                            Confidence.LOW if partial else Confidence.MEDIUM,
                            key=lambda c: c.rank,
                        )
                        yield self.finding_on_line(
                            ctx,
                            seed,
                            f"{call.module}.{call.fun} runs once per element: "
                            f"{callee_name(ref)} is called from the {_loop_name(loop)} "
                            f"at line {loop.start_point[0] + 1}",
                            confidence=confidence,
                        )

    def _project_calls(self, ctx: FileContext) -> Iterator[Finding]:
        for call, module, loop in project_calls(ctx):
            if bounded_loop(ctx, loop):
                continue
            reads = _QUERY_NAME.match(call.fun) is not None
            yield self.finding_on_line(
                ctx,
                call.node,
                f"{call.module}.{call.fun} uses the Repo (in {module}) and runs once per "
                f"element of the {_loop_name(loop)} at line {loop.start_point[0] + 1}",
                confidence=Confidence.MEDIUM if reads else Confidence.LOW,
            )


def _confidence(ctx: FileContext, fun: str, loop: Node) -> Confidence:
    if fun not in READS:
        return Confidence.LOW  # writes and raw SQL
    return Confidence.HIGH if _over_query_rows(ctx, loop) else Confidence.MEDIUM


def _over_query_rows(ctx: FileContext, loop: Node) -> bool:
    """The loop runs over rows a Repo query just loaded (``Repo.all``/``preload``/``stream``
    in the collection expression or the bindings it is built from)."""
    collection = loop_collection(loop)
    fn = ctx.function_at(loop.start_byte)
    for _ in range(4):
        if collection is None:
            return False
        if _loads_rows(collection):
            return True
        if collection.type != "identifier" or fn is None:
            return False
        collection = last_binding(fn, text(collection), collection.start_byte)
    return False


def _loads_rows(node: Node) -> bool:
    for sub in walk(node):
        if sub.type == "call":
            target = call_target(sub) or ""
            module, _, fun = target.rpartition(".")
            if fun in COLLECTION_READS and (module == "Repo" or module.endswith(".Repo")):
                return True
    return False


def _some_clauses_only(
    ctx: FileContext, module: ModuleDef | None, name: str, reach: dict[str, list[Node]]
) -> bool:
    """``name`` has clauses that reach none of the Repo calls: which clause runs depends on
    the element, so the query per element is only possible."""
    clauses = [f for f in ctx.functions if f.name == name and f.module is module]
    if len(clauses) < 2:
        return False
    return not all(_clause_reaches(ctx, clause, reach) for clause in clauses)


def _clause_reaches(ctx: FileContext, clause: FunctionDef, reach: dict[str, list[Node]]) -> bool:
    seeds = reach.get(clause.name, [])
    if any(clause.start_byte <= s.start_byte < clause.end_byte for s in seeds):
        return True
    for other in reach:
        for ref in local_refs(ctx, other):
            if clause.head_end <= ref.start_byte < clause.end_byte and other != clause.name:
                return True
    return False


def _names_called_in_loops(ctx: FileContext) -> set[str]:
    """Local function names called (or captured with ``&name/n``) inside loop bodies."""
    names: set[str] = set()
    for _, body in ctx.loop_bodies:
        for node in walk(body):
            if node.type == "call":
                target = node.child_by_field_name("target")
                if target is not None and target.type == "identifier":
                    names.add(text(target))
            elif node.type == "binary_operator":
                left = node.child_by_field_name("left")
                if left is not None and left.type == "identifier":
                    names.add(text(left))  # &name/arity
    return names


def _loop_name(loop: Node) -> str:
    return call_target(loop) or "loop"


def _inside_any(node: Node, seeds: list[Node]) -> bool:
    return any(seed.start_byte <= node.start_byte < seed.end_byte for seed in seeds)
