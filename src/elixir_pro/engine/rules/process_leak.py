"""Rule ``process-leak``: tasks never awaited or shut down, and processes spawned per element."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    contains,
    effective_arguments,
    statements,
    text,
)
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._otp import SERVER_CALLBACKS, VIEW_CALLBACKS, call_graph, elsewhere

AWAITS = frozenset({"Task.await", "Task.await_many", "Task.yield", "Task.shutdown", "Task.ignore"})
SPAWNS = ("spawn", "spawn_link", "spawn_monitor")


@register
class ProcessLeak(Rule):
    id = "process-leak"
    severity = Severity.HIGH
    title = "Process leak: task never awaited or process spawned per element"
    triggers = (b"Task.async", b"spawn")
    rationale = (
        "Task.async links and monitors the task and sends its result to the caller: a task "
        "that is never awaited leaves a monitor and a stray message behind, and a crash in it "
        "takes the caller down at an arbitrary moment. A GenServer, gen_statem or LiveView "
        "that starts the task from its own callbacks and takes the reply `{ref, result}` and "
        "the `:DOWN` message in handle_info (or `handle_event(:info, ...)`) is the documented "
        "way to run a task without blocking, and is not reported. "
        "Task.yield_many without shutting down "
        "the tasks that did not answer leaves them running. Spawning one process per element "
        "of a collection creates an unbounded number of unsupervised processes. Spawning "
        "one process per chunk (`chunk_every`) is reported with low confidence: the count is "
        "bounded by the chunk size the code chose."
    )
    scope_reason = (
        "Tests and scripts start short-lived processes that end with the run; leaks matter "
        "in the long-running application."
    )
    impact = (
        "Mailboxes and process counts grow without bound; memory leaks and the process limit "
        "is reached under load; crashes surface far from their cause."
    )
    recommendation = (
        "Await every Task.async (Task.await/await_many), shut down what Task.yield_many did "
        "not return (`Task.shutdown(task, :brutal_kill)`), and use Task.Supervisor or "
        "Task.async_stream with max_concurrency instead of spawning per element."
    )
    dirty_example = """\
def refresh(ids) do
  Task.async(fn -> Cache.warm(ids) end)
  :ok
end
"""
    clean_example = """\
def refresh(ids) do
  ids
  |> Enum.map(&Task.async(fn -> Cache.warm(&1) end))
  |> Task.await_many(10_000)
end
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for call in ctx.remote("async", module="Task"):
            fn = ctx.function_at(call.node.start_byte)
            if fn is None or fn.kind in ("defmacro", "defmacrop"):
                continue
            problem = _task_problem(ctx, fn, call.node)
            if not problem or (
                not problem.startswith("Task.yield_many") and _reply_handled(ctx, fn, call.node)
            ):
                continue  # Task.async inside an OTP behaviour: the reply arrives as a message
            yield self.finding_on_line(ctx, call.node, problem)
        for name in SPAWNS:
            spawns = [*ctx.calls(name), *(c.node for c in ctx.remote(name, module="Process"))]
            for node in spawns:
                if node.type == "call" and ctx.is_signature(node):
                    continue
                loop = ctx.loop_around(node)
                if loop is None:
                    continue
                where = f"the {call_target(loop) or 'loop'} at line {loop.start_point[0] + 1}"
                if _over_chunks(loop):
                    yield self.finding_on_line(
                        ctx,
                        node,
                        f"{name} inside {where} starts one unsupervised process per chunk",
                        confidence=Confidence.LOW,
                    )
                    continue
                yield self.finding_on_line(
                    ctx, node, f"{name} inside {where} starts one unsupervised process per element"
                )


#: Callbacks run by the process of an OTP behaviour (GenServer, gen_statem, LiveView, Channel).
_CALLBACKS = SERVER_CALLBACKS | VIEW_CALLBACKS | {"handle_event", "callback_mode"}


def _reply_handled(ctx: FileContext, fn: FunctionDef, task: Node) -> bool:
    """``task`` runs in the process of an OTP behaviour (``fn`` is reached from its callbacks,
    and the task is not started from a process it spawns) whose ``handle_info`` (or gen_statem
    ``handle_event(:info, ...)``) clauses take a task's reply ``{ref, result}`` and its
    ``:DOWN`` message (or flush it with ``Process.demonitor(ref, [:flush])``): the task is
    awaited as a message."""
    module = fn.module
    if module is None or elsewhere(task, fn.node):
        return False
    replies = downs = False
    for clause in module.functions:
        message = _info_message(clause)
        if message is None or message.type != "tuple" or message.named_child_count == 0:
            continue
        tag = message.named_child(0)
        if tag is not None and text(tag) == ":DOWN":
            downs = True
        elif tag is not None and tag.type == "identifier" and message.named_child_count == 2:
            replies = True
            downs = downs or any(
                call_target(n) == "Process.demonitor" and ":flush" in text(n)
                for n in walk(clause.node)
            )
    if not (replies and downs):
        return False
    roots = [f for f in module.functions if f.kind == "def" and f.name in _CALLBACKS]
    return fn in call_graph(ctx, module).forward(roots)


def _info_message(clause: FunctionDef) -> Node | None:
    """The message pattern of a ``handle_info/2`` clause or of a gen_statem
    ``handle_event(:info, message, state, data)`` clause."""
    params = clause.params
    if clause.name == "handle_info" and len(params) == 2:
        return _pattern(params[0])
    if clause.name == "handle_event" and len(params) == 4 and text(params[0]) == ":info":
        return _pattern(params[1])
    return None


def _pattern(param: Node) -> Node:
    """``{ref, result} = message`` is matched as ``{ref, result}``."""
    while param.type == "binary_operator" and text(param.child_by_field_name("operator")) == "=":
        left = param.child_by_field_name("left")
        if left is None:
            break
        param = left
    return param


def _over_chunks(loop: Node) -> bool:
    """The loop walks chunks of a collection (``chunk_every``): the number of processes is
    the number of chunks, bounded by the chunk size the code chose."""
    args = effective_arguments(loop)
    if call_target(loop) == "for":
        enumerable = " ".join(text(a) for a in args if a.type != "keywords")
    else:
        enumerable = text(args[0]) if args else ""
    return "chunk_every" in enumerable or "chunk_by" in enumerable


def _calls_in(fn: FunctionDef) -> set[str]:
    return {t for n in walk(fn.node) if n.type == "call" and (t := call_target(n))}


def _task_problem(ctx: FileContext, fn: FunctionDef, task: Node) -> str:
    called = _calls_in(fn)
    if "Task.yield_many" in called and "Task.shutdown" not in called:
        return "Task.yield_many without Task.shutdown leaves unanswered tasks running"
    if called & AWAITS or "Task.yield_many" in called:
        return ""
    return _flow_problem(fn, task)


def _flow_problem(fn: FunctionDef, node: Node) -> str:
    """Follow the task's value upwards to where it is bound, returned or dropped."""
    current = node
    while True:
        parent = current.parent
        if parent is None or parent == fn.node:
            return ""
        kind = parent.type
        if kind == "binary_operator":
            op = text(parent.child_by_field_name("operator"))
            if op == "=" and parent.child_by_field_name("right") == current:
                return _binding_problem(fn, parent)
            if op != "|>":
                return ""
            current = parent
            continue
        if kind == "unary_operator":  # &Task.async(...)
            current = parent
            continue
        if kind in ("body", "do_block", "block"):
            exprs = statements(parent)
            if exprs and exprs[-1] != current:
                return "the result of Task.async is dropped: the task is never awaited"
            owner = parent.parent
            if kind == "body" and owner is not None and owner.type == "stab_clause":
                fun = owner.parent
                if fun is not None and fun.type == "anonymous_function":
                    current = fun
                    continue
            if kind == "do_block" and owner == fn.node:
                return ""
            current = parent
            continue
        if kind in ("stab_clause", "anonymous_function"):
            current = parent
            continue
        if kind == "arguments":
            call = parent.parent
            target = call_target(call) if call is not None else None
            if call is not None and target and target.split(".")[0] in ("Enum", "Stream"):
                current = call  # the tasks are the result of the map
                continue
            return ""
        return ""


def _binding_problem(fn: FunctionDef, binding: Node) -> str:
    left = binding.child_by_field_name("left")
    if left is None or left.type != "identifier":
        return ""
    name = text(left)
    if name.startswith("_"):
        return f"the task is bound to {name} and never awaited"
    for node in walk(fn.node):
        if (
            node.start_byte >= binding.end_byte
            and node.type == "identifier"
            and text(node) == name
            and not contains(binding, node)
        ):
            return ""
    return f"the task bound to `{name}` is never awaited"
