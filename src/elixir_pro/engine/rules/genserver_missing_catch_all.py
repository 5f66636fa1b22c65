"""Rule ``genserver-missing-catch-all``: handle_info clauses with no catch-all clause in a
GenServer, a LiveView or a Channel, rated by where its messages come from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    ModuleDef,
    arguments,
    effective_arguments,
    text,
)
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._messages import (
    ANY,
    EXIT,
    PG_EVENTS,
    PORT_DATA,
    SENDS,
    TASK_REPLY,
    atom,
    down_of,
    handled,
    handler_bodies,
    sent_to_self,
    shape_of,
    tup,
)
from elixir_pro.engine.rules._otp import (
    CallGraph,
    call_graph,
    process_code,
    process_kind,
    runs_in_process,
    traps_exits,
)

MONITORS = frozenset({"Process.monitor", ":erlang.monitor", "Port.monitor"})
TASKS = frozenset({"Task.async", "Task.Supervisor.async", "Task.Supervisor.async_nolink"})
PORTS = frozenset({"Port.open", ":erlang.open_port"})
AWAITS = frozenset({"Task.await", "Task.await_many", "Task.yield", "Task.yield_many"})
#: Linked processes that end on their own: with exits trapped, their ``{:EXIT, pid, :normal}``
#: certainly arrives.
ENDING_LINKS = frozenset(
    {"spawn_link", "Kernel.spawn_link", ":proc_lib.spawn_link", "Task.start_link"}
    | {"Task.async", "Task.Supervisor.async"}
    | PORTS
)
HIGH, MEDIUM, LOW = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW


@dataclass(frozen=True, slots=True)
class Source:
    """A message source the clauses do not cover: what it is, and how sure its messages are
    to arrive unmatched."""

    description: str
    confidence: Confidence


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
        "the process. The rule reads where the process's messages come from (in its own "
        "callbacks and the helpers they call) and compares what each source sends with the "
        "clauses. High: a source that certainly delivers a message no clause matches: a "
        "monitor with no `{:DOWN, ...}` clause, a port with no `{port, {:data, _}}` clause, "
        "`Task.async` replies neither awaited nor handled, node or :pg membership monitoring, "
        "a timer or a send to self() of a message no clause matches, and exits trapped while "
        "linked to tasks or ports that end on their own (`{:EXIT, pid, :normal}`). Medium: a "
        "telemetry handler of the module that sends unmatched messages to the process, and "
        "exits trapped with links to servers or to other processes. Low: PubSub, endpoint and "
        "context subscriptions, :pg groups and telemetry handlers defined elsewhere (their "
        "publishers are not visible from here, and typically send only the handled "
        "messages), a task started by a LiveView callback that then navigates away (the "
        "LiveView ends before the reply comes), and a GenServer whose messages all match "
        "today. LiveViews and Channels "
        "are reported only when they have a message source. handle_call/handle_cast are "
        "checked when the client API forwards caller-supplied terms as requests, at low "
        "confidence: which requests callers send is not visible from the server's file, and "
        "crashing the caller on a request the server does not know is the usual OTP answer."
    )
    impact = (
        "One unexpected message crashes the process and loses its state; under a supervisor "
        "it restarts, but every in-flight request fails and repeated crashes take the "
        "supervisor down. A LiveView crash reloads the page for the user."
    )
    recommendation = (
        "Add the clause for the message the source sends (`{:DOWN, ...}`, `{:EXIT, ...}`, the "
        "task's `{ref, result}`), and end the clauses with `def handle_info(msg, state)` that "
        "logs the message and returns `{:noreply, state}`."
    )
    scope_reason = (
        "Test processes receive exactly the messages the test sends; a crash there fails the "
        "test, which is the point."
    )
    dirty_example = """\
use GenServer

@impl true
def handle_cast({:watch, pid}, state) do
  Process.monitor(pid)
  {:noreply, state}
end

@impl true
def handle_info(:report, state) do
  {:noreply, state}
end
"""
    clean_example = """\
use GenServer

@impl true
def handle_cast({:watch, pid}, state) do
  Process.monitor(pid)
  {:noreply, state}
end

@impl true
def handle_info(:report, state) do
  {:noreply, state}
end

def handle_info({:DOWN, _ref, :process, _pid, _reason}, state) do
  {:noreply, state}
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
            forwarded = _forwarded_requests(ctx, module) if kind == "genserver" else set()
            for name, arity in (("handle_call", 3), ("handle_cast", 2)):
                clauses = module.clauses(name, arity)
                if name.removeprefix("handle_") not in forwarded or not clauses:
                    continue
                if not any(_is_catch_all(c) for c in clauses):
                    yield self.finding_on_line(
                        ctx,
                        clauses[0].node,
                        f"{name}/{arity} has no catch-all clause and the client API forwards "
                        "caller-supplied requests: an unexpected one crashes the server",
                        confidence=LOW,
                    )
            clauses = module.clauses("handle_info", 2)
            if not clauses or any(_is_catch_all(c) for c in clauses):
                continue
            sources = _uncovered_sources(ctx, module, kind, clauses)
            if not sources and kind != "genserver":
                continue
            what = "the process" if kind != "genserver" else "the server"
            if sources:
                top = sources[0]
                message = (
                    f"handle_info/2 has no catch-all clause, and {top.description}: a message "
                    f"no clause matches crashes {what}"
                )
                confidence = top.confidence
            else:
                message = (
                    "handle_info/2 has no catch-all clause: an unexpected message crashes "
                    "the server (its own messages all match today)"
                )
                confidence = LOW
            yield self.finding_on_line(ctx, clauses[0].node, message, confidence=confidence)


def _is_catch_all(clause: FunctionDef) -> bool:
    return clause.guard is None and bool(clause.params) and clause.params[0].type == "identifier"


def _line(node: Node) -> int:
    return node.start_point[0] + 1


def _uncovered_sources(
    ctx: FileContext, module: ModuleDef, kind: str, clauses: list[FunctionDef]
) -> list[Source]:
    """The message sources of the process (in its own code) whose messages its handle_info
    clauses may not match, surest first."""
    callbacks = process_code(ctx, module, kind)
    code = set(callbacks)
    if kind != "genserver":  # a LiveView's or Channel's helpers all run in its process
        code |= {f for f in module.functions if f.kind in ("def", "defp")}
    graph = call_graph(ctx, module)
    found: list[Source] = []
    links: list[tuple[str, Node]] = []
    for fn in sorted(code, key=lambda f: f.start_byte):
        for node in walk(fn.node):
            if node.type != "call" or node.start_byte < fn.head_end:
                continue
            if not runs_in_process(ctx, code, node):
                continue
            target = call_target(node) or ""
            if _links(target) and fn in callbacks:
                links.append((target, node))
            source = _source(ctx, graph, fn, node, target, clauses)
            # a sure source must run from the callbacks: a helper nothing calls (one handed
            # to a component in a template) may never run
            if source is not None and (source.confidence == LOW or fn in callbacks):
                found.append(source)
    if links and not handled(clauses, EXIT) and traps_exits(ctx, code):
        ending = [(t, n) for t, n in links if t in ENDING_LINKS]
        target, node = (ending or links)[0]
        found.append(
            Source(
                f"it traps exits and links to {target} (line {_line(node)}) but handles no "
                "{:EXIT, pid, reason} message",
                HIGH if ending else MEDIUM,
            )
        )
    found.sort(key=lambda s: -s.confidence.rank)
    return found


def _links(target: str) -> bool:
    """A call that links the process to another one."""
    return (
        target in ENDING_LINKS
        or target in ("Process.link", "Agent.start_link", ":proc_lib.start_link")
        or ("." in target and target.rsplit(".", 1)[1] == "start_link")
    )


def _source(
    ctx: FileContext,
    graph: CallGraph,
    fn: FunctionDef,
    node: Node,
    target: str,
    clauses: list[FunctionDef],
) -> Source | None:
    line = _line(node)
    if target.endswith(".subscribe"):
        return Source(f"it subscribes with {target} (line {line})", LOW)
    if target == ":pg.join":
        return Source(f"it joins a process group with :pg.join (line {line})", LOW)
    if target in (":telemetry.attach", ":telemetry.attach_many"):
        return _telemetry(ctx, fn.module, node, target, clauses)
    if target in MONITORS:
        if handled(clauses, down_of(node)) or _consumed_here(ctx, graph, fn, demonitor=True):
            return None
        return Source(f"it monitors with {target} (line {line}) but handles no :DOWN", HIGH)
    if target == ":net_kernel.monitor_nodes":
        return _node_monitor(node, clauses)
    if target in (":pg.monitor", ":pg.monitor_scope"):
        if any(handled(clauses, shape) for shape in PG_EVENTS):
            return None
        return Source(f"it monitors :pg membership ({target}, line {line})", HIGH)
    if target in PORTS:
        if handled(clauses, PORT_DATA) or _consumed_here(ctx, graph, fn):
            return None
        return Source(f"it opens a port (line {line}) whose output arrives as messages", HIGH)
    if target in TASKS:
        if handled(clauses, TASK_REPLY) or _awaited(ctx, graph, fn):
            return None
        if _navigates_away(fn, node):
            return Source(
                f"it starts {target} (line {line}) without awaiting it, but the callback then "
                "navigates away: the LiveView ends before the task's reply arrives",
                LOW,
            )
        return Source(
            f"it starts {target} (line {line}) without awaiting it: the task's reply arrives "
            "as a message",
            HIGH,
        )
    sent = sent_to_self(node, target)
    if sent is not None and sent.kind in ("atom", "tuple") and not handled(clauses, sent):
        return Source(f"it sends itself {sent} (line {line}), which no clause matches", HIGH)
    return None


#: LiveView calls after which the process stops: the client loads another page.
_NAVIGATIONS = frozenset({"redirect", "push_navigate", "push_redirect"})


def _navigates_away(fn: FunctionDef, node: Node) -> bool:
    """The clause redirects after ``node`` (``{:noreply, redirect(socket, to: ...)}``): a
    LiveView ends when it navigates to another page, so a reply meant for later never
    reaches it."""
    return any(
        n.type == "call"
        and n.start_byte > node.end_byte
        and (call_target(n) or "").rsplit(".", 1)[-1] in _NAVIGATIONS
        for n in walk(fn.node)
    )


def _node_monitor(call: Node, clauses: list[FunctionDef]) -> Source | None:
    args = effective_arguments(call)
    if args and text(args[0]) == "false":
        return None  # unsubscribes
    extra = (ANY,) if len(args) >= 2 else ()
    shapes = [tup(atom(a), ANY, *extra) for a in (":nodeup", ":nodedown")]
    if all(handled(clauses, shape) for shape in shapes):
        return None
    return Source(f"it monitors nodes (line {_line(call)}): :nodeup/:nodedown messages", HIGH)


def _reach(graph: CallGraph, fn: FunctionDef) -> set[FunctionDef]:
    """``fn``, the local functions it calls and those that call it, in its process."""
    return graph.forward([fn]) | graph.backward([fn])


def _consumed_here(
    ctx: FileContext, graph: CallGraph, fn: FunctionDef, *, demonitor: bool = False
) -> bool:
    """The messages are taken where they are asked for: a ``receive`` (or, for a monitor, a
    ``Process.demonitor``) in the same function or the functions around it."""
    for clause in _reach(graph, fn):
        for node in walk(clause.node):
            if node.type != "call":
                continue
            target = call_target(node)
            if target == "receive" and not ctx.is_signature(node):
                return True
            if demonitor and target in ("Process.demonitor", ":erlang.demonitor"):
                return True
    return False


def _awaited(ctx: FileContext, graph: CallGraph, fn: FunctionDef) -> bool:
    return any(
        n.type == "call" and call_target(n) in AWAITS
        for clause in _reach(graph, fn)
        for n in walk(clause.node)
    )


def _telemetry(
    ctx: FileContext,
    module: ModuleDef | None,
    call: Node,
    target: str,
    clauses: list[FunctionDef],
) -> Source | None:
    """A telemetry handler is a message source only when it sends: one of the module's own
    (or an anonymous function) is read; one defined elsewhere may or may not send."""
    args = arguments(call)
    handler = args[2] if len(args) >= 3 else None
    bodies = handler_bodies(handler, module) if handler is not None else None
    line = _line(call)
    if bodies is None:
        return Source(f"it attaches a telemetry handler defined elsewhere (line {line})", LOW)
    for body in bodies:
        for node in walk(body):
            if node.type != "call" or call_target(node) not in SENDS:
                continue
            sent = effective_arguments(node)
            shape = shape_of(sent[1]) if len(sent) >= 2 else ANY
            if not handled(clauses, shape):
                return Source(
                    f"its telemetry handler ({target}, line {line}) sends {shape} messages",
                    MEDIUM,
                )
    return None


def _forwarded_requests(ctx: FileContext, module: ModuleDef) -> set[str]:
    """``call``/``cast`` when the module's client API passes a caller-supplied term straight
    to GenServer.call/cast: a public function's parameter, directly or through private
    helpers that pass it along (a helper only fed fixed requests forwards nothing)."""
    graph = call_graph(ctx, module)
    out: set[str] = set()
    for fun in ("call", "cast"):
        for call in ctx.remote(fun, module="GenServer"):
            args = effective_arguments(call.node)
            if len(args) < 2 or args[1].type != "identifier":
                continue
            fn = ctx.function_at(call.node.start_byte)
            if fn is not None and fn.module is module and _supplied(graph, fn, text(args[1])):
                out.add(fun)
    return out


def _supplied(graph: CallGraph, fn: FunctionDef, name: str, depth: int = 3) -> bool:
    """The parameter ``name`` of ``fn`` takes what a caller outside the module passes."""
    index = next(
        (i for i, p in enumerate(fn.params) if p.type == "identifier" and text(p) == name), None
    )
    if index is None:
        return False
    if fn.kind == "def":
        return True
    if depth == 0:
        return False
    for caller, ref in graph.sites.get(fn, []):
        if ref.type != "call":
            return True  # captured: called with anything
        passed = effective_arguments(ref)
        arg = passed[index] if index < len(passed) else None
        if (
            arg is not None
            and arg.type == "identifier"
            and _supplied(graph, caller, text(arg), depth - 1)
        ):
            return True
    return False
