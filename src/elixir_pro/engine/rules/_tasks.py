"""What becomes of a task, for ``process-leak``: where the value of a ``Task.async`` goes, and
whether a ``Task.yield_many`` leaves the tasks that did not answer running.

- :func:`flow_problem` follows the task upwards from the call to where it is bound, returned,
  collected by a loop or dropped. A function that returns it (the last expression of an
  ``if`` or a ``case`` branch counts) hands it to its callers, followed in the same module.
- :func:`unanswered` reads a ``Task.yield_many``: with ``:infinity`` (or ``on_timeout:
  :kill_task``) no task is left; otherwise the tasks that returned ``nil`` must be shut down
  (``Task.shutdown``, here or in a local helper), ignored on purpose (``Task.ignore``) or the
  caller must crash on a timeout (a ``nil`` branch that raises), which takes its linked tasks
  down with it.
"""

from __future__ import annotations

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    contains,
    effective_arguments,
    keyword_value,
    text,
)
from elixir_pro.engine.parse import call_target, walk
from elixir_pro.engine.rules._otp import call_graph

#: Calls that take a task's reply or stop it.
AWAITS = frozenset(
    {"Task.await", "Task.await_many", "Task.yield", "Task.yield_many", "Task.shutdown"}
    | {"Task.ignore"}
)
DROPPED = "the result of Task.async is dropped: the task is never awaited"
#: Calls whose value is the value of one of their branches.
_BRANCHING = frozenset({"if", "unless", "case", "cond", "with", "try", "receive", "for"})
#: Blocks of a ``do ... end`` other than the ``do`` part.
_SECTIONS = frozenset({"else_block", "after_block", "rescue_block", "catch_block"})
#: How many callers up a returned task is followed.
_MAX_DEPTH = 3


def calls_in(fn: FunctionDef) -> set[str]:
    """The dotted names ``fn`` calls (``Task.await``, ``Enum.map``, ``helper``)."""
    return {t for n in walk(fn.node) if n.type == "call" and (t := call_target(n))}


# -- where the task goes --------------------------------------------------------------------


def flow_problem(ctx: FileContext, fn: FunctionDef, node: Node, depth: int = 0) -> str:
    """Why the task made by ``node`` (a ``Task.async`` call, or a call of a function that
    returns one) is never awaited, or "" when it is bound and used, collected, passed on or
    returned to callers that keep it."""
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
            if op not in ("|>", "||", "&&"):
                return ""
            current = parent
            continue
        if kind in ("unary_operator", "anonymous_function"):  # &Task.async(...), fn -> ... end
            current = parent
            continue
        if kind == "stab_clause":  # a clause's body: the value of the fn or the case
            current = parent
            continue
        if kind in ("body", "block", "do_block") or kind in _SECTIONS:
            if current.type != "stab_clause":
                exprs = _section(parent)
                if exprs and exprs[-1] != current:
                    return DROPPED
            owner = _owner(parent)
            if owner is None:
                return ""
            if owner == fn.node:
                return _returned(ctx, fn, depth)
            if owner.type in ("stab_clause", "anonymous_function", "block"):
                current = parent
                continue
            if owner.type == "call" and call_target(owner) in _BRANCHING:
                current = owner
                continue
            return ""
        if kind == "pair":  # do: / else: of a one-line def or if
            key = text(parent.child_by_field_name("key")).rstrip(": ")
            keywords = parent.parent
            args = keywords.parent if keywords is not None else None
            owner = args.parent if args is not None else None
            if key not in ("do", "else") or owner is None:
                return ""
            if owner == fn.node:
                return _returned(ctx, fn, depth)
            if call_target(owner) in _BRANCHING:
                current = owner
                continue
            return ""
        if kind == "arguments":
            call = parent.parent
            target = call_target(call) if call is not None else None
            if target in ("Enum.each", "Stream.each"):
                return f"the result of Task.async is dropped by {target}: no task is awaited"
            if call is not None and target and target.split(".")[0] in ("Enum", "Stream"):
                current = call  # the tasks are the result of the map
                continue
            return ""
        return ""


def _section(block: Node) -> list[Node]:
    """The statements of one part of a block: the ``do`` part of a ``do_block`` stops at its
    ``else``/``rescue``/... blocks."""
    return [
        c
        for c in block.named_children
        if c.type not in ("comment", "stab_clause") and c.type not in _SECTIONS
    ]


def _owner(block: Node) -> Node | None:
    """The node whose value a block gives: the call of a ``do_block``, the call of the
    ``do_block`` holding an ``else_block``, the clause of a ``body``."""
    parent = block.parent
    if block.type in _SECTIONS and parent is not None and parent.type == "do_block":
        return parent.parent
    return parent


def _returned(ctx: FileContext, fn: FunctionDef, depth: int) -> str:
    """``fn`` returns the task: what its callers in the same module do with it. Callers
    elsewhere (a public function) are not visible: nothing to say."""
    module = fn.module
    if module is None or depth >= _MAX_DEPTH:
        return ""
    graph = call_graph(ctx, module)
    for caller, ref in graph.sites.get(fn, []):
        if ref.type != "call" or caller is fn or calls_in(caller) & AWAITS:
            continue
        problem = flow_problem(ctx, caller, ref, depth + 1)
        if problem:
            line = ref.start_point[0] + 1
            return (
                f"the task returned by {fn.name}/{fn.arity} is dropped by "
                f"{caller.name}/{caller.arity} at line {line}: it is never awaited"
            )
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


# -- Task.yield_many --------------------------------------------------------------------------


def unanswered(ctx: FileContext, fn: FunctionDef, call: Node) -> tuple[str, bool]:
    """For a ``Task.yield_many`` call in ``fn``: (why tasks that did not answer are left
    running, or "" when none are; whether the code handles the timeout otherwise, with a
    fallback value, so that letting the task finish may be deliberate)."""
    args = effective_arguments(call)
    option = args[1] if len(args) > 1 else None
    timeout = option
    if option is not None and option.type in ("keywords", "list"):
        on_timeout = keyword_value(option, "on_timeout")
        if on_timeout is not None and text(on_timeout) in (":kill_task", ":ignore"):
            return "", False
        timeout = keyword_value(option, "timeout")
    if timeout is not None and text(timeout) == ":infinity":
        return "", False
    reached = call_graph(ctx, fn.module).forward([fn]) if fn.module is not None else {fn}
    if any(calls_in(f) & {"Task.shutdown", "Task.ignore"} for f in reached):
        return "", False
    timeout_text = f"a timeout of `{text(timeout)}`" if timeout is not None else "its 5 s timeout"
    fallback = False
    for clause in _nil_clauses(fn):
        right = clause.child_by_field_name("right")
        if right is None:
            continue
        if any(call_target(n) in ("raise", "reraise", "exit") for n in walk(right)):
            return "", False  # the caller crashes and its linked tasks with it
        fallback = True
    problem = (
        f"Task.yield_many with {timeout_text} leaves the tasks that did not answer running: "
        "nothing shuts them down"
    )
    return problem, fallback


def _nil_clauses(fn: FunctionDef) -> list[Node]:
    """Clauses matching a task that did not answer: ``nil ->`` or ``{task, nil} ->``."""
    out: list[Node] = []
    for node in walk(fn.node):
        if node.type != "stab_clause":
            continue
        left = node.child_by_field_name("left")
        patterns = left.named_children if left is not None and left.type == "arguments" else []
        for pattern in patterns:
            if pattern.type == "nil" or (
                pattern.type == "tuple"
                and pattern.named_child_count == 2
                and (last := pattern.named_child(1)) is not None
                and last.type == "nil"
            ):
                out.append(node)
    return out
