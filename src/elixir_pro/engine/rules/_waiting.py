"""Who waits on a GenServer's blocking work, for ``blocking-call-in-callback``: the server's
role decides whether a sleep, a request or a query in a callback stalls anybody.

- a pool worker (``start_link/1`` without a name) serves the one caller that checked it out;
- a server without a client API (no ``handle_call``/``handle_cast``, no call or cast in the
  module) schedules its own work: nobody waits on it;
- a server nobody calls (no ``handle_call``, no ``GenServer.call`` in the module: casts and
  its own messages only) keeps no caller waiting;
- a ``handle_continue`` that only ``init/1`` (or itself) asks for is the server's startup:
  messages wait for the setup to end anyway;
- a sleep between the attempts of a capped retry stalls the server for a bounded time;
- a ``handle_call`` that replies a plain atom after running the work the server also runs on
  its own schedule (``handle_info``) is a refresh the caller asks to wait for.
"""

from __future__ import annotations

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    ModuleDef,
    arguments,
    effective_arguments,
    keyword_value,
    statements,
    text,
)
from elixir_pro.engine.parse import walk
from elixir_pro.engine.rules._otp import call_graph

_ARITHMETIC = frozenset({"+", "-", "*"})
_COMPARISONS = frozenset({"<", ">", "<=", ">=", "==", "!=", "===", "!=="})


def unnamed_worker(ctx: FileContext, module: ModuleDef) -> bool:
    """The server is started as a worker of a pool: ``start_link/1`` starts it without a name
    (``GenServer.start_link(__MODULE__, args)``, the signature poolboy calls), so no caller
    shares it with others; the one holding it waits for its own work, which is the worker's
    purpose. A name anywhere (``name: __MODULE__``, options passed through) keeps it shared."""
    if not module.clauses("start_link", 1):
        return False
    starts = [
        c.node
        for fun in ("start_link", "start")
        for c in ctx.remote(fun, module="GenServer")
        if ctx.module_at(c.node.start_byte) is module
    ]
    return bool(starts) and all(_no_name(start) for start in starts)


def _no_name(start: Node) -> bool:
    """``GenServer.start_link(__MODULE__, args)`` or with options that set no ``name``."""
    args = arguments(start)
    if len(args) < 3:
        return True
    options = args[2]
    return options.type in ("list", "keywords") and keyword_value(options, "name") is None


def no_client_api(ctx: FileContext, module: ModuleDef) -> bool:
    """No ``handle_call``/``handle_cast`` clause and no call or cast in the module: the server
    takes only its own messages (timers, tasks, subscriptions)."""
    if module.clauses("handle_call", 3) or module.clauses("handle_cast", 2):
        return False
    for mod in ("GenServer", ":gen_server"):
        for fun in ("call", "cast"):
            if any(ctx.module_at(c.node.start_byte) is module for c in ctx.remote(fun, module=mod)):
                return False
    return True


def no_callers(ctx: FileContext, module: ModuleDef) -> bool:
    """No ``handle_call`` clause and no ``GenServer.call`` in the module: the server is a
    worker triggered by casts (fire and forget), its own timers or messages; nobody waits
    for its answer."""
    if module.clauses("handle_call", 3):
        return False
    return not any(
        ctx.module_at(c.node.start_byte) is module
        for mod in ("GenServer", ":gen_server")
        for c in ctx.remote("call", module=mod)
    )


def startup_continue(module: ModuleDef, callbacks: list[FunctionDef]) -> bool:
    """Only ``handle_continue/2`` reaches the work, and only ``init/1`` and ``handle_continue/2``
    itself return ``{:continue, ...}``: the continuation is the server's startup, run before
    any message; calls that arrive meanwhile wait for the setup to end either way."""
    if not callbacks or any(c.name != "handle_continue" for c in callbacks):
        return False
    for fn in module.functions:
        if fn.name in ("init", "handle_continue"):
            continue
        if any(n.type == "tuple" and text(n.named_child(0)) == ":continue" for n in walk(fn.node)):
            return False
    return True


def capped_retry(ctx: FileContext, fn: FunctionDef) -> bool:
    """``fn`` is a retry loop with a cap: it calls itself with a counter or a delay changed by
    arithmetic (``attempt + 1``, ``timeout * 2``), and compares that parameter somewhere in
    its clauses (``when attempt >= @max``, ``_ when timeout >= 512``). The stall it causes
    is bounded."""
    module = fn.module
    if module is None or not call_graph(ctx, module).recursive(fn):
        return False
    clauses = [f for f in module.functions if f.name == fn.name and f.arity == fn.arity]
    names = {text(p.child_by_field_name("left") or p) for p in fn.params}
    counters: set[str] = set()
    for clause in clauses:
        for call in ctx.calls_in_body(clause, fn.name):
            for arg in effective_arguments(call):
                if (
                    arg.type == "binary_operator"
                    and text(arg.child_by_field_name("operator")) in _ARITHMETIC
                    and text(arg.child_by_field_name("left")) in names
                ):
                    counters.add(text(arg.child_by_field_name("left")))
    if not counters:
        return False
    for clause in clauses:
        for node in walk(clause.node):
            if node.type != "binary_operator":
                continue
            if text(node.child_by_field_name("operator")) not in _COMPARISONS:
                continue
            sides = {text(node.child_by_field_name(side)) for side in ("left", "right")}
            if sides & counters:
                return True
    return False


def scheduled_refresh(ctx: FileContext, module: ModuleDef, fn: FunctionDef) -> str:
    """When every ``handle_call`` clause reaching ``fn`` replies a plain atom (``{:reply, :ok,
    state}``) and ``fn`` also runs from ``handle_info``/``handle_continue`` (the server's own
    schedule): the call asks for that work now and waits for it on purpose. The callback
    that runs it on schedule, else ""."""
    graph = call_graph(ctx, module)
    reaching = graph.backward([fn])
    calls = [c for c in reaching if c.name == "handle_call" and c.kind == "def"]
    scheduled = sorted(
        (c for c in reaching if c.name in ("handle_info", "handle_continue") and c.kind == "def"),
        key=lambda c: c.start_byte,
    )
    if not calls or not scheduled or not all(_replies_atom(c) for c in calls):
        return ""
    return f"{scheduled[0].name}/{scheduled[0].arity}"


def _replies_atom(clause: FunctionDef) -> bool:
    """The clause's last expression is ``{:reply, :atom, state}``: the reply says only that
    the work is done."""
    body = clause.body
    exprs = statements(body) if body is not None and body.type == "do_block" else [body]
    last = exprs[-1] if exprs and exprs[-1] is not None else None
    return (
        last is not None
        and last.type == "tuple"
        and last.named_child_count == 3
        and text(last.named_child(0)) == ":reply"
        and (reply := last.named_child(1)) is not None
        and reply.type == "atom"
    )
