"""Rule ``receive-without-after``: a receive that waits for a reply with no timeout."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    arguments,
    effective_arguments,
    keyword_value,
    statements,
    text,
)
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.locate import has_word
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._common import last_binding
from elixir_pro.engine.rules._otp import (
    CallGraph,
    call_graph,
    links_before,
    process_starts,
    spawned_by,
)
from elixir_pro.engine.rules._per_element import run_by_hand

#: Calls that ask another process for something: a receive after one waits for the answer.
REQUESTS = frozenset(
    {"send", "Kernel.send", "Process.send", "GenServer.cast", ":gen_server.cast", ":erlang.send"}
)
CANCEL_TIMER = frozenset({"Process.cancel_timer", ":erlang.cancel_timer", ":timer.cancel"})
GROUP_LEADER = frozenset({"Process.group_leader", ":erlang.group_leader"})


@register
class ReceiveWithoutAfter(Rule):
    id = "receive-without-after"
    severity = Severity.HIGH
    title = "receive without an after clause"
    triggers = (b"receive",)

    def applies(self, ctx: FileContext) -> bool:
        return has_word(ctx.source, b"receive")  # not assert_receive / refute_receive

    rationale = (
        "A receive that waits for a reply or a handshake blocks forever when the other side "
        "dies, is slow or never answers. A process's own message loop (a recursive function "
        "whose body is the receive, started as a process) may wait forever by design; a "
        "one-off wait may not, even when repeated by a recursive function that sends a "
        "request and waits for its answer. Not reported: a receive with a `{:DOWN, ref, ...}` "
        "or `{:EXIT, pid, ...}` clause (the other side's death ends the wait), receives in "
        "`quote` (the macro's user owns them) and function heads or specs named `receive`. "
        "Confidence is low when the wait can hang only in corner cases: the process is linked "
        "to the one it waits for (a task waiting for its starter's go, a parent waiting for "
        "the ack of a child it just started linked, a process that called `Process.link` on "
        "the one it waits for, a job waiting for the replies of a `Task.async` it started, "
        "whose crash kills the waiter too), the message was sent by the server's `init/1` "
        "before the synchronous start that precedes the receive returned (`GenServer.start`, "
        "or a `start*` call given the module or its child spec, such as `start_child`), a "
        "spawned process waits for the go its starter sends it right after spawning it, the "
        "message is a fired timer's being "
        "flushed after `cancel_timer`, the wait is for the IO reply of the process's own group "
        "leader (an IO-protocol request: that IO server's death is the only hang, and "
        "monitoring it is the fix), or the receive takes whatever message comes next."
    )
    scope_reason = (
        "Tests and scripts wait for messages on purpose (ExUnit's own timeouts end a stuck "
        "test); only application code hangs in production."
    )
    impact = (
        "The process hangs forever when the reply never comes: callers time out, the "
        "mailbox grows, and the hang survives restarts of the other side."
    )
    recommendation = (
        "Add an `after` clause with a timeout that returns an error tuple (for example "
        "`after 5_000 -> {:error, :timeout}`), or use GenServer.call, which has one."
    )
    dirty_example = """\
def fetch(pid) do
  send(pid, {:get, self()})
  receive do
    {:reply, value} -> {:ok, value}
  end
end
"""
    clean_example = """\
def fetch(pid) do
  send(pid, {:get, self()})
  receive do
    {:reply, value} -> {:ok, value}
  after
    5_000 -> {:error, :timeout}
  end
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for node in ctx.calls("receive"):
            if ctx.is_signature(node) or ctx.in_quote(node.start_byte) or _has_after(node):
                continue
            patterns = _patterns(node)
            if any(_watches_exit(p) for p in patterns):
                continue  # a :DOWN or :EXIT clause: the other side's death ends the wait
            fn = ctx.function_at(node.start_byte)
            graph = call_graph(ctx, fn.module) if fn is not None and fn.module else None
            if fn is not None and graph is not None and _entry_loop(fn, graph, node):
                continue  # the process's own message loop: waiting is its job
            if fn is not None and (
                _sent_before(fn, node, patterns) or _timer_wakes(ctx, fn, patterns)
            ):
                continue  # the message is already in the mailbox, or a timer ends the wait
            why = _only_possible(ctx, fn, graph, node, patterns)
            if why:
                yield self.finding_on_line(
                    ctx,
                    node,
                    f"receive has no `after` clause ({why})",
                    confidence=Confidence.LOW,
                )
                continue
            yield self.finding_on_line(
                ctx, node, "receive has no `after` clause: it waits forever if no reply comes"
            )


def _sent_before(fn: FunctionDef, receive: Node, patterns: list[tuple[Node, bool]]) -> bool:
    """The same function sent the awaited message to its own process before the receive
    (``send(self(), {ref, offset})`` in a callback run while a stream is consumed, or to a
    variable bound to ``self()``): it is in the mailbox by the time the receive runs."""
    own = _same_process(receive, fn.node)
    selves = {"self()"}
    for node in walk(fn.node):
        if node.start_byte >= receive.start_byte:
            break
        if (
            node.type == "binary_operator"
            and text(node.child_by_field_name("operator")) == "="
            and text(node.child_by_field_name("right")) == "self()"
        ):
            selves.add(text(node.child_by_field_name("left")))
            continue
        if node.type != "call" or call_target(node) not in ("send", "Kernel.send", "Process.send"):
            continue
        args = effective_arguments(node)
        if len(args) < 2 or text(args[0]) not in selves:
            continue
        if _same_process(node, fn.node) != own:
            continue
        if any(_same_tag(pattern, args[1]) for pattern, _ in patterns):
            return True
    return False


def _same_process(node: Node, stop: Node) -> Node | None:
    """The call that started the process ``node`` runs in (below ``stop``), None for the
    function's own process."""
    spawned = spawned_by(node, stop)
    return spawned[0] if spawned is not None else None


def _timer_wakes(ctx: FileContext, fn: FunctionDef, patterns: list[tuple[Node, bool]]) -> bool:
    """The module arms a timer for its own process (``Process.send_after(self(), {:timeout,
    ref}, t)``) whose message a clause of the receive takes: the timer ends the wait as an
    ``after`` would."""
    module = fn.module
    for module_name, fun in TIMERS:
        for call in ctx.remote(fun, module=module_name):
            if module is not None and ctx.module_at(call.node.start_byte) is not module:
                continue
            args = effective_arguments(call.node)
            dest, message = _timer_parts(module_name, args)
            if dest is not None and text(dest) != "self()":
                continue
            if message is not None and any(_same_tag(p, message) for p, _ in patterns):
                return True
    return False


#: Timers that send a message later: (module, function).
TIMERS = (("Process", "send_after"), (":erlang", "send_after"), (":timer", "send_after"))


def _timer_parts(module: str, args: list[Node]) -> tuple[Node | None, Node | None]:
    """(destination, message) of a timer call; the destination is None for ``:timer``'s
    two-argument form, which sends to the caller."""
    if module == "Process" and len(args) >= 2:
        return args[0], args[1]
    if module == ":erlang" and len(args) >= 3:
        return args[1], args[2]
    if module == ":timer" and len(args) == 2:
        return None, args[1]
    if module == ":timer" and len(args) >= 3:
        return args[1], args[2]
    return None, None


def _same_tag(pattern: Node, message: Node) -> bool:
    """A pattern that takes the message: the same atom, or tuples of the same size whose
    first elements are the same atom or the same (pinned) variable."""
    if pattern.type == "binary_operator" and text(pattern.child_by_field_name("operator")) == "=":
        pattern = pattern.child_by_field_name("left") or pattern
    if pattern.type == "atom" or message.type == "atom":
        return pattern.type == message.type == "atom" and text(pattern) == text(message)
    if pattern.type != "tuple" or message.type != "tuple":
        return False
    if pattern.named_child_count != message.named_child_count or not pattern.named_child_count:
        return False
    first, sent = pattern.named_child(0), message.named_child(0)
    if first is None or sent is None:
        return False
    return text(first).lstrip("^") == text(sent)


def _has_after(node: Node) -> bool:
    block = next((c for c in node.children if c.type == "do_block"), None)
    if block is not None:
        return any(c.type == "after_block" for c in block.children)
    args = arguments(node)  # receive(do: ..., after: ...)
    return not args or keyword_value(args[-1], "after") is not None


def _patterns(receive: Node) -> list[tuple[Node, bool]]:
    """(pattern, guarded) of each clause of a receive."""
    block = next((c for c in receive.children if c.type == "do_block"), None)
    if block is None:
        args = arguments(receive)
        block = keyword_value(args[-1], "do") if args else None
    out: list[tuple[Node, bool]] = []
    for clause in block.named_children if block is not None else []:
        if clause.type != "stab_clause":
            continue
        left = clause.child_by_field_name("left")
        guarded = False
        if left is not None and left.type == "binary_operator":
            guarded = text(left.child_by_field_name("operator")) == "when"
            left = left.child_by_field_name("left") if guarded else left
        first = left.named_child(0) if left is not None and left.type == "arguments" else left
        if first is not None:
            out.append((first, guarded))
    return out


def _watches_exit(pattern: tuple[Node, bool]) -> bool:
    """``{:DOWN, ref, ...}`` (a monitor fired) or ``{:EXIT, pid, ...}`` (a linked process
    exited while exits are trapped)."""
    node = pattern[0]
    if node.type == "binary_operator" and text(node.child_by_field_name("operator")) == "=":
        node = node.child_by_field_name("left") or node
    first = node.named_child(0) if node.type == "tuple" else None
    return first is not None and text(first) in (":DOWN", ":EXIT")


def _statement_of(fn: FunctionDef, node: Node) -> Node | None:
    """The top-level statement of ``fn``'s body that is ``node`` or binds its value."""
    body = fn.body
    if body is None:
        return None
    for stmt in statements(body) if body.type == "do_block" else [body]:
        if stmt == node:
            return stmt
        if (
            stmt.type == "binary_operator"
            and text(stmt.child_by_field_name("operator")) == "="
            and stmt.child_by_field_name("right") == node
        ):
            return stmt
    return None


def _entry_loop(fn: FunctionDef, graph: CallGraph, receive: Node) -> bool:
    """``fn`` is a process's message loop: it recurses, its receive is a statement of its own
    body, it asks nobody for anything before waiting, and it is started as a process here (or
    public, so it can be started elsewhere)."""
    stmt = _statement_of(fn, receive)
    if stmt is None or not graph.recursive(fn):
        return False
    body = fn.body
    assert body is not None
    for node in walk(body):
        if node.start_byte >= stmt.start_byte:
            break
        if node.type == "call" and call_target(node) in REQUESTS:
            return False  # a request then its reply: a one-off wait, repeated
    return fn.kind == "def" or fn in graph.started


def _only_possible(
    ctx: FileContext,
    fn: FunctionDef | None,
    graph: CallGraph | None,
    receive: Node,
    patterns: list[tuple[Node, bool]],
) -> str:
    """Why the wait can only possibly hang, or "" when it likely can."""
    if patterns and all(p.type == "identifier" and not guarded for p, guarded in patterns):
        return "it takes whatever message comes next"
    if fn is None or graph is None:
        return ""
    by_hand = run_by_hand(ctx, fn)
    if by_hand:
        return f"it runs in {by_hand}: a developer watches it and can stop it"
    spawned = spawned_by(receive, fn.node)
    if spawned is not None and spawned[1]:
        return "it runs in a process linked to its starter: the starter's exit ends it too"
    if spawned is not None and _go_sent_by_starter(fn, spawned[0], patterns):
        return "its starter sends the message to the process it just started, in the same function"
    if spawned is None and _linked_callers(fn, graph):
        return "its function runs only in processes linked to their starter"
    before = [
        call_target(n)
        for n in walk(fn.node)
        if n.type == "call" and n.start_byte < receive.start_byte
    ]
    if any(t in CANCEL_TIMER for t in before):
        return "it flushes the message of a timer that already fired"
    if _asks_group_leader(fn, receive):
        return "it waits for its own group leader's IO reply: only that IO server's death hangs it"
    if any(t is not None and t.endswith(("start_link", "spawn_link")) for t in before):
        return "it waits for a process it just started linked: that process's exit ends it too"
    if _linked_to_sender(fn, receive, patterns):
        return "it linked itself to the process it waits for: that process's exit ends it too"
    if _init_sent(ctx, fn, graph, receive, patterns):
        return (
            "the server's init/1 sends the message before the synchronous start returns: it "
            "is in the mailbox unless init/1 took another path"
        )
    task = _linked_task_reply(ctx, fn, patterns)
    if task:
        return (
            f"it waits for a {task} linked to it that sends the reply to this process: a "
            "crash of the task ends the waiter too"
        )
    return ""


def _atoms(node: Node) -> set[str]:
    return {text(n) for n in walk(node) if n.type == "atom"}


def _takes(patterns: list[tuple[Node, bool]], message: Node) -> bool:
    """A clause of the receive takes ``message``: the same tag, or an atom the two share
    (``Message.new(:spawned, pid)`` and ``Message.send(to, :spawned, pid)``)."""
    atoms = _atoms(message)
    return any(_same_tag(p, message) or (_atoms(p) & atoms) for p, _ in patterns)


def _linked_to_sender(fn: FunctionDef, receive: Node, patterns: list[tuple[Node, bool]]) -> bool:
    """``Process.link(pid)`` before the receive in the same process, on the process it waits
    for: ``pid`` is pinned in a clause (``{:ready, ^pid}``) or is where the request went."""
    own = _same_process(receive, fn.node)
    pinned = {
        text(n.child_by_field_name("operand"))
        for p, _ in patterns
        for n in walk(p)
        if n.type == "unary_operator" and text(n.child_by_field_name("operator")) == "^"
    }
    linked: set[str] = set()
    asked: set[str] = set()
    for node in walk(fn.node):
        if node.start_byte >= receive.start_byte:
            break
        if node.type != "call" or _same_process(node, fn.node) != own:
            continue
        target = call_target(node)
        args = effective_arguments(node)
        if target == "Process.link" and args:
            linked.add(text(args[0]))
        elif target in REQUESTS and args:
            asked.add(text(args[0]))
    return bool(linked & (pinned | asked))


def _init_sent(
    ctx: FileContext,
    fn: FunctionDef,
    graph: CallGraph,
    receive: Node,
    patterns: list[tuple[Node, bool]],
) -> bool:
    """The function started this module's server synchronously (``GenServer.start`` or
    ``start_link`` of ``__MODULE__``, which returns once ``init/1`` has) and ``init/1`` sends a
    message the receive takes: it is in the mailbox before the receive runs."""
    module = fn.module
    if module is None:
        return False
    names = ("__MODULE__", module.name)
    started = any(
        n.type == "call" and n.start_byte < receive.start_byte and _starts_module(n, names)
        for n in walk(fn.node)
    )
    if not started:
        return False
    for clause in graph.forward(module.clauses("init", 1)):
        for node in walk(clause.node):
            if node.type != "call" or spawned_by(node, clause.node) is not None:
                continue
            target = call_target(node) or ""
            if target != "send" and not target.endswith(".send"):
                continue
            args = effective_arguments(node)
            if any(_takes(patterns, arg) for arg in args[1:]):
                return True
    return False


def _go_sent_by_starter(fn: FunctionDef, start: Node, patterns: list[tuple[Node, bool]]) -> bool:
    """``pid = spawn(fn -> receive do :go -> ... end end)`` followed in the same function by
    ``send(pid, :go)``: the process waits for a go its starter sends right after starting it."""
    parent = start.parent
    if (
        parent is None
        or parent.type != "binary_operator"
        or text(parent.child_by_field_name("operator")) != "="
    ):
        return False
    bound = parent.child_by_field_name("left")
    if bound is None or bound.type != "identifier":
        return False
    name = text(bound)
    for node in walk(fn.node):
        if node.start_byte < start.end_byte or node.type != "call":
            continue
        target = call_target(node) or ""
        if target not in ("send", "Kernel.send", "Process.send"):
            continue
        args = effective_arguments(node)
        if len(args) >= 2 and text(args[0]) == name and _takes(patterns, args[1]):
            return True
    return False


def _starts_module(call: Node, names: tuple[str, ...]) -> bool:
    """A synchronous start of the module's own server: ``GenServer.start(__MODULE__, ...)``,
    or a ``start*`` function given the module or its child spec (``{__MODULE__, args}``), as
    ``Supervisor.start_child`` and project helpers around it are; each returns once
    ``init/1`` has."""
    target = call_target(call) or ""
    if not target.rsplit(".", 1)[-1].startswith("start"):
        return False
    for arg in effective_arguments(call):
        if text(arg) in names:
            return True
        if arg.type == "tuple" and arg.named_children and text(arg.named_children[0]) in names:
            return True
    return False


def _linked_task_reply(ctx: FileContext, fn: FunctionDef, patterns: list[tuple[Node, bool]]) -> str:
    """A process started linked in this module (``Task.async``, ``spawn_link``) sends the
    awaited message to its starter (a variable bound to ``self()`` before the start): the
    starter waits for its own linked task, whose crash ends the wait. The starting call's
    name, else ""."""
    module = fn.module
    if module is None:
        return ""
    for target, linked, start in process_starts(ctx, module):
        if not linked:
            continue
        owner = ctx.function_at(start.start_byte)
        if owner is None:
            continue
        for node in walk(start):
            if node.type != "call" or call_target(node) not in REQUESTS:
                continue
            args = effective_arguments(node)
            if len(args) < 2 or not _takes(patterns, args[1]):
                continue
            dest = args[0]
            bound = (
                last_binding(owner, text(dest), start.start_byte)
                if dest.type == "identifier"
                else None
            )
            if text(bound) == "self()":
                return target
    return ""


def _asks_group_leader(fn: FunctionDef, receive: Node) -> bool:
    """An IO-protocol request (``{:io_request, self(), ref, request}``) sent to the process's
    group leader just before the receive: the group leader is its own IO server, alive as
    long as the process's IO works at all."""
    for node in walk(fn.node):
        if node.start_byte >= receive.start_byte:
            break
        if node.type != "call" or call_target(node) not in REQUESTS:
            continue
        args = effective_arguments(node)
        if len(args) < 2:
            continue
        dest = args[0]
        if dest.type == "identifier":
            dest = last_binding(fn, text(dest), node.start_byte) or dest
        message = args[1]
        first = message.named_child(0) if message.type == "tuple" else None
        if call_target(dest) in GROUP_LEADER or text(first) == ":io_request":
            return True
    return False


def _linked_callers(fn: FunctionDef, graph: CallGraph) -> bool:
    """Every local call of ``fn`` sits in a function run by a process linked to its starter
    (``Task.start_link(fn -> wait_for_go() end)``, or a ``Process.link`` first)."""
    sites = [site for c in graph.clauses(fn.name, fn.arity) for site in graph.sites.get(c, [])]
    return bool(sites) and all(_in_linked_process(caller, ref) for caller, ref in sites)


def _in_linked_process(caller: FunctionDef, ref: Node) -> bool:
    spawned = spawned_by(ref, caller.node)
    if spawned is None:
        return False
    start, linked = spawned
    return linked or links_before(start, ref)
