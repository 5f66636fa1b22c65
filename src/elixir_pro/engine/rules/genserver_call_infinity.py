"""Rule ``genserver-call-infinity``: a GenServer.call, Task.await or GenServer.stop that never
times out, with a confidence read from the work it waits for."""

from __future__ import annotations

import re
from collections.abc import Iterator

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
from elixir_pro.engine.rules._otp import (
    HTTP,
    SLEEP,
    blocking_kind,
    blocking_work,
    call_arity,
    call_graph,
    spawned_by,
)

CALLS = (("GenServer", "call"), (":gen_server", "call"))
AWAITS = (("Task", "await"), ("Task", "await_many"))
#: Words of a function name or its @doc saying that waiting is what the function is for.
BLOCKING_WORDS = frozenset({"sync", "await", "wait", "block", "blocking", "until"})


@register
class GenServerCallInfinity(Rule):
    id = "genserver-call-infinity"
    severity = Severity.MEDIUM
    title = "GenServer.call or Task.await with an :infinity timeout"
    triggers = (b"GenServer.call", b":gen_server.call", b"Task.await", b"GenServer.stop")
    requires = (b":infinity",)
    rationale = (
        "The default 5 second call timeout is a safety net: it turns a stuck server into an "
        "error in the caller. `:infinity` removes it, so one stuck process can freeze every "
        "caller behind it. The timeout may be a literal or a module attribute "
        "(`@timeout :infinity`). Confidence follows the evidence in the file that the wait "
        "can be long. Medium only when it is strong: a call to a server whose matching "
        "handle_call is in this file and makes an HTTP request or sleeps (waits this server "
        "cannot bound), and Task.await or Task.await_many of tasks that make HTTP requests "
        "(the remote side decides how long they take; the HTTP client's own timeouts are the "
        "only bound left). Everything else is low: a server whose handler is not in this "
        "file (a stuck server is possible, but nothing here shows one); a handler that only "
        "queries the database or calls other processes (those waits carry their own "
        "timeouts); a handler with no blocking work or one that defers its reply on purpose "
        "(`{:noreply, ...}`, answered later with GenServer.reply); a function named or "
        "documented as waiting (`*_sync`, 'blocks until'); an `:infinity` default the caller "
        "can override; other Task awaits; and GenServer.stop(pid, reason, :infinity), which "
        "only spells out GenServer.stop's own default. A sleep right before System.halt is "
        "a grace delay before the VM exits, not blocking work."
    )
    impact = "A slow or deadlocked server blocks its callers forever; failures cascade silently."
    recommendation = (
        "Use a finite timeout sized to the work, and handle the exit, or make the work "
        "asynchronous (cast plus a reply message, or a Task)."
    )
    scope_reason = (
        "Tests and scripts may wait as long as the work takes; ExUnit's own timeout ends a "
        "stuck test."
    )
    dirty_example = """\
def export(server), do: GenServer.call(server, :export, :infinity)
"""
    clean_example = """\
def export(server), do: GenServer.call(server, :export, 60_000)
"""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        infinite = _infinite_attributes(ctx)
        for module_name, fun in CALLS:
            for call in ctx.remote(fun, module=module_name):
                args = effective_arguments(call.node)
                if len(args) != 3:
                    continue
                if _defaults_to_infinity(ctx, args[2], infinite):
                    yield self.finding(
                        ctx,
                        call.node,
                        f"{module_name}.call waits forever unless the caller passes a timeout "
                        "(it defaults to :infinity)",
                        confidence=Confidence.LOW,
                    )
                    continue
                if not _is_infinity(args[2], infinite):
                    continue
                why = _call_confidence(ctx, call.node, args[0], args[1])
                yield self.finding(
                    ctx,
                    call.node,
                    f"{module_name}.call with :infinity never times out ({why[1]})",
                    confidence=why[0],
                )
        for module_name, fun in AWAITS:
            for call in ctx.remote(fun, module=module_name):
                args = effective_arguments(call.node)
                if len(args) != 2 or not _is_infinity(args[1], infinite):
                    continue
                http = _tasks_do_http(ctx, call.node)
                yield self.finding(
                    ctx,
                    call.node,
                    f"Task.{fun} with :infinity waits as long as the tasks take"
                    + (" (they make HTTP requests)" if http else ""),
                    confidence=Confidence.MEDIUM if http else Confidence.LOW,
                )
        for call in ctx.remote("stop", module="GenServer"):
            args = effective_arguments(call.node)
            if len(args) == 3 and _is_infinity(args[2], infinite):
                yield self.finding(
                    ctx,
                    call.node,
                    "GenServer.stop with :infinity (its default) waits as long as terminate/2 "
                    "takes",
                    confidence=Confidence.LOW,
                )


_INFINITE_ATTRIBUTE = re.compile(rb"@[a-z_][A-Za-z0-9_]*\s+:infinity\b")


def _infinite_attributes(ctx: FileContext) -> set[str]:
    """Module attributes set to ``:infinity`` (``@timeout :infinity``), as ``@name``."""
    out: set[str] = set()
    if not _INFINITE_ATTRIBUTE.search(ctx.source):  # a cheap test before the tree walk
        return out
    for node in walk(ctx.root):
        if node.type != "unary_operator" or text(node.child_by_field_name("operator")) != "@":
            continue
        operand = node.child_by_field_name("operand")
        if operand is None or operand.type != "call":
            continue
        args = arguments(operand)
        if len(args) == 1 and text(args[0]) == ":infinity":
            out.add("@" + text(operand.child_by_field_name("target")))
    return out


def _is_infinity(node: Node, attributes: set[str]) -> bool:
    return text(node) == ":infinity" or (node.type == "unary_operator" and text(node) in attributes)


def _defaults_to_infinity(ctx: FileContext, node: Node, attributes: set[str]) -> bool:
    """``node`` is a parameter of the enclosing function declared ``name \\\\ :infinity``."""
    if node.type != "identifier":
        return False
    fn = ctx.function_at(node.start_byte)
    if fn is None or fn.module is None:
        return False
    for clause in fn.module.functions:
        if clause.name != fn.name:
            continue
        for param in clause.params:
            if (
                param.type == "binary_operator"
                and text(param.child_by_field_name("operator")) == "\\\\"
                and text(param.child_by_field_name("left")) == text(node)
            ):
                default = param.child_by_field_name("right")
                return default is not None and _is_infinity(default, attributes)
    return False


def _call_confidence(
    ctx: FileContext, call: Node, server: Node, request: Node
) -> tuple[Confidence, str]:
    fn = ctx.function_at(call.start_byte)
    unseen = "the server's handler is not in this file: nothing here shows it can get stuck"
    if fn is None:
        return Confidence.LOW, unseen
    if _waiting_by_name(ctx, fn):
        return Confidence.LOW, "the function is meant to wait for as long as it takes"
    module = fn.module
    elsewhere = server.type == "alias" and text(server) not in (
        "__MODULE__",
        module.name if module is not None else "",
    )
    handlers = _matching_handlers(module, request) if module and not elsewhere else []
    if not handlers or module is None:
        return Confidence.LOW, unseen
    blocking = blocking_work(ctx, module, handlers)
    unbounded = [(kind, node) for kind, node in blocking if kind in (HTTP, SLEEP)]
    if unbounded:
        kind, node = unbounded[0]
        return Confidence.MEDIUM, f"handle_call does {kind} at line {node.start_point[0] + 1}"
    if blocking:
        kind, node = blocking[0]
        return Confidence.LOW, (
            f"handle_call does {kind} at line {node.start_point[0] + 1}, bounded by its own "
            "timeout unless that is :infinity too"
        )
    if any(_defers_reply(h) for h in handlers):
        return Confidence.LOW, "handle_call defers its reply: the caller waits for it by design"
    return Confidence.LOW, "handle_call does no blocking work"


def _waiting_by_name(ctx: FileContext, fn: FunctionDef) -> bool:
    """``remove_sync``, ``await_ready``... or an @doc saying the function waits or blocks."""
    if set(fn.name.rstrip("?!").split("_")) & BLOCKING_WORDS:
        return True
    doc = _doc_of(ctx, fn)
    return any(word in doc for word in ("blocks", "waits", "synchronously", "block until"))


def _doc_of(ctx: FileContext, fn: FunctionDef) -> str:
    """The text of the ``@doc`` right before ``fn``'s first clause, lower-cased."""
    module = fn.module
    if module is None:
        return ""
    first = next((f for f in module.functions if f.name == fn.name), fn)
    before = [f for f in module.functions if f.end_byte <= first.start_byte]
    floor = before[-1].end_byte if before else module.node.start_byte
    best = ""
    for attr in ctx.attributes("doc"):
        if floor <= attr.start_byte < first.start_byte:
            best = text(attr).lower()
    return best


def _matching_handlers(module: ModuleDef, request: Node) -> list[FunctionDef]:
    """The module's handle_call/3 clauses that can match ``request``, compared by literal
    shape (atoms, module attributes, tuple sizes). Empty when the request is not literal."""
    clauses = module.clauses("handle_call", 3)
    if not clauses or not _literal_head(request):
        return []
    out = []
    for clause in clauses:
        params = clause.params
        if not params:
            continue
        pattern = params[0]
        if (
            pattern.type == "binary_operator"
            and text(pattern.child_by_field_name("operator")) == "="
        ):
            pattern = pattern.child_by_field_name("left") or pattern
        if _compatible(request, pattern):
            out.append(clause)
    return out


_LITERALS = frozenset({"atom", "string", "integer", "boolean", "nil"})


def _is_fixed(node: Node) -> bool:
    """A literal or a module attribute: a value known where it is written."""
    return node.type in _LITERALS or (
        node.type == "unary_operator" and text(node.child_by_field_name("operator")) == "@"
    )


def _literal_head(request: Node) -> bool:
    if request.type == "tuple":
        first = request.named_child(0)
        return first is not None and _is_fixed(first)
    return _is_fixed(request)


def _compatible(value: Node, pattern: Node) -> bool:
    """Whether ``pattern`` can match ``value`` as far as their fixed parts tell."""
    if pattern.type == "identifier":
        return True
    if _is_fixed(value) and _is_fixed(pattern):
        return text(value) == text(pattern)
    if value.type == "tuple" and pattern.type == "tuple":
        items = [c for c in value.named_children if c.type != "comment"]
        shapes = [c for c in pattern.named_children if c.type != "comment"]
        return len(items) == len(shapes) and all(map(_compatible, items, shapes))
    structured = ("tuple", "list", "map")
    value_known = _is_fixed(value) or value.type in structured
    pattern_known = _is_fixed(pattern) or pattern.type in structured
    return not (value_known and pattern_known)


def _defers_reply(clause: FunctionDef) -> bool:
    """The clause answers later: it returns ``{:noreply, ...}`` (GenServer.reply elsewhere)."""
    body = clause.body
    return body is not None and any(
        n.type == "tuple" and n.named_child_count and text(n.named_child(0)) == ":noreply"
        for n in walk(body)
    )


def _tasks_do_http(ctx: FileContext, await_call: Node) -> bool:
    """The tasks started in the same function as ``await_call`` make HTTP requests, directly
    or through local functions of the module."""
    fn = ctx.function_at(await_call.start_byte)
    if fn is None or fn.module is None:
        return False
    graph = call_graph(ctx, fn.module)
    for node in walk(fn.node):
        if node.type != "call" or not (call_target(node) or "").startswith("Task."):
            continue
        for inner in walk(node):
            if spawned_by(inner, node) is None:
                continue
            if inner.type == "call" and blocking_kind(inner) == HTTP:
                return True
            name = call_target(inner) if inner.type == "call" else _captured(inner)
            if not name or "." in name:
                continue
            callees = graph.clauses(name, call_arity(inner))
            if any(kind == HTTP for kind, _ in blocking_work(ctx, fn.module, callees)):
                return True
    return False


def _captured(node: Node) -> str | None:
    """``&fetch/1`` -> ``fetch``."""
    if node.type != "unary_operator" or text(node.child_by_field_name("operator")) != "&":
        return None
    operand = node.child_by_field_name("operand")
    if operand is None or operand.type != "binary_operator":
        return None
    left = operand.child_by_field_name("left")
    return text(left) if left is not None and left.type == "identifier" else None
