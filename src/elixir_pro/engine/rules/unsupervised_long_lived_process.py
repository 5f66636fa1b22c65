"""Rule ``unsupervised-long-lived-process``: long-lived processes started outside supervision."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    contains,
    effective_arguments,
    keyword_value,
    text,
)
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.locate import has_word
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register

SERVER_STARTS = (("GenServer", "start"), ("Agent", "start"), (":gen_server", "start"))
FUN_STARTS = (("Task", "start"), ("Process", "spawn"))


@register
class UnsupervisedLongLivedProcess(Rule):
    id = "unsupervised-long-lived-process"
    severity = Severity.HIGH
    title = "Long-lived process started outside a supervisor"
    triggers = (b"start", b"spawn")

    def applies(self, ctx: FileContext) -> bool:
        if ctx.is_test:
            return False
        source = ctx.source
        return (
            has_word(source, b"spawn")
            or any(has_word(source, start) for start in (b"GenServer.start", b"Agent.start"))
            or has_word(source, b"Task.start")
            or has_word(source, b":gen_server.start")
        )

    rationale = (
        "GenServer.start, Agent.start, Task.start and spawn create processes that no "
        "supervisor knows about and that are not linked to their caller. When such a "
        "long-lived (often named) process crashes, nothing restarts it; when the "
        "application stops, nothing stops it. A `start` function defined next to "
        "`start_link` in the same module is the standard API pair (the caller picks the "
        "linked or the unlinked form) and is not reported. Confidence is medium for a named "
        "(registered) process or one running a receive loop; low for an unnamed "
        "GenServer/Agent, whose lifetime the calling code may well manage (it monitors or "
        "stops it)."
    )
    scope_reason = (
        "Tests and scripts start throwaway processes on purpose; only application code needs "
        "its long-lived processes supervised."
    )
    impact = (
        "A crash silently removes a service the rest of the system expects to exist: calls "
        "to its name fail with :noproc until the node restarts."
    )
    recommendation = (
        "Start it as a child of the application's supervision tree (`{MyServer, opts}` in "
        "the children list), or under a DynamicSupervisor for processes created at runtime."
    )
    dirty_example = """\
def boot do
  {:ok, _pid} = GenServer.start(RateLimiter, [], name: RateLimiter)
end
"""
    clean_example = """\
children = [
  {RateLimiter, name: RateLimiter}
]

Supervisor.start_link(children, strategy: :one_for_one)
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        if ctx.is_test:
            return
        for module, fun in SERVER_STARTS:
            for call in ctx.remote(fun, module=module):
                fn = ctx.function_at(call.node.start_byte)
                if fn is None or ctx.in_quote(call.node.start_byte) or _api_pair(fn):
                    continue
                named = _named(call.node) or _registered_after(fn, call.node)
                what = f"{module}.{fun} starts an unlinked, unsupervised process"
                if named and _started_on_use(call.node):
                    message = (
                        f"{what} under a name, started on first use by {fn.name}/{fn.arity}: "
                        "a crash loses its state and fails the calls in flight until the next "
                        "use starts it again, and the application cannot stop it in order"
                    )
                elif named:
                    message = f"{what} under a name: nothing restarts it when it crashes"
                elif _wrapper(fn):
                    message = f"{what}; whether it is supervised is up to the callers of {fn.name}"
                else:
                    message = f"{what}: nothing restarts it when it crashes"
                yield self.finding_on_line(
                    ctx,
                    call.node,
                    message,
                    confidence=Confidence.MEDIUM if named else Confidence.LOW,
                )
        candidates = [c.node for m, f in FUN_STARTS for c in ctx.remote(f, module=m)]
        candidates.extend(c for c in ctx.calls("spawn") if not ctx.is_signature(c))
        for node in sorted(candidates, key=lambda n: n.start_byte):
            fn = ctx.function_at(node.start_byte)
            if fn is None or ctx.loop_around(node) is not None or ctx.in_quote(node.start_byte):
                continue
            if _api_pair(fn):
                continue
            reason = _long_lived(ctx, fn, node)
            if reason:
                yield self.finding_on_line(
                    ctx, node, f"{call_target(node)} starts a {reason} outside any supervisor"
                )


def _wrapper(fn: FunctionDef) -> bool:
    """``def start(...)``: the module's own start function, the unlinked twin of start_link."""
    return fn.kind == "def" and fn.name == "start"


def _api_pair(fn: FunctionDef) -> bool:
    """``start`` next to ``start_link`` in the same module: the standard API pair (like
    GenServer's own), where the caller picks the linked or the unlinked form."""
    module = fn.module
    return (
        _wrapper(fn)
        and module is not None
        and any(f.name == "start_link" and f.kind == "def" for f in module.functions)
    )


def _started_on_use(call: Node) -> bool:
    """``case Agent.start(..., name: X) do ... {:error, {:already_started, pid}} -> ...``: a
    get-or-start, run by the process's users whenever they need it."""
    node = call.parent
    while node is not None and node.type in ("arguments", "binary_operator"):
        node = node.parent
    return (
        node is not None
        and node.type == "call"
        and call_target(node) == "case"
        and ":already_started" in text(node)
    )


def _named(call: Node) -> bool:
    """A ``name:`` option among the call's arguments (a registered, long-lived process)."""
    for arg in effective_arguments(call)[1:]:
        if arg.type in ("keywords", "list") and keyword_value(arg, "name") is not None:
            return True
    return False


def _long_lived(ctx: FileContext, fn: FunctionDef, spawn: Node) -> str:
    if _registered_after(fn, spawn):
        return "named process"
    args = effective_arguments(spawn)
    if not args:
        return ""
    module_fns = ctx.module_functions(fn)
    loops = {name for name, clauses in module_fns.items() if _is_receive_loop(ctx, clauses)}
    first = args[0]
    if first.type in ("anonymous_function", "unary_operator"):
        if any(contains(first, call) for name in loops for call in ctx.calls(name)):
            return "long-lived process (a receive loop)"
    elif len(args) >= 3 and args[1].type == "atom" and text(args[1]).lstrip(":") in loops:
        return "long-lived process (a receive loop)"
    return ""


def _registered_after(fn: FunctionDef, spawn: Node) -> bool:
    for node in walk(fn.node):
        if node.start_byte > spawn.start_byte and call_target(node) == "Process.register":
            return True
    return False


def _is_receive_loop(ctx: FileContext, clauses: list[FunctionDef]) -> bool:
    for clause in clauses:
        has_receive = any(
            contains(clause.node, r) and not ctx.is_signature(r) for r in ctx.calls("receive")
        )
        if has_receive and ctx.is_recursive(clause):
            return True
    return False
