"""What the OTP rules need to know about processes: which code runs in which process, and how
local functions call each other.

- local calls are resolved by name *and arity* (default arguments and ``&name/arity`` captures
  included), so ``init/1`` and a helper ``init/2`` are different functions and a function of
  several clauses is one function;
- a function handed to ``spawn``/``Task.*``/``Agent.*`` runs in another process, linked to its
  starter or not;
- the code a GenServer (or a LiveView, a Channel) runs is its callbacks and the local functions
  they reach; the rest of the module is client API, run by the caller;
- blocking work (HTTP, database, sleeps, waits on other processes) is recognised by its calls.

Used by the rules ``receive-without-after``, ``unsupervised-long-lived-process``,
``genserver-missing-terminate``, ``genserver-call-infinity``, ``genserver-missing-catch-all``,
``blocking-call-in-callback`` and ``slow-init``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    ModuleDef,
    argument_count,
    arguments,
    effective_arguments,
    pipe_subject,
    text,
)
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rules._common import HTTP_MODULES, REPO_FUNS

#: Calls that run a function argument in a new process: True when the new process is linked
#: to the caller (its death ends the caller too, and the other way round).
PROCESS_STARTS: dict[str, bool] = {
    "spawn": False,
    "spawn_link": True,
    "spawn_monitor": False,
    "Process.spawn": False,
    "Kernel.spawn": False,
    "Kernel.spawn_link": True,
    ":proc_lib.spawn": False,
    ":proc_lib.spawn_link": True,
    ":proc_lib.start": False,
    ":proc_lib.start_link": True,
    "Task.async": True,
    "Task.start": False,
    "Task.start_link": True,
    "Task.async_stream": True,
    "Task.Supervisor.async": True,
    "Task.Supervisor.async_nolink": False,
    "Task.Supervisor.async_stream": True,
    "Task.Supervisor.async_stream_nolink": False,
    "Task.Supervisor.start_child": False,
    "Agent.start": False,
    "Agent.start_link": True,
    "Agent.get": False,
    "Agent.update": False,
    "Agent.get_and_update": False,
    "Agent.cast": False,
}
#: Callbacks run by the server process of a GenServer.
SERVER_CALLBACKS = frozenset(
    {
        "init",
        "handle_call",
        "handle_cast",
        "handle_info",
        "handle_continue",
        "terminate",
        "code_change",
        "format_status",
    }
)
#: Callbacks run by the process of a LiveView or a Channel.
VIEW_CALLBACKS = frozenset(
    {"mount", "join", "handle_params", "handle_event", "handle_info", "handle_in", "terminate"}
)


# -- local calls by name and arity -----------------------------------------------------------


def call_arity(ref: Node) -> int | None:
    """The arity a local call or an ``&name/arity`` capture asks for."""
    if ref.type == "call":
        return argument_count(ref) + (1 if pipe_subject(ref) is not None else 0)
    operand = ref.child_by_field_name("operand")
    right = operand.child_by_field_name("right") if operand is not None else None
    if right is not None and right.type == "integer":
        return int(text(right))
    return None


def _has_default(param: Node) -> bool:
    return param.type == "binary_operator" and text(param.child_by_field_name("operator")) == "\\\\"


@dataclass(slots=True)
class CallGraph:
    """Local calls between the clauses of one module. ``callees`` are calls made in the
    clause's own process; ``spawned`` are calls made inside a function handed to another
    process (``Task.start(fn -> work() end)``)."""

    module: ModuleDef
    callees: dict[FunctionDef, list[FunctionDef]] = field(default_factory=dict)
    spawned: dict[FunctionDef, list[FunctionDef]] = field(default_factory=dict)
    callers: dict[FunctionDef, list[tuple[FunctionDef, Node]]] = field(default_factory=dict)
    #: every call site of a clause, in spawned functions too: (calling clause, call)
    sites: dict[FunctionDef, list[tuple[FunctionDef, Node]]] = field(default_factory=dict)
    #: clauses run as the first function of a process started in this module
    started: set[FunctionDef] = field(default_factory=set)

    def clauses(self, name: str, arity: int | None) -> list[FunctionDef]:
        """The clauses a call ``name/arity`` lands on (default arguments resolved)."""
        named = [f for f in self.module.functions if f.name == name]
        if arity is None:
            return named
        exact = [f for f in named if f.arity == arity]
        if exact:
            return exact
        for fn in named:
            params = fn.params
            required = sum(1 for p in params if not _has_default(p))
            if required <= arity < len(params):
                return [f for f in named if f.arity == len(params)]
        return []

    def forward(self, roots: Iterable[FunctionDef]) -> set[FunctionDef]:
        """``roots`` and every clause they reach through local calls in their own process."""
        seen: set[FunctionDef] = set()
        stack = list(roots)
        while stack:
            fn = stack.pop()
            if fn in seen:
                continue
            seen.add(fn)
            stack.extend(self.callees.get(fn, ()))
        return seen

    def backward(self, targets: Iterable[FunctionDef]) -> set[FunctionDef]:
        """``targets`` and every clause that reaches one of them through local calls."""
        seen: set[FunctionDef] = set()
        stack = list(targets)
        while stack:
            fn = stack.pop()
            if fn in seen:
                continue
            seen.add(fn)
            stack.extend(caller for caller, _ in self.callers.get(fn, ()))
        return seen

    def recursive(self, fn: FunctionDef) -> bool:
        """``fn`` calls itself, directly or through other local functions (same process)."""
        same = set(self.clauses(fn.name, fn.arity))
        return bool(same & self.forward(x for c in same for x in self.callees.get(c, ())))


_GRAPHS: WeakKeyDictionary[FileContext, dict[int, CallGraph]] = WeakKeyDictionary()


def call_graph(ctx: FileContext, module: ModuleDef) -> CallGraph:
    """The local call graph of ``module`` (built once per file and module)."""
    per_file = _GRAPHS.setdefault(ctx, {})
    graph = per_file.get(id(module))
    if graph is None or graph.module is not module:
        graph = per_file[id(module)] = _build_graph(ctx, module)
    return graph


def _build_graph(ctx: FileContext, module: ModuleDef) -> CallGraph:
    graph = CallGraph(module)
    for name in {f.name for f in module.functions}:
        for ref in (*ctx.calls(name), *ctx.captures(name)):
            if ref.type == "call" and ctx.is_signature(ref):
                continue
            caller = ctx.function_at(ref.start_byte)
            if caller is None or caller.module is not module:
                continue
            targets = graph.clauses(name, call_arity(ref))
            for target in targets:
                graph.sites.setdefault(target, []).append((caller, ref))
            if deferred(ref, caller.node):
                continue  # runs whenever, and wherever, the closure is called
            spawned = spawned_by(ref, caller.node) is not None
            edges = graph.spawned if spawned else graph.callees
            edges.setdefault(caller, []).extend(targets)
            if not spawned:
                for target in targets:
                    graph.callers.setdefault(target, []).append((caller, ref))
            else:
                graph.started.update(targets)
    for _target, _linked, call in process_starts(ctx, module):
        started = started_function(call, module)
        if started is not None:
            graph.started.update(graph.clauses(*started))
    graph.started = graph.forward(graph.started)
    return graph


# -- processes ----------------------------------------------------------------------------------


def process_starts(ctx: FileContext, module: ModuleDef) -> Iterator[tuple[str, bool, Node]]:
    """(target, linked, call) for the process-starting calls inside ``module``'s functions."""
    for target, linked in PROCESS_STARTS.items():
        if "." in target:
            mod, fun = target.rsplit(".", 1)
            nodes = [c.node for c in ctx.remote(fun, module=mod)]
        else:
            nodes = ctx.calls(target)
        for node in nodes:
            fn = ctx.function_at(node.start_byte)
            if fn is not None and fn.module is module and not ctx.is_signature(node):
                yield target, linked or _link_option(node), node


def started_function(call: Node, module: ModuleDef) -> tuple[str, int | None] | None:
    """For ``spawn(__MODULE__, :loop, [state])`` (module, function, arguments): the local
    function the new process runs, as (name, arity)."""
    args = effective_arguments(call)
    for i in range(len(args) - 2):
        mod, fun, extra = args[i], args[i + 1], args[i + 2]
        if fun.type == "atom" and text(mod) in ("__MODULE__", module.name):
            count = len([c for c in extra.named_children if c.type != "comment"])
            return text(fun).lstrip(":"), count if extra.type == "list" else None
    return None


def _link_option(call: Node) -> bool:
    """``Process.spawn(fun, [:link])``."""
    return call_target(call) == "Process.spawn" and ":link" in text(call)


def spawned_by(node: Node, stop: Node) -> tuple[Node, bool] | None:
    """When ``node`` sits in a function handed to a process-starting call (below ``stop``): that
    call, and whether the new process is linked to its starter."""
    current: Node | None = node
    while current is not None and current != stop:
        if current.type in ("anonymous_function", "unary_operator"):
            args = current.parent
            owner = args.parent if args is not None and args.type == "arguments" else None
            target = call_target(owner) if owner is not None else None
            if owner is not None and target in PROCESS_STARTS:
                return owner, PROCESS_STARTS[target] or _link_option(owner)
        current = current.parent
    return None


#: Where a closure is kept for later instead of being called now.
_KEPT = frozenset({"pair", "map_content", "tuple", "list", "keywords"})


def deferred(node: Node, stop: Node) -> bool:
    """``node`` sits in a closure kept for later (below ``stop``): bound to a variable
    (``fetch = fn -> ... end``) or stored in a map, tuple, list or keyword list. When, and in
    which process, it runs is not known from here; a closure passed to a function is taken to
    run during that call."""
    current: Node | None = node
    while current is not None and current != stop:
        if current.type == "anonymous_function":
            parent = current.parent
            if parent is not None and (
                parent.type in _KEPT
                or (
                    parent.type == "binary_operator"
                    and text(parent.child_by_field_name("operator")) == "="
                )
            ):
                return True
        current = current.parent
    return False


def elsewhere(node: Node, stop: Node) -> bool:
    """``node`` does not run as part of the function ``stop`` in its process: it is in a
    function handed to another process, or in a closure kept for later."""
    return spawned_by(node, stop) is not None or deferred(node, stop)


def links_before(fn_body: Node, node: Node) -> bool:
    """A ``Process.link`` in ``fn_body`` before ``node``: the process links itself."""
    return any(
        n.type == "call" and call_target(n) == "Process.link" and n.start_byte < node.start_byte
        for n in walk(fn_body)
    )


def process_kind(ctx: FileContext, module: ModuleDef) -> str | None:
    """``genserver``, ``live_view`` or ``channel`` for modules whose callbacks run in their own
    process and receive messages through ``handle_info``; else None."""
    if ctx.is_genserver(module) is not None:
        return "genserver"
    for used, node in module.uses:
        if used == "Phoenix.LiveView":
            return "live_view"
        if used == "Phoenix.Channel":
            return "channel"
        args = arguments(node)
        flavour = text(args[1]) if len(args) >= 2 else ""
        if used.endswith("Web") and flavour in (":live_view", ":channel"):
            return flavour.lstrip(":")
    return None


def process_code(ctx: FileContext, module: ModuleDef, kind: str) -> set[FunctionDef]:
    """The clauses that run in the module's own process: its callbacks and the local functions
    they reach (the client API of a GenServer runs in the caller)."""
    names = SERVER_CALLBACKS if kind == "genserver" else VIEW_CALLBACKS | SERVER_CALLBACKS
    graph = call_graph(ctx, module)
    roots = [f for f in module.functions if f.kind == "def" and f.name in names]
    return graph.forward(roots)


def runs_in_process(ctx: FileContext, code: set[FunctionDef], node: Node) -> bool:
    """``node`` runs in the process whose clauses are ``code`` (not in a spawned function)."""
    fn = ctx.function_at(node.start_byte)
    return fn is not None and fn in code and not elsewhere(node, fn.node)


def traps_exits(ctx: FileContext, code: set[FunctionDef]) -> bool:
    """The process whose clauses are ``code`` traps exits (``Process.flag(:trap_exit, true)``
    in its own code, not in a process it starts)."""
    for module, fun in (("Process", "flag"), (":erlang", "process_flag")):
        for call in ctx.remote(fun, module=module):
            args = arguments(call.node)
            if (
                len(args) == 2
                and text(args[0]) == ":trap_exit"
                and text(args[1]) == "true"
                and runs_in_process(ctx, code, call.node)
            ):
                return True
    return False


# -- blocking work --------------------------------------------------------------------------------

HTTP = "an HTTP request"
DATABASE = "a database query"
SLEEP = "a sleep"
WAIT = "a wait on another process"
COMMAND = "an OS command"
WAITS = frozenset(
    {
        "GenServer.call",
        ":gen_server.call",
        "Task.await",
        "Task.await_many",
        "Task.yield_many",
        ":rpc.call",
        ":erpc.call",
    }
)
#: Functions of HTTP client modules that build a request or a client without sending it.
HTTP_BUILDERS = frozenset({"new", "merge", "build", "client", "put_header", "update"})


#: Calls that end the VM: a sleep just before one is a grace delay, not blocking work.
HALTS = frozenset({"System.halt", "System.stop", ":init.stop", ":erlang.halt"})
#: Nodes whose children are the statements of a block.
_BLOCKS = frozenset({"do_block", "body", "block", "source", "else_block", "rescue_block"})


def halt_pause(node: Node) -> bool:
    """``node`` (a sleep) is followed, in the same block, by a statement that halts the VM
    (``Process.sleep(200); System.halt(0)``) or parks the process until it is stopped
    (``Process.sleep(:infinity)`` after asking for a restart): a pause so output can flush
    before the node exits, which stalls nothing that matters."""
    stmt: Node | None = node
    while stmt is not None and stmt.parent is not None and stmt.parent.type not in _BLOCKS:
        stmt = stmt.parent
    sibling = stmt.next_named_sibling if stmt is not None else None
    while sibling is not None:
        for n in walk(sibling):
            if n.type != "call":
                continue
            target = call_target(n)
            if target in HALTS or (target in ("Process.sleep", ":timer.sleep") and parks(n)):
                return True
        sibling = sibling.next_named_sibling
    return False


def parks(node: Node) -> bool:
    """``Process.sleep(:infinity)``: the process waits to be stopped (after asking for a
    restart or a shutdown); nothing it would do is delayed."""
    args = arguments(node)
    return len(args) == 1 and text(args[0]) == ":infinity"


def blocking_kind(node: Node) -> str | None:
    """What kind of blocking work a call does, or None (a sleep before a VM halt is none)."""
    target = call_target(node)
    if target is None or (node.type == "call" and target in ("def", "defp")):
        return None
    if target in ("Process.sleep", ":timer.sleep"):
        # a pause before the VM halts, or parking until the process is stopped, is no work
        return None if halt_pause(node) or parks(node) else SLEEP
    if target in WAITS:
        return WAIT
    if target in ("System.cmd", ":os.cmd", "System.shell"):
        return COMMAND
    if "." not in target:
        return None
    module, fun = target.rsplit(".", 1)
    if module in HTTP_MODULES and fun not in HTTP_BUILDERS:
        return HTTP
    if module.rsplit(".", 1)[-1] == "Repo" and fun in REPO_FUNS | {"transaction"}:
        return DATABASE
    return None


def blocking_work(
    ctx: FileContext, module: ModuleDef, clauses: Iterable[FunctionDef]
) -> list[tuple[str, Node]]:
    """Blocking calls run by ``clauses`` and the local functions they reach, in their own
    process (work handed to a Task or a spawned process does not count)."""
    found: list[tuple[str, Node]] = []
    for fn in sorted(call_graph(ctx, module).forward(clauses), key=lambda f: f.start_byte):
        body_start = fn.head_end
        for node in walk(fn.node):
            if node.type != "call" or node.start_byte < body_start:
                continue
            kind = blocking_kind(node)
            if kind is not None and not elsewhere(node, fn.node):
                found.append((kind, node))
    return found


def callbacks_reaching(
    ctx: FileContext, fn: FunctionDef, names: Iterable[str], arities: dict[str, int]
) -> list[FunctionDef]:
    """The callback clauses (``names``, arity-checked, public) that run ``fn``: ``fn`` itself
    or a callback reaching it through local calls in the same process."""
    if fn.module is None:
        return []
    wanted = frozenset(names)
    reached = call_graph(ctx, fn.module).backward([fn])
    return sorted(
        (
            c
            for c in reached
            if c.kind == "def" and c.name in wanted and arities.get(c.name, c.arity) == c.arity
        ),
        key=lambda c: c.start_byte,
    )
