"""Rule ``process-leak``: tasks never awaited or shut down, and processes spawned per element."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    arguments,
    effective_arguments,
    text,
)
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rule import Rule, register
from elixir_pro.engine.rules._otp import SERVER_CALLBACKS, VIEW_CALLBACKS, call_graph, elsewhere
from elixir_pro.engine.rules._per_element import run_by_hand
from elixir_pro.engine.rules._tasks import AWAITS, calls_in, flow_problem, unanswered

SPAWNS = ("spawn", "spawn_link", "spawn_monitor")


@register
class ProcessLeak(Rule):
    id = "process-leak"
    severity = Severity.HIGH
    title = "Process leak: task never awaited or process spawned per element"
    triggers = (b"Task.async", b"yield_many", b"spawn")
    rationale = (
        "Task.async links and monitors the task and sends its result to the caller: a task "
        "that is never awaited leaves a monitor and a stray message behind, and a crash in it "
        "takes the caller down at an arbitrary moment. A task returned by a function is "
        "followed to the callers in the same module. A GenServer, gen_statem or LiveView "
        "that starts the task from its own callbacks and takes the reply `{ref, result}` and "
        "the `:DOWN` message in handle_info (or `handle_event(:info, ...)`) is the documented "
        "way to run a task without blocking, and is not reported; a LiveComponent's task "
        "replies to its parent LiveView, in another file: low confidence. "
        "Task.yield_many with a finite timeout leaves the tasks that did not answer running "
        "unless they are shut down (`res || Task.shutdown(task, :brutal_kill)`, here or in a "
        "helper), ignored on purpose (`Task.ignore`), killed by `on_timeout: :kill_task`, or "
        "the caller crashes on a timeout (a `nil` branch that raises takes its linked tasks "
        "down); when a `nil` branch falls back to another value, letting the tasks finish may "
        "be deliberate: low confidence. With `:infinity` every task answers. Spawning one "
        "process per element of a collection creates an unbounded number of unsupervised "
        "processes. Spawning one process per chunk (`chunk_every`) is reported with low "
        "confidence: the count is bounded by the chunk size the code chose."
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
        for call in ctx.remote("yield_many", module="Task"):
            fn = ctx.function_at(call.node.start_byte)
            if fn is None or not ctx.at_runtime(call.node.start_byte):
                continue
            problem, fallback = unanswered(ctx, fn, call.node)
            if not problem:
                continue
            if fallback:
                yield self.finding_on_line(
                    ctx,
                    call.node,
                    f"{problem} (the timeout is handled with a fallback value: letting the "
                    "tasks finish may be deliberate)",
                    confidence=Confidence.LOW,
                )
            else:
                yield self.finding_on_line(ctx, call.node, problem)
        for call in ctx.remote("async", module="Task"):
            fn = ctx.function_at(call.node.start_byte)
            if fn is None or fn.kind in ("defmacro", "defmacrop"):
                continue
            if calls_in(fn) & AWAITS:
                continue
            problem = flow_problem(ctx, fn, call.node)
            if not problem or _reply_handled(ctx, fn, call.node):
                continue  # Task.async inside an OTP behaviour: the reply arrives as a message
            by_hand = run_by_hand(ctx, fn)
            if by_hand:
                yield self.finding_on_line(
                    ctx, call.node, f"{problem} (in {by_hand})", confidence=Confidence.LOW
                )
                continue
            if _in_component(ctx, fn):
                yield self.finding_on_line(
                    ctx,
                    call.node,
                    "Task.async in a LiveComponent: nothing here awaits the task; its reply "
                    "goes to the parent LiveView's process, whose handle_info (in another "
                    "file) may take it",
                    confidence=Confidence.LOW,
                )
                continue
            if _in_job(fn):
                yield self.finding_on_line(
                    ctx,
                    call.node,
                    f"{problem} (in an Oban job: the task is linked to the job's process, "
                    "which ends with the job, so its reply and the task go with it)",
                    confidence=Confidence.LOW,
                )
                continue
            yield self.finding_on_line(ctx, call.node, problem)
        for name in SPAWNS:
            spawns = [*ctx.calls(name), *(c.node for c in ctx.remote(name, module="Process"))]
            for node in spawns:
                if node.type == "call" and ctx.is_signature(node):
                    continue
                loop = ctx.loop_around(node)
                if loop is None or _waited_for(ctx, loop, node):
                    continue  # one process at a time: the iteration waits for its end
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


def _in_job(fn: FunctionDef) -> bool:
    """``fn`` belongs to an Oban worker (``use Oban.Worker``): ``perform/1`` runs in a process
    of its own that ends with the job, taking linked tasks and stray replies with it."""
    module = fn.module
    return module is not None and any(used == "Oban.Worker" for used, _ in module.uses)


def _in_component(ctx: FileContext, fn: FunctionDef) -> bool:
    """``fn`` belongs to a LiveComponent (``use Phoenix.LiveComponent`` or ``use MyAppWeb,
    :live_component``): its callbacks run in the parent LiveView's process, so a task's reply
    goes to the parent's ``handle_info``, in another file."""
    module = fn.module
    if module is None:
        return False
    for used, node in module.uses:
        if used == "Phoenix.LiveComponent":
            return True
        args = arguments(node)
        if used.endswith("Web") and len(args) >= 2 and text(args[1]) == ":live_component":
            return True
    return False


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


def _waited_for(ctx: FileContext, loop: Node, spawn: Node) -> bool:
    """The loop's iteration waits for the process it spawned to end before the next one
    starts: a ``receive`` after the spawn, in the same per-element body, takes a ``:DOWN``
    message (``spawn_monitor`` then ``receive do {:DOWN, ^ref, ...} -> ...``)."""
    body = next((b for lp, b in ctx.loop_bodies if lp == loop), None)
    if body is None:
        return False
    for node in walk(body):
        if node.start_byte < spawn.end_byte or call_target(node) != "receive":
            continue
        for clause in walk(node):
            if clause.type != "stab_clause":
                continue
            left = clause.child_by_field_name("left")
            pattern = left.named_child(0) if left is not None else None
            first = pattern.named_child(0) if pattern is not None else None
            if pattern is not None and pattern.type == "tuple" and text(first) == ":DOWN":
                return True
    return False


def _over_chunks(loop: Node) -> bool:
    """The loop walks chunks of a collection (``chunk_every``): the number of processes is
    the number of chunks, bounded by the chunk size the code chose."""
    args = effective_arguments(loop)
    if call_target(loop) == "for":
        enumerable = " ".join(text(a) for a in args if a.type != "keywords")
    else:
        enumerable = text(args[0]) if args else ""
    return "chunk_every" in enumerable or "chunk_by" in enumerable
