"""Rule ``slow-init``: slow work in GenServer init/1 instead of handle_continue/2."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    ModuleDef,
    RemoteCall,
    effective_arguments,
    statements,
    text,
)
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import (
    GENSERVER_ARITY,
    http_calls,
    repo_calls,
    sleep_calls,
)
from elixir_pro.engine.rules._otp import (
    HTTP_BUILDERS,
    call_arity,
    call_graph,
    callbacks_reaching,
    elsewhere,
)

#: Repo functions that read one row or one value.
ONE_ROW = frozenset(
    {"get", "get!", "get_by", "get_by!", "one", "one!", "exists?", "aggregate", "reload"}
    | {"reload!"}
)


@register
class SlowInit(Rule):
    id = "slow-init"
    severity = Severity.MEDIUM
    title = "Slow work in init/1"
    triggers = (b"Repo", b"sleep", b"HTTPoison", b"Req.", b"Tesla", b"Finch", b"httpc")
    requires = (b"GenServer", b"init")
    rationale = (
        "init/1 runs while the supervisor waits: start_link does not return until it does. "
        "Database queries, HTTP requests or sleeps there delay the boot of every sibling "
        "started after it, and a timeout fails the whole application start. Calls made "
        "through local helpers count too; work handed to a Task or kept in a closure for "
        "later does not. An init/1 that never returns `{:ok, state}` (only `:ignore` or "
        "`{:stop, ...}`) is a one-shot job whose blocking start is the point: low confidence. "
        "So is work whose result decides whether the server starts (the subject of a `case` "
        "or a `with` clause returning `{:stop, reason}` or `:ignore`): there the caller of "
        "start_link is meant to learn of the failure, which handle_continue/2 could not "
        "report. One light query is low too: a read of one row (`Repo.get`, `get_by`, `one`, "
        "`exists?`, `aggregate`) or one filtered query (`Repo.all(Project.active())`), which "
        "restores the state the server needs to serve; a whole table (`Repo.all(Rate)`), raw "
        "SQL and queries per element stay medium."
    )
    scope_reason = (
        "Servers started by tests and scripts are not under the application's supervisor; a "
        "slow start there delays nothing in production."
    )
    impact = "Slow or failing boots; a slow dependency at start-up crashes the application."
    recommendation = (
        "Return `{:ok, state, {:continue, :load}}` from init/1 and do the work in "
        "handle_continue(:load, state)."
    )
    dirty_example = """\
use GenServer

@impl true
def init(_opts) do
  {:ok, %{rates: Repo.all(Rate)}}
end
"""
    clean_example = """\
use GenServer

@impl true
def init(_opts), do: {:ok, %{rates: []}, {:continue, :load}}

@impl true
def handle_continue(:load, state), do: {:noreply, %{state | rates: Repo.all(Rate)}}
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        requests = [c for c in http_calls(ctx) if c.fun not in HTTP_BUILDERS]
        calls = [*repo_calls(ctx), *requests, *sleep_calls(ctx)]
        for call in sorted(calls, key=lambda c: c.node.start_byte):
            fn = ctx.function_at(call.node.start_byte)
            if fn is None or fn.module is None or ctx.is_genserver(fn.module) is None:
                continue
            if elsewhere(call.node, fn.node) or ctx.in_quote(call.node.start_byte):
                continue  # runs in another process, or later
            inits = callbacks_reaching(ctx, fn, ("init",), GENSERVER_ARITY)
            if not inits:
                continue
            where = "init/1" if fn.name == "init" else f"{fn.name}/{fn.arity} (called from init/1)"
            if not _starts_a_server(ctx, fn.module):
                yield self.finding_on_line(
                    ctx,
                    call.node,
                    f"{call.module}.{call.fun} in {where} blocks the supervisor, but init/1 "
                    "never returns {:ok, state}: the work is the start itself",
                    confidence=Confidence.LOW,
                )
                continue
            if _decides_start(ctx, fn, call.node, inits):
                yield self.finding_on_line(
                    ctx,
                    call.node,
                    f"{call.module}.{call.fun} in {where} blocks the supervisor, but init/1 "
                    "stops when it fails: the caller of start_link is meant to wait for it",
                    confidence=Confidence.LOW,
                )
                continue
            light = _light_query(ctx, call)
            if light:
                yield self.finding_on_line(
                    ctx,
                    call.node,
                    f"{call.module}.{call.fun} in {where} {light} before the server starts: "
                    "one query to the Repo, which is already up, for the state the server "
                    "needs to serve",
                    confidence=Confidence.LOW,
                )
                continue
            yield self.finding_on_line(
                ctx,
                call.node,
                f"{call.module}.{call.fun} in {where} blocks the supervisor; "
                "move it to handle_continue/2",
            )


def _light_query(ctx: FileContext, call: RemoteCall) -> str:
    """What a database call in init/1 reads when it is one short query ("reads one row",
    "runs one filtered query"), or "" when it is heavy: a whole table (``Repo.all(Rate)``),
    raw SQL, or one query per element of a loop."""
    if not (call.module == "Repo" or call.module.endswith(".Repo")):
        return ""
    if ctx.loop_around(call.node) is not None:
        return ""
    if call.fun in ONE_ROW:
        return "reads one row"
    args = effective_arguments(call.node)
    if call.fun in ("all", "stream") and args and args[0].type != "alias":
        return "runs one filtered query"
    return ""


def _starts_a_server(ctx: FileContext, module: ModuleDef) -> bool:
    """Whether init/1 leaves a server running: it builds an ``{:ok, ...}`` tuple (itself, or
    a local function whose result it returns), or returns something else than
    ``:ignore``/``{:stop, ...}``. An init/1 returning only those is a one-shot job run at
    start-up, blocking on purpose."""
    inits = module.clauses("init", 1)
    graph = call_graph(ctx, module)
    pending, seen = list(inits), set()
    while pending:
        fn = pending.pop()
        if fn in seen or fn.body is None:
            continue
        seen.add(fn)
        for node in walk(fn.body):
            if (
                node.type == "tuple"
                and text(node.named_child(0)) == ":ok"
                and not _in_pattern(node, fn.node)
            ):
                return True
        last = statements(fn.body)[-1] if statements(fn.body) else None
        if last is not None and last.type == "call" and "." not in (call_target(last) or "."):
            pending.extend(graph.clauses(call_target(last) or "", call_arity(last)))
    return not any(":ignore" in text(c.node) or ":stop" in text(c.node) for c in inits)


def _decides_start(ctx: FileContext, fn: FunctionDef, call: Node, inits: list[FunctionDef]) -> bool:
    """The slow work decides whether the server starts: every place where init/1 runs it (the
    call itself, or the local call leading to it) is the subject of a ``case`` or a ``with``
    clause that returns ``{:stop, reason}`` or ``:ignore``. Moved to handle_continue/2, a
    failure would no longer reach the caller of start_link: the synchronous start is
    deliberate."""
    module = fn.module
    if module is None:
        return False
    graph = call_graph(ctx, module)
    reaching = graph.backward([fn])
    entries = [call] if fn in inits else []
    for callee in reaching:
        entries.extend(ref for caller, ref in graph.sites.get(callee, []) if caller in inits)
    return bool(entries) and all(_branch_on(entry, inits) for entry in entries)


def _branch_on(entry: Node, inits: list[FunctionDef]) -> bool:
    """``entry`` is the subject of a ``case`` or on the right of a ``with`` clause's ``<-``,
    and that ``case``/``with`` can stop the start."""
    child, node = entry, entry.parent
    in_clause = False
    while node is not None and not any(node == init.node for init in inits):
        kind = call_target(node) if node.type == "call" else None
        if node.type == "binary_operator" and text(node.child_by_field_name("operator")) == "<-":
            in_clause = in_clause or node.child_by_field_name("right") == child
        elif kind == "with":
            return in_clause and _stops(node)
        elif node.type == "arguments" and node.parent is not None:
            owner = node.parent
            if call_target(owner) == "case" and node.named_child(0) == child:
                return _stops(owner)
        child, node = node, node.parent
    return False


def _stops(node: Node) -> bool:
    return any(
        (n.type == "tuple" and text(n.named_child(0)) == ":stop")
        or (n.type == "atom" and text(n) == ":ignore")
        for n in walk(node)
    )


def _in_pattern(node: Node, stop: Node) -> bool:
    """``node`` is matched against, not built: in a clause head (``{:ok, n} ->``) or on the
    left of ``=`` or ``<-``."""
    child, current = node, node.parent
    while current is not None and current != stop:
        if current.type == "stab_clause" and current.child_by_field_name("left") == child:
            return True
        if (
            current.type == "binary_operator"
            and text(current.child_by_field_name("operator")) in ("=", "<-")
            and current.child_by_field_name("left") == child
        ):
            return True
        child, current = current, current.parent
    return False
