"""Message shapes and the clauses that match them: what a message source delivers (a monitor's
``{:DOWN, ref, :process, pid, reason}``, a timer's ``:tick``) against the patterns of a
process's ``handle_info`` clauses.

A shape keeps only what is known where the message is written: atoms, tuple sizes, and the
opaque terms (references, pids, ports) that no literal pattern matches. Everything else is
``ANY``. Matching is generous: a pattern *may* match a shape unless their known parts differ,
and guards are ignored, so "no clause matches" is only said when it is certain.

Also here: the message a monitor, a timer or a send to self() delivers, and the code of a
telemetry handler (which may send). Used by the rule ``genserver-missing-catch-all``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tree_sitter import Node

from elixir_pro.engine.context import (
    FunctionDef,
    ModuleDef,
    effective_arguments,
    keyword_value,
    text,
)
from elixir_pro.engine.parse import call_target


@dataclass(frozen=True, slots=True)
class Shape:
    """``any``; ``atom`` (``value`` is its text, ``:tick``); ``opaque`` (a reference, pid or
    port: ``value`` says which); ``value`` (a string, number, list or map); ``tuple``."""

    kind: str
    value: str = ""
    items: tuple[Shape, ...] = ()

    def __str__(self) -> str:
        if self.kind == "tuple":
            return "{" + ", ".join(str(i) for i in self.items) + "}"
        if self.kind in ("atom", "opaque"):
            return self.value
        return "_"


ANY = Shape("any")
REF = Shape("opaque", "ref")
PID = Shape("opaque", "pid")
PORT = Shape("opaque", "port")


def atom(name: str) -> Shape:
    return Shape("atom", name)


def tup(*items: Shape) -> Shape:
    return Shape("tuple", items=items)


#: What the usual message sources deliver.
DOWN = tup(atom(":DOWN"), REF, ANY, ANY, ANY)
EXIT = tup(atom(":EXIT"), ANY, ANY)
TASK_REPLY = tup(REF, ANY)
PORT_DATA = tup(PORT, tup(atom(":data"), ANY))
PG_EVENTS = (tup(REF, atom(":join"), ANY, ANY), tup(REF, atom(":leave"), ANY, ANY))

SENDS = frozenset({"send", "Kernel.send", "Process.send", ":erlang.send"})
_VALUES = frozenset({"string", "charlist", "integer", "float", "char", "list", "map", "sigil"})
_OPAQUE_CALLS = {"self": PID, "make_ref": REF, "Kernel.self": PID, "Kernel.make_ref": REF}


def _atom_text(node: Node) -> str:
    if node.type == "quoted_atom":
        return ":" + text(node)[2:-1]
    if node.type in ("boolean", "nil"):
        return ":" + text(node)
    return text(node)


def _items(node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type != "comment"]


def shape_of(node: Node) -> Shape:
    """The shape of a message as written in the source (``{:tick, n}`` -> ``{:tick, _}``)."""
    kind = node.type
    if kind in ("atom", "quoted_atom", "boolean", "nil"):
        return atom(_atom_text(node))
    if kind == "tuple":
        return tup(*(shape_of(c) for c in _items(node)))
    if kind in _VALUES:
        return Shape("value", kind)
    if kind == "call" and not _items_of_call(node):
        return _OPAQUE_CALLS.get(call_target(node) or "", ANY)
    return ANY


def _items_of_call(call: Node) -> list[Node]:
    args = next((c for c in call.children if c.type == "arguments"), None)
    return _items(args) if args is not None else []


def may_match(pattern: Node, shape: Shape) -> bool:
    """Whether ``pattern`` can match some message of ``shape`` (unknown parts match)."""
    kind = pattern.type
    if kind == "identifier" or kind == "unary_operator":  # a variable, ^pinned or @attribute
        return True
    if kind == "binary_operator":
        operator = text(pattern.child_by_field_name("operator"))
        left, right = pattern.child_by_field_name("left"), pattern.child_by_field_name("right")
        if operator == "=" and left is not None and right is not None:
            return may_match(left, shape) and may_match(right, shape)
        if operator == "when" and left is not None:
            return may_match(left, shape)
        if operator == "<>":
            return shape.kind in ("any", "value")
        return True
    if shape.kind == "any":
        return True
    if kind in ("atom", "quoted_atom", "boolean", "nil"):
        return shape.kind == "atom" and shape.value == _atom_text(pattern)
    if kind == "tuple":
        items = _items(pattern)
        return (
            shape.kind == "tuple"
            and len(items) == len(shape.items)
            and all(may_match(p, s) for p, s in zip(items, shape.items, strict=True))
        )
    if kind in _VALUES:
        return shape.kind == "value"
    return True


def handled(clauses: Iterable[FunctionDef], shape: Shape) -> bool:
    """Some clause may take a message of ``shape`` as its first argument. A message of unknown
    shape is handled only by a clause that takes anything."""
    for clause in clauses:
        params = clause.params
        if not params:
            continue
        if shape.kind == "any":
            if params[0].type == "identifier":
                return True
        elif may_match(params[0], shape):
            return True
    return False


# -- where messages come from -----------------------------------------------------------


def down_of(monitor: Node) -> Shape:
    """The :DOWN message of a monitor; ``Process.monitor(pid, tag: t)`` puts ``t`` first."""
    for arg in effective_arguments(monitor)[1:]:
        tag = keyword_value(arg, "tag") if arg.type in ("keywords", "list") else None
        if tag is not None:
            return tup(shape_of(tag), *DOWN.items[1:])
    return DOWN


def sent_to_self(call: Node, target: str) -> Shape | None:
    """The shape of the message a timer or a send delivers to the process itself."""
    args = effective_arguments(call)

    def to_self(dest: Node) -> bool:
        return text(dest).replace(" ", "") in ("self()", "Kernel.self()")

    if target in SENDS and len(args) >= 2 and to_self(args[0]):
        return shape_of(args[1])
    if target == "Process.send_after" and len(args) >= 3 and to_self(args[0]):
        return shape_of(args[1])
    if target in (":erlang.send_after", ":erlang.start_timer") and len(args) >= 3:
        if not to_self(args[1]):
            return None
        message = shape_of(args[2])
        return tup(atom(":timeout"), REF, message) if target.endswith("timer") else message
    if target in (":timer.send_interval", ":timer.send_after"):
        if len(args) == 2:
            return shape_of(args[1])
        if len(args) == 3 and to_self(args[1]):
            return shape_of(args[2])
    return None


def handler_bodies(handler: Node, module: ModuleDef | None) -> list[Node] | None:
    """The code of a telemetry handler: an anonymous function, or the clauses of a capture of
    the module's own function (``&__MODULE__.handle_event/4``, ``&handle_event/4``); None when
    it is defined elsewhere."""
    if handler.type == "anonymous_function":
        return [handler]
    if handler.type != "unary_operator" or module is None:
        return None
    operand = handler.child_by_field_name("operand")
    if operand is None or operand.type != "binary_operator":
        return None
    named = operand.child_by_field_name("left")
    name = call_target(named) if named is not None and named.type == "call" else text(named)
    owner, _, fun = (name or "").rpartition(".")
    if owner not in ("", "__MODULE__", module.name):
        return None
    found = [f.node for f in module.functions if f.name == fun and f.arity == 4]
    return found or None
