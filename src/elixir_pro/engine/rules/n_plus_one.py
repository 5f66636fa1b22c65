"""Rule ``n-plus-one``: a Repo query run once per element of a collection.

Three ways in: a Repo call in a loop body, a local helper called in a loop that reaches one,
and a function of another project module that queries the Repo (``ctx.project_repo_functions``)
called in a loop. Loops over a bounded literal collection (a literal list, a module attribute,
a literal range) or over chunks are not N+1, nor is a query that runs once (a ``{:halt, _}``
branch, one clause of a reduce over filter options). The confidence comes from the evidence
that the collection is large (``_provenance.py``) and from what runs per element
(``_per_element.py``): see :class:`_Judge`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from tree_sitter import Node

from elixir_pro.engine.context import FileContext, FunctionDef, ModuleDef, RemoteCall, text
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.locate import has_word
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import (
    callee_name,
    functions_reaching,
    local_refs,
    repo_calls,
)
from elixir_pro.engine.rules._loops import bounded_loop, project_calls
from elixir_pro.engine.rules._otp import call_arity
from elixir_pro.engine.rules._per_element import (
    Work,
    foreign_key_lookup,
    one_off,
    per_element_work,
    runs_once,
)
from elixir_pro.engine.rules._provenance import Kind, Source, collection_source
from elixir_pro.engine.rules._sources import module_kind
from elixir_pro.engine.rules._taint import Tracer

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
#: Project functions named as reads that write too (``get_or_create_...``).
_WRITE_NAME = re.compile(r"_or_(create|insert|update)|upsert")


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
        "join or a `where: x.id in ^ids`) would do. The confidence comes from what the loop "
        "runs over. High, shown by default: a list from the request "
        '(`String.split(params["ids"], ",")`, whose length the client sets) or every row of '
        "a query without a `limit`, loaded in request-serving code (controllers, LiveViews, "
        "channels, resolvers, plugs, `*Web` modules) in the same function or by a helper of "
        "the module, with a read per element. Low, shown with `--min-confidence low`: rows "
        "of the project's data whose number the code does not prove large (a query with a "
        "large or variable limit, a query built by another module's function, an "
        "association the file preloads, a project function named `list_*`/`all_*`, LiveView "
        "assigns filled from those), a lookup by a foreign key of the element "
        "(`Repo.get(User, post.author_id)`), every row of an unlimited query in background "
        "code (contexts, jobs, workers), and everything else: collections of unknown origin, "
        "a page of rows (a literal limit of at most 100, a paginator), rows selected by an "
        "in-flight state (`:waiting`, `:running`, `:pending`), data split from one field, "
        "writes and raw SQL, reads in a per-row procedure that also writes or calls out, "
        "recursive traversals, Repo.preload over rows whose query already preloads, helpers "
        "whose querying clause may not be the one called, and code run by hand (Mix tasks, "
        "`Scripts`/`Seeds`/`Release` modules, modules documented as one-off or console "
        "tasks). Judged on public applications, the unproven cases were mostly over rows "
        "the domain keeps few (the databases of one account, a user's alerts, the hosts of "
        "a fleet): how many rows a table holds is the domain's to say, so the rule only "
        "speaks up by default where the code itself proves the loop unbounded. Not "
        "reported: loops over a literal list, a module attribute, a literal range or chunks "
        "(`chunk_every`: the call works on a batch), a query in the `{:halt, _}` branch of "
        "`reduce_while` (it runs once), and one clause of a reduce over filter options that "
        "builds a query. A loop is one finding, at its surest query, naming the others."
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
        """One finding per loop: its surest query, naming how many more the loop runs."""
        by_loop: dict[int, list[Finding]] = {}
        for loop, one in self._per_query(ctx):
            by_loop.setdefault(loop.start_byte, []).append(one)
        for found in by_loop.values():
            found.sort(key=lambda f: (-f.confidence.rank, f.line, f.column))
            first, rest = found[0], found[1:]
            if rest:
                more = ", ".join(f"line {f.line}" for f in sorted(rest, key=lambda f: f.line))
                noun = "query" if len(rest) == 1 else "queries"
                first = replace(
                    first,
                    message=f"{first.message}; the loop runs {len(rest)} more {noun} ({more})",
                )
            yield first

    def _per_query(self, ctx: FileContext) -> Iterator[tuple[Node, Finding]]:
        if not ctx.loop_bodies:
            return
        judge = _Judge(ctx)
        yield from self._project_calls(ctx, judge)
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
            verdict = judge.verdict(
                call.node, loop, call.fun in READS, Confidence.HIGH, preload=call.fun == "preload"
            )
            if verdict is None:
                continue
            lead = f"{call.module}.{call.fun} runs once per element of the"
            yield loop, self._found(ctx, call.node, loop, lead, verdict)
        yield from self._through_helpers(ctx, judge, calls, reported)

    def _found(
        self, ctx: FileContext, node: Node, loop: Node, lead: str, verdict: tuple[Confidence, str]
    ) -> Finding:
        """The finding at ``node``: ``lead``, then the loop and its line, then the evidence."""
        return self.finding_on_line(
            ctx,
            node,
            f"{lead} {_loop_name(loop)} at line {loop.start_point[0] + 1}{verdict[1]}",
            confidence=verdict[0],
        )

    def _through_helpers(
        self, ctx: FileContext, judge: _Judge, calls: list[RemoteCall], reported: set[int]
    ) -> Iterator[tuple[Node, Finding]]:
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
                    partial = _some_clauses_only(ctx, module, ref, reach) or any(
                        by_node[s.start_byte].fun not in READS for s in seeds
                    )
                    cap = Confidence.LOW if partial else Confidence.HIGH
                    for seed in seeds:
                        if seed.start_byte in reported:
                            continue
                        reported.add(seed.start_byte)
                        call = by_node[seed.start_byte]
                        verdict = judge.verdict(
                            ref, loop, call.fun in READS, cap, preload=call.fun == "preload"
                        )
                        if verdict is None:
                            continue
                        lead = (
                            f"{call.module}.{call.fun} runs once per element: "
                            f"{callee_name(ref)} is called from the"
                        )
                        yield loop, self._found(ctx, seed, loop, lead, verdict)

    def _project_calls(self, ctx: FileContext, judge: _Judge) -> Iterator[tuple[Node, Finding]]:
        for call, module, loop in project_calls(ctx):
            if bounded_loop(ctx, loop):
                continue
            reads = _QUERY_NAME.match(call.fun) is not None and not _WRITE_NAME.search(call.fun)
            # the name is all that says the function reads: at most medium
            verdict = judge.verdict(call.node, loop, reads, Confidence.MEDIUM)
            if verdict is None:
                continue
            lead = (
                f"{call.module}.{call.fun} uses the Repo (in {module}) and runs once per "
                "element of the"
            )
            yield loop, self._found(ctx, call.node, loop, lead, verdict)


class _Judge:
    """The confidence of a query in a loop, from the evidence about the loop's collection and
    what runs per element (memoised per loop):

    - not reported: the loop runs over chunks, or the query runs once (:func:`runs_once`);
    - high: the collection is request input, or every row of an unlimited query, and the
      call is a read;
    - medium: the collection is rows of the project's data (a limited query, an association,
      a ``list_*`` function, assigns loaded from those), and the call is a read;
    - low: anything else: unknown or bounded collections, writes, raw SQL, reads in a
      per-row procedure that also writes or calls out, recursive traversals, code run by hand
      (Mix tasks, scripts, one-off modules).
    """

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.tracer = Tracer(ctx)
        self.bodies = {loop.start_byte: body for loop, body in ctx.loop_bodies}
        self._sources: dict[int, Source] = {}
        self._work: dict[int, Work] = {}
        self._serves: dict[int, bool] = {}

    def verdict(
        self, node: Node, loop: Node, read: bool, cap: Confidence, *, preload: bool = False
    ) -> tuple[Confidence, str] | None:
        """(confidence, what the message adds) for the query ``node`` (or the call that
        reaches it) in ``loop``; None when it is not an N+1. ``cap`` bounds the confidence
        (what is known of the call itself). Only the proven cases stay above low: what the
        evidence calls medium (rows of the project's data whose number the code does not
        show) is low, since how many rows there are is the domain's to say."""
        found = self._verdict(node, loop, read, cap, preload=preload)
        if found is None or found[0] != Confidence.MEDIUM:
            return found
        return Confidence.LOW, found[1]

    def _verdict(
        self, node: Node, loop: Node, read: bool, cap: Confidence, *, preload: bool = False
    ) -> tuple[Confidence, str] | None:
        body = self.bodies.get(loop.start_byte)
        if runs_once(node, loop, body):
            return None
        source = self._source(loop)
        if source.kind == Kind.BATCHES:
            return None
        low = Confidence.LOW
        if not read:
            return low, ""  # writes, raw SQL, functions not named as reads
        if source.kind == Kind.REQUEST:
            return _at_most(
                Confidence.HIGH, cap
            ), f" (over {source.why}: the client sets its length)"
        fn = self.ctx.function_at(loop.start_byte)
        found = self._evidence(node, loop, body, source, fn, cap, preload)
        if found[0] == low or self._serving(fn.module if fn is not None else None):
            return found
        # background code (a context, a worker, a job): only every row of an unlimited
        # query is worth a look by default
        if source.kind == Kind.QUERY and not _data_migration(fn):
            return _at_most(Confidence.MEDIUM, found[0]), found[1]
        return low, f"{found[1]} (not in request-serving code)"

    def _evidence(
        self,
        node: Node,
        loop: Node,
        body: Node | None,
        source: Source,
        fn: FunctionDef | None,
        cap: Confidence,
        preload: bool,
    ) -> tuple[Confidence, str]:
        low = Confidence.LOW
        by_hand = one_off(self.ctx, fn.module if fn is not None else None)
        if by_hand:
            return low, f" (in {by_hand})"
        work = self._per_element(loop, body)
        if work.recursive:
            return low, " (a recursive traversal: each level needs the previous one)"
        if work.effect:
            return low, f" (each element also runs {work.effect})"
        if preload and source.preloads:
            return (
                low,
                f" (over {source.why}, whose query preloads: loaded associations are skipped)",
            )
        if source.kind == Kind.QUERY:
            return _at_most(Confidence.HIGH, cap), f" (over {source.why})"
        if source.kind == Kind.ROWS:
            return _at_most(Confidence.MEDIUM, cap), f" (over {source.why})"
        if source.kind == Kind.BOUNDED:
            return low, f" (over {source.why})"
        key = foreign_key_lookup(node, body) if source.kind == Kind.UNKNOWN else ""
        if key:
            return _at_most(
                Confidence.MEDIUM, cap
            ), f" (a lookup by {key}: one preload or `id in ^ids` query loads them all)"
        return low, ""

    def _serving(self, module: ModuleDef | None) -> bool:
        key = id(module)
        known = self._serves.get(key)
        if known is None:
            known = self._serves[key] = module is not None and request_serving(self.ctx, module)
        return known

    def _source(self, loop: Node) -> Source:
        known = self._sources.get(loop.start_byte)
        if known is None:
            known = self._sources[loop.start_byte] = collection_source(self.ctx, loop, self.tracer)
        return known

    def _per_element(self, loop: Node, body: Node | None) -> Work:
        known = self._work.get(loop.start_byte)
        if known is None:
            known = self._work[loop.start_byte] = per_element_work(
                self.ctx, loop, body, _QUERY_NAME
            )
        return known


#: Namespaces and module names of request-serving code.
_WEB_NAMESPACE = re.compile(r"Web$")
_RESOLVER = re.compile(r"Resolver")
#: A numbered data migration, run once (``MyApp.Data.Change009Backfill``).
_MIGRATION_MODULE = re.compile(r"^(Change|Migration|Migrate|Backfill)_?\d{2,}")
_MIGRATION_NAMESPACES = frozenset({"DataMigrations", "DataMigration", "Backfills"})


def request_serving(ctx: FileContext, module: ModuleDef) -> bool:
    """Code that runs on a request: a Phoenix controller, LiveView or LiveComponent, channel
    or socket, an Absinthe schema or resolver, a Plug, or any module of a ``*Web``
    namespace."""
    segments = module.name.split(".")
    if module_kind(module) or segments[-1].endswith("Controller"):
        return True
    if any(_WEB_NAMESPACE.search(s) for s in segments[:-1]):
        return True
    if any(_RESOLVER.search(s) for s in segments) or "Resolvers" in segments:
        return True
    if any(used.startswith("Absinthe.") or used == "Plug.Builder" for used, _ in module.uses):
        return True
    if any(name == "Plug" for name, _ in ctx.behaviours(module)):
        return True
    span = ctx.source[module.node.start_byte : module.node.end_byte]
    return b"import Plug.Conn" in span and any(
        f.name == "call" and f.arity == 2 for f in module.functions
    )


def _data_migration(fn: FunctionDef | None) -> bool:
    """``fn`` is in a numbered data-migration module (run once, by hand or from a migration)."""
    if fn is None or fn.module is None:
        return False
    segments = fn.module.name.split(".")
    return bool(_MIGRATION_MODULE.match(segments[-1])) or bool(
        _MIGRATION_NAMESPACES.intersection(segments)
    )


def _at_most(level: Confidence, cap: Confidence) -> Confidence:
    return level if level.rank <= cap.rank else cap


def _some_clauses_only(
    ctx: FileContext, module: ModuleDef | None, ref: Node, reach: dict[str, list[Node]]
) -> bool:
    """The function ``ref`` calls (name and arity) has clauses that reach none of the Repo
    calls: which clause runs depends on the element, so the query per element is only
    possible."""
    name, arity = callee_name(ref), call_arity(ref)
    clauses = [
        f
        for f in ctx.functions
        if f.name == name and f.module is module and (arity is None or f.arity == arity)
    ]
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
