"""Where a value comes from: a backward trace inside one file, used by the rules that judge how
dangerous a use of a value is (``unsafe-atom-creation``, ``changeset-bypass``).

:class:`Tracer` follows a value back through matches, ``with``/``for``/``case`` clauses, the
elements of an ``Enum`` callback, pipes and the pure library functions that pass data along,
and into the callers of a private function, until it reaches

- a request: controller action params, LiveView event and URL params, Channel payloads,
  ``conn.params`` and friends, decoded JSON of a request, socket data (:attr:`Origin.REQUEST`);
- outside data that is not proven attacker-controlled (an HTTP response, JSON of unknown
  origin, a value read by string key from a params-shaped map) (:attr:`Origin.EXTERNAL`);
- something untraced: an argument of a public function, the result of a call we cannot see
  into, even of outside data (it may bound it) (:attr:`Origin.UNKNOWN`);
- something bounded or trusted: literals, module attributes, names of existing atoms,
  environment and application configuration, a value checked against an allowlist
  (:attr:`Origin.SAFE`).

The vocabulary (:class:`Origin`, :class:`Trace`), the entry points (which parameters of which
callbacks are request data) and the tables of sources live in ``_sources.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from elixir_pro.engine.context import (
    FileContext,
    FunctionDef,
    arguments,
    effective_arguments,
    text,
)
from elixir_pro.engine.rules import _flow as flow
from elixir_pro.engine.rules import _sources as src
from elixir_pro.engine.rules._common import is_literal
from elixir_pro.engine.rules._sources import Origin, Trace

MAX_DEPTH = 24


SAFE = Trace(Origin.SAFE)
UNTRACED = Trace(Origin.UNKNOWN, "an untraced value")
#: Operators whose result is a boolean: nothing of the operands flows into it.
_NO_VALUE_OPS = frozenset({"in", "not in", "==", "!=", "===", "!==", "<", ">", "<=", ">="})


def worst(traces: Iterable[Trace]) -> Trace:
    out = SAFE
    for trace in traces:
        out = out.worst(trace)
    return out


def through_call(trace: Trace, call: str) -> Trace:
    """A value computed by a call we cannot see into: untraced. Outside data passed in is
    named in the reason, but the call may well bound it (a normaliser, a lookup, a
    validation), so it proves nothing."""
    if trace.origin > Origin.UNKNOWN:
        return Trace(Origin.UNKNOWN, f"the result of {call} on {trace.why}", computed=True)
    return Trace(Origin.UNKNOWN, f"the result of {call}", computed=True)


def params_shaped(trace: Trace, key: Node | None, source: Node | None = None) -> Trace:
    """A value read by a string key (``attrs["email"]``) out of an untraced map passed in as
    an argument: string keys are the shape of request params (Elixir's own data uses atom
    keys), so it is likely outside input. Not so for a map a call returned (a config loader,
    a decoder: its origin is that call's), nor for an environment variable's name
    (``env["LOG_LEVEL"]``: configuration). A map named ``params`` (or ``*_params``), Phoenix's
    name for request parameters handed down from an action, counts as params; any other
    string-keyed map is only *shaped* like them (``Trace.shaped``)."""
    if (
        trace.origin == Origin.UNKNOWN
        and not trace.computed
        and key is not None
        and key.type == "string"
        and not _ENV_NAME.fullmatch(text(key).strip('"'))
    ):
        if source is not None and _PARAMS_NAME.fullmatch(text(source)):
            return Trace(Origin.EXTERNAL, f"{text(source)} (read by the key {text(key)})")
        return Trace(
            Origin.EXTERNAL,
            f"a params-shaped map (read by the key {text(key)})",
            shaped=f"a map of untraced origin (read by the key {text(key)})",
        )
    return trace


#: Phoenix's name for request parameters passed down from an action.
_PARAMS_NAME = re.compile(r"(?:[a-z_][a-z0-9_]*_)?params")


#: An environment variable's name: ``"DATABASE_URL"``, ``"LOG_LEVEL"``.
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,}")


class Tracer:
    """Backward traces over one file. Results for function parameters are memoised."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._params: dict[tuple[int, str, int, int], Trace] = {}
        self._active: set[tuple[int, str, int, int]] = set()

    def trace(self, node: Node) -> Trace:
        """Where the value of the expression ``node`` comes from."""
        return self._expr(node, self.ctx.function_at(node.start_byte), 0)

    def elements_of(self, fun: Node) -> Trace:
        """For a callback (``fn``/``&...``) given to ``Enum.map(collection, callback)`` and
        friends: where the collection's elements come from."""
        return self._elements(fun, self.ctx.function_at(fun.start_byte), 0)

    # -- expressions ----------------------------------------------------------------------

    def _expr(self, node: Node, fn: FunctionDef | None, depth: int) -> Trace:
        if depth > MAX_DEPTH:
            return UNTRACED
        kind = node.type
        if kind in ("string", "charlist", "quoted_atom", "sigil"):
            return worst(
                self._expr(inner, fn, depth + 1)
                for part in node.named_children
                if part.type == "interpolation"
                for inner in part.named_children
            )
        if is_literal(node):
            return SAFE
        if kind == "identifier":
            return self._var(node, fn, depth)
        if kind == "unary_operator":
            return self._unary(node, fn, depth)
        if kind == "binary_operator":
            return self._binary(node, fn, depth)
        if kind == "access_call":
            target = node.child_by_field_name("target")
            if target is None:
                return UNTRACED
            key = node.child_by_field_name("key")
            return params_shaped(self._expr(target, fn, depth + 1), key, target)
        if kind == "call":
            return self._call(node, fn, depth)
        if kind in ("list", "tuple", "map", "map_content", "bitstring", "keywords", "pair"):
            return worst(self._expr(c, fn, depth + 1) for c in node.named_children)
        if kind in ("block", "interpolation"):
            children = [c for c in node.named_children if c.type != "comment"]
            return self._expr(children[-1], fn, depth + 1) if children else SAFE
        if kind in ("anonymous_function", "comment"):
            return SAFE
        return UNTRACED

    def _unary(self, node: Node, fn: FunctionDef | None, depth: int) -> Trace:
        op = text(node.child_by_field_name("operator"))
        operand = node.child_by_field_name("operand")
        if op == "@" or operand is None:
            return SAFE  # a module attribute: fixed at compile time
        if op == "&":
            if operand.type == "integer":  # &1 inside a capture: an element of a collection
                capture = flow.enclosing_capture(node)
                return self._elements(capture, fn, depth + 1) if capture else UNTRACED
            return SAFE  # a function value
        if op == "^":
            return self._expr(operand, fn, depth + 1)
        return SAFE  # -x, not x, !x

    def _binary(self, node: Node, fn: FunctionDef | None, depth: int) -> Trace:
        op = text(node.child_by_field_name("operator"))
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return UNTRACED
        if op == "|>":
            if right.type == "call":
                return self._call(right, fn, depth)
            return through_call(self._expr(left, fn, depth + 1), text(right))
        if op in ("=", "<-"):
            return self._expr(right, fn, depth + 1)
        if op in ("::", "when", "\\\\"):
            return self._expr(left, fn, depth + 1)
        if op in _NO_VALUE_OPS:
            return SAFE
        return self._expr(left, fn, depth + 1).worst(self._expr(right, fn, depth + 1))

    def _call(self, node: Node, fn: FunctionDef | None, depth: int) -> Trace:
        target = node.child_by_field_name("target")
        args = effective_arguments(node)
        values = [a for a in args if not flow.is_function_value(a)]
        if target is not None and target.type == "dot":
            left = target.child_by_field_name("left")
            right = target.child_by_field_name("right")
            name = text(right)
            if left is None or right is None:
                return UNTRACED
            if left.type not in ("alias", "atom") and node.named_child_count == 1:
                return self._field(left, name, fn, depth)  # data.name
            module = text(left)
            return self._remote(node, module, name, values, fn, depth)
        name = text(target)
        if name in ("case", "if", "unless", "cond", "with", "try", "receive", "for"):
            return self._branches(node, fn, depth)
        source = src.LOCAL_SOURCES.get(name)
        if source is not None:
            return source
        if name in src.TRUSTED_LOCAL:
            return SAFE
        if name in src.PASS_LOCAL:
            return worst(self._expr(a, fn, depth + 1) for a in values)
        inner = worst(self._expr(a, fn, depth + 1) for a in values)
        return through_call(inner, f"{name}/{len(args)}")

    def _remote(
        self,
        node: Node,
        module: str,
        fun: str,
        values: list[Node],
        fn: FunctionDef | None,
        depth: int,
    ) -> Trace:
        key = (module, fun)
        if key in src.DECODERS:
            decoded = worst(self._expr(a, fn, depth + 1) for a in values[:1])
            if decoded.origin in (Origin.SAFE, Origin.REQUEST):
                return decoded
            return Trace(Origin.EXTERNAL, f"JSON decoded by {module}.{fun}")
        source = src.REMOTE_SOURCES.get(key) or src.MODULE_SOURCES.get(module)
        if source is not None:
            return source
        if key in src.TRUSTED_REMOTE or module in src.TRUSTED_MODULES:
            return SAFE
        inner = worst(self._expr(a, fn, depth + 1) for a in values)
        if key in src.MAP_READS and len(values) >= 2:
            return params_shaped(inner, values[1], values[0])
        if module in src.PASS_MODULES:
            return inner
        return through_call(inner, f"{module}.{fun}")

    def _field(self, left: Node, name: str, fn: FunctionDef | None, depth: int) -> Trace:
        if left.type == "identifier" and text(left) == "conn" and name in src.CONN_FIELDS:
            return Trace(Origin.REQUEST, f"conn.{name}")
        return self._expr(left, fn, depth + 1)

    def _branches(self, node: Node, fn: FunctionDef | None, depth: int) -> Trace:
        """The value of a ``case``/``if``/``with``/``for``/...: the last expression of each
        branch (``do``/``else`` blocks or keywords, and every clause of them)."""
        ends = flow.branch_ends(node, _DO_ELSE)
        return worst(self._expr(end, fn, depth + 1) for end in ends)

    # -- variables ------------------------------------------------------------------------

    def _var(self, ident: Node, fn: FunctionDef | None, depth: int) -> Trace:
        if fn is None:
            return UNTRACED
        name = text(ident)
        if flow.checked(ident, fn):
            return SAFE
        child, node = ident, ident.parent
        while node is not None and node.start_byte >= fn.start_byte:
            found = self._bound_at(node, child, ident.start_byte, name, fn, depth)
            if found is not None:
                return found
            if node == fn.node:
                break
            child, node = node, node.parent
        return UNTRACED  # a zero-arity call written without parentheses, or unbound

    def _bound_at(
        self, node: Node, child: Node, at: int, name: str, fn: FunctionDef, depth: int
    ) -> Trace | None:
        """The trace of ``name`` if ``node`` (an ancestor of the use at byte ``at``, reached
        from ``child``) binds it, else None."""
        kind = node.type
        if kind in flow.SEQUENCES:
            for stmt in flow.before(node, child):
                rhs = flow.match_rhs(stmt, name)
                if rhs is not None:
                    return self._expr(rhs, fn, depth + 1)
            return None
        if kind == "stab_clause" and child == node.child_by_field_name("right"):
            return self._clause(node, name, fn, depth)
        if kind == "call" and node == fn.node:
            return self._param_of(fn, name, depth)
        if kind == "call" and text(node.child_by_field_name("target")) in ("if", "unless"):
            args = arguments(node)
            if args and args[0].end_byte <= at:  # if value = expr do ... end
                rhs = flow.match_rhs(args[0], name)
                return self._expr(rhs, fn, depth + 1) if rhs is not None else None
            return None
        if kind == "call" and text(node.child_by_field_name("target")) in ("with", "for"):
            comprehension = text(node.child_by_field_name("target")) == "for"
            for clause in reversed(flow.clauses_before(node, at)):
                rhs = flow.match_rhs(clause, name, arrows=True)
                if rhs is None:
                    continue
                trace = self._expr(rhs, fn, depth + 1)
                arrow = text(clause.child_by_field_name("operator")) == "<-"
                if comprehension and arrow and trace.origin == Origin.SAFE:
                    return SAFE
                return trace
        return None

    def _clause(self, clause: Node, name: str, fn: FunctionDef, depth: int) -> Trace | None:
        left = clause.child_by_field_name("left")
        if left is None:
            return None
        patterns = flow.clause_patterns(left)
        index = next((i for i, p in enumerate(patterns) if flow.binds(p, name)), None)
        if index is None:
            return None
        owner = clause.parent
        if owner is not None and owner.type == "anonymous_function":
            if index == 0:
                return self._elements(owner, fn, depth + 1)
            return UNTRACED
        call = owner.parent if owner is not None else None
        head = text(call.child_by_field_name("target")) if call is not None else ""
        if head == "case" and call is not None:
            subject = effective_arguments(call)
            return self._expr(subject[0], fn, depth + 1) if subject else UNTRACED
        if head == "receive":
            return src.message_source(patterns[index]) or UNTRACED
        return UNTRACED

    def _elements(self, fun: Node, fn: FunctionDef | None, depth: int) -> Trace:
        """Where the elements handed to the callback ``fun`` come from: the collection of the
        call it is given to (``Enum.map(collection, fun)``)."""
        holder = fun.parent
        call = holder.parent if holder is not None and holder.type == "arguments" else None
        if call is None and holder is not None and holder.type == "call":
            call = holder
        if call is None or call.type != "call":
            return UNTRACED
        args = effective_arguments(call)
        if not args or args[0] == fun or flow.is_function_value(args[0]):
            return UNTRACED
        return self._expr(args[0], fn, depth + 1)

    # -- parameters -----------------------------------------------------------------------

    def _param_of(self, fn: FunctionDef, name: str, depth: int) -> Trace:
        index = next((i for i, p in enumerate(fn.params) if flow.binds(p, name)), None)
        if index is None:
            return UNTRACED
        trace = self.param(fn, index, depth)
        if (
            trace.origin == Origin.UNKNOWN
            and not trace.computed
            and flow.string_keyed_binding(fn.params[index], name)
        ):
            return Trace(
                Origin.EXTERNAL,
                f"`{name}`, matched by string key in a params-shaped argument of "
                f"{fn.name}/{fn.arity}",
                shaped=f"`{name}`, matched by string key in an argument of "
                f"{fn.name}/{fn.arity} whose origin is not traced",
            )
        return trace

    def param(self, fn: FunctionDef, index: int, depth: int = 0) -> Trace:
        """Where parameter ``index`` of ``fn`` comes from: an entry point's request data,
        or what the module's own callers pass (private functions)."""
        entry = src.entry_point(self.ctx, fn, index)
        if entry is not None:
            return entry
        key = (id(fn.module), fn.name, fn.arity, index)
        known = self._params.get(key)
        if known is not None:
            return known
        if key in self._active or depth > MAX_DEPTH:
            return SAFE  # a recursive call: the outer callers decide
        self._active.add(key)
        try:
            trace = self._callers(fn, index, depth)
        finally:
            self._active.discard(key)
        if fn.kind == "def":
            trace = trace.worst(
                Trace(Origin.UNKNOWN, f"an argument of the public function {fn.name}/{fn.arity}")
            )
        self._params[key] = trace
        return trace

    def _callers(self, fn: FunctionDef, index: int, depth: int) -> Trace:
        ctx = self.ctx
        out = SAFE
        seen = False
        for call in ctx.calls(fn.name):
            caller = ctx.function_at(call.start_byte)
            if (
                caller is None
                or caller.module is not fn.module
                or call.start_byte < caller.head_end
            ):
                continue
            args = effective_arguments(call)
            if len(args) != fn.arity or index >= len(args):
                continue
            seen = True
            out = out.worst(self._expr(args[index], caller, depth + 1))
        for capture in ctx.captures(fn.name):
            seen = True
            caller = ctx.function_at(capture.start_byte)
            out = out.worst(self._elements(capture, caller, depth + 1) if index == 0 else UNTRACED)
        if not seen and fn.kind == "defp":
            return Trace(Origin.UNKNOWN, f"an argument of {fn.name}/{fn.arity}")
        return out


_DO_ELSE = frozenset({"do", "else"})
