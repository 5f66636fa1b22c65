"""Rule ``genserver-missing-catch-all``: handle_info clauses with no catch-all clause in a
GenServer, a LiveView or a Channel, rated by where its messages come from."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    ModuleDef,
    effective_arguments,
    text,
)
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._otp import process_code, process_kind, runs_in_process

CHECKED = (("handle_info", 2), ("handle_call", 3), ("handle_cast", 2))
MONITORS = frozenset({"Process.monitor", ":erlang.monitor", "Port.monitor"})
TASKS = frozenset({"Task.async", "Task.Supervisor.async", "Task.Supervisor.async_nolink"})
PORTS = frozenset({"Port.open", ":erlang.open_port"})
AWAITS = frozenset({"Task.await", "Task.await_many", "Task.yield", "Task.yield_many"})


@register
class GenServerMissingCatchAll(Rule):
    id = "genserver-missing-catch-all"
    severity = Severity.MEDIUM
    title = "Message handler without a catch-all clause"
    triggers = (b"GenServer", b"LiveView", b"Channel", b":live_view", b":channel")
    requires = (b"def handle_",)
    rationale = (
        "Once a GenServer, a LiveView or a Channel defines handle_info, it replaces the "
        "default one, and a message no clause matches raises FunctionClauseError and crashes "
        "the process. Messages nobody planned for come from subscriptions: a PubSub topic or "
        "an endpoint broadcast carries whatever any publisher sends, telemetry handlers and "
        "node monitors send their own events, monitors send :DOWN, tasks send their replies, "
        "ports their output. Confidence is medium when the process subscribes to such a "
        "source (in its own callbacks) and its clauses do not cover it; low when its only "
        "subscription goes through another module's `subscribe` function (that module "
        "publishes the messages and may send only the handled ones), and for a GenServer "
        "whose messages all come from itself (timers, sends to self) or from processes it "
        "talks to on purpose. LiveViews and Channels are reported only when they subscribe. "
        "handle_call/handle_cast are checked when the client API forwards caller-supplied "
        "terms as requests."
    )
    impact = (
        "One unexpected message crashes the process and loses its state; under a supervisor "
        "it restarts, but every in-flight request fails and repeated crashes take the "
        "supervisor down. A LiveView crash reloads the page for the user."
    )
    recommendation = (
        "End the clauses with `def handle_info(msg, state)` that logs the message and "
        "returns `{:noreply, state}`."
    )
    scope_reason = (
        "Test processes receive exactly the messages the test sends; a crash there fails the "
        "test, which is the point."
    )
    dirty_example = """\
use GenServer

@impl true
def init(topic) do
  Phoenix.PubSub.subscribe(MyApp.PubSub, topic)
  {:ok, %{}}
end

@impl true
def handle_info({:price_changed, price}, state) do
  {:noreply, Map.put(state, :price, price)}
end
"""
    clean_example = """\
use GenServer

@impl true
def init(topic) do
  Phoenix.PubSub.subscribe(MyApp.PubSub, topic)
  {:ok, %{}}
end

@impl true
def handle_info({:price_changed, price}, state) do
  {:noreply, Map.put(state, :price, price)}
end

def handle_info(msg, state) do
  Logger.warning("unexpected message: #{inspect(msg)}")
  {:noreply, state}
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for module in ctx.modules:
            kind = process_kind(ctx, module)
            if kind is None:
                continue
            arbitrary = kind == "genserver" and _forwards_arbitrary_requests(ctx, module)
            for name, arity in CHECKED:
                if name != "handle_info" and not arbitrary:
                    continue
                clauses = module.clauses(name, arity)
                if not clauses or any(_is_catch_all(c) for c in clauses):
                    continue
                if name != "handle_info":
                    yield self.finding_on_line(
                        ctx,
                        clauses[0].node,
                        f"{name}/{arity} has no catch-all clause and the client API forwards "
                        "caller-supplied requests: an unexpected one crashes the server",
                    )
                    continue
                sources = _uncovered_sources(ctx, module, kind, clauses)
                if not sources and kind != "genserver":
                    continue
                what = "the process" if kind != "genserver" else "the server"
                sure = any(strong for _, strong in sources)
                if sources:
                    message = (
                        f"handle_info/2 has no catch-all clause, and {sources[0][0]}: a "
                        f"message no clause matches crashes {what}"
                    )
                else:
                    message = (
                        "handle_info/2 has no catch-all clause: an unexpected message crashes "
                        "the server (its own messages all match today)"
                    )
                yield self.finding_on_line(
                    ctx,
                    clauses[0].node,
                    message,
                    confidence=Confidence.MEDIUM if sure else Confidence.LOW,
                )


def _is_catch_all(clause: FunctionDef) -> bool:
    return clause.guard is None and bool(clause.params) and clause.params[0].type == "identifier"


def _first_atoms(clauses: list[FunctionDef]) -> set[str]:
    """The leading atoms of the tuple patterns the clauses match (``:DOWN``, ``:EXIT``...)."""
    out: set[str] = set()
    for clause in clauses:
        params = clause.params
        pattern = params[0] if params else None
        if pattern is not None and pattern.type == "binary_operator":
            pattern = pattern.child_by_field_name("left") or pattern
        if pattern is not None and pattern.type == "tuple" and pattern.named_child_count:
            first = pattern.named_child(0)
            out.add(text(first) if first is not None and first.type == "atom" else "_")
    return out


def _two_tuples_with_variable_head(clauses: list[FunctionDef]) -> bool:
    """A clause matching ``{ref, result}``/``{port, data}``: replies of tasks, port output."""
    for clause in clauses:
        params = clause.params
        pattern = params[0] if params else None
        if pattern is not None and pattern.type == "tuple" and pattern.named_child_count == 2:
            first = pattern.named_child(0)
            if first is not None and first.type in ("identifier", "unary_operator"):
                return True
    return False


def _uncovered_sources(
    ctx: FileContext, module: ModuleDef, kind: str, clauses: list[FunctionDef]
) -> list[tuple[str, bool]]:
    """The message sources the process subscribes to in its own code that its handle_info
    clauses do not cover, described for the message, strongest first: (description, strong).
    A subscription through another module's own ``subscribe`` function is weak: that module
    publishes the messages and may well send only the ones handled here."""
    code = process_code(ctx, module, kind)
    if kind != "genserver":  # a LiveView's or Channel's helpers all run in its process
        code |= {f for f in module.functions if f.kind in ("def", "defp")}
    atoms = _first_atoms(clauses)
    found: list[tuple[str, bool]] = []
    for fn in sorted(code, key=lambda f: f.start_byte):
        for node in walk(fn.node):
            if node.type != "call" or not runs_in_process(ctx, code, node):
                continue
            target = call_target(node) or ""
            label = _source(ctx, node, target, atoms, clauses)
            if label:
                found.append((label, not _wrapped_subscription(target)))
    found.sort(key=lambda item: not item[1])
    return found


def _wrapped_subscription(target: str) -> bool:
    """``Accounts.subscribe()``: a module's own subscribe function, not a PubSub or an
    endpoint (``Phoenix.PubSub.subscribe``, ``MyAppWeb.Endpoint.subscribe``)."""
    if not target.endswith(".subscribe"):
        return False
    module = target.rsplit(".", 1)[0].rsplit(".", 1)[-1]
    return module not in ("PubSub", "Endpoint")


def _source(
    ctx: FileContext, node: Node, target: str, atoms: set[str], clauses: list[FunctionDef]
) -> str:
    if target.endswith(".subscribe"):
        return f"it subscribes with {target} (line {node.start_point[0] + 1})"
    if target in (":telemetry.attach", ":telemetry.attach_many", ":pg.join"):
        return f"it registers with {target} (line {node.start_point[0] + 1})"
    if target == ":net_kernel.monitor_nodes" and not {":nodeup", ":nodedown"} <= atoms:
        return "it monitors nodes (:nodeup/:nodedown messages)"
    if target in MONITORS and ":DOWN" not in atoms and "_" not in atoms:
        return f"it monitors with {target} but handles no :DOWN message"
    if target in PORTS and not _two_tuples_with_variable_head(clauses):
        return "it opens a port, whose output arrives as messages"
    if target in TASKS and not _awaited(ctx, node) and not _two_tuples_with_variable_head(clauses):
        return f"it starts {target} tasks without awaiting them: their replies arrive as messages"
    return ""


def _awaited(ctx: FileContext, task: Node) -> bool:
    fn = ctx.function_at(task.start_byte)
    return fn is not None and any(
        n.type == "call" and call_target(n) in AWAITS for n in walk(fn.node)
    )


def _forwards_arbitrary_requests(ctx: FileContext, module: ModuleDef) -> bool:
    """The module's client API passes a caller-supplied term straight to call/cast."""
    for fun in ("call", "cast"):
        for call in ctx.remote(fun, module="GenServer"):
            args = effective_arguments(call.node)
            if len(args) < 2 or args[1].type != "identifier":
                continue
            fn = ctx.function_at(call.node.start_byte)
            if fn is None or fn.module is not module:
                continue
            if any(p.type == "identifier" and p.text == args[1].text for p in fn.params):
                return True
    return False
