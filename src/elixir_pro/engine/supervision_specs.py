"""Child specs and the expressions they are written in, for the supervision map: keyword
lists, literals, locals bound earlier in the same function, ``++`` of lists, module aliases, and
every common child-spec form (``Mod``, ``{Mod, arg}``, ``Supervisor.child_spec/2``,
``%{id:, start:}``, the built-in supervisors and Registry). Used by
:mod:`elixir_pro.engine.supervision`.

Every reader here is total on any tree: comments are never read as values, a local only ever
resolves to a binding that ends before the place it is read (so ``children = children ++ more``
reads the earlier ``children``), and resolution stops after a fixed number of steps, leaving
the value "computed at run time" instead of looping or recursing without end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tree_sitter import Node

from elixir_pro.engine.nodes import arguments
from elixir_pro.engine.parse import call_target, node_text, walk
from elixir_pro.engine.supervision_model import Location, ProcessKind, ProcessNode

BUILTINS = {
    "Registry": ProcessKind.REGISTRY,
    "DynamicSupervisor": ProcessKind.DYNAMIC_SUPERVISOR,
    "Task.Supervisor": ProcessKind.TASK_SUPERVISOR,
    "PartitionSupervisor": ProcessKind.PARTITION_SUPERVISOR,
    "Agent": ProcessKind.AGENT,
    "Task": ProcessKind.TASK,
    "Supervisor": ProcessKind.SUPERVISOR,
}


#: How many locals and ``++`` operands one children list is resolved through at most.
RESOLVE_BUDGET = 64
#: How deeply ``Supervisor.child_spec/2`` calls are read inside one another.
MAX_SPEC_DEPTH = 8


def named(node: Node) -> list[Node]:
    """``node``'s named children without comments (a comment is never a value)."""
    return [c for c in node.named_children if c.type != "comment"]


def keyword_map(node: Node | None) -> dict[str, Node]:
    """``key: value`` pairs of a keywords / list-of-keywords node."""
    out: dict[str, Node] = {}
    if node is None:
        return out
    target = node
    if node.type == "list":
        kw = next((c for c in node.named_children if c.type == "keywords"), None)
        if kw is None:
            return out
        target = kw
    if target.type != "keywords":
        return out
    for pair in target.named_children:
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key is not None and value is not None:
            out[node_text(key).rstrip(": ").strip()] = value
    return out


def atom_value(node: Node | None) -> str | None:
    if node is None:
        return None
    text = node_text(node)
    return text[1:] if text.startswith(":") else text


def int_value(node: Node | None) -> int | None:
    if node is None or node.type != "integer":
        return None
    try:
        return int(node_text(node).replace("_", ""))
    except ValueError:
        return None


def bound_value(scope: Node, name: str, before: int) -> Node | None:
    """The value last bound to local ``name`` in ``scope`` by a match that ends before byte
    offset ``before``. In ``x = x ++ more`` the ``x`` on the right is the earlier binding,
    never the match it sits in, so following bindings always moves back through the source."""
    found: Node | None = None
    for node in walk(scope):
        if node.start_byte >= before:
            break
        if node.type != "binary_operator" or node.end_byte > before:
            continue
        op = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if (
            op is not None
            and node_text(op) == "="
            and left is not None
            and right is not None
            and left.type == "identifier"
            and node_text(left) == name
        ):
            found = right
    return found


def resolve_local(node: Node | None, scope: Node, budget: list[int] | None = None) -> Node | None:
    """``node`` itself, or for a local, the value bound to it (through ``a = b`` chains);
    None when it has no binding the source shows. ``budget`` (one mutable count) caps the
    bindings followed."""
    budget = budget if budget is not None else [RESOLVE_BUDGET]
    while node is not None and node.type == "identifier":
        budget[0] -= 1
        if budget[0] < 0:
            return None
        node = bound_value(scope, node_text(node), node.start_byte)
    return node


@dataclass(frozen=True, slots=True)
class Computed:
    """A part of a ``++`` list whose items are only known at run time (``f(conf)``)."""

    node: Node


def list_items(node: Node | None, scope: Node) -> list[Node | Computed] | None:
    """The items of a literal list, a local bound to one, or a ``++`` of those, in order; a
    ``++`` operand known only at run time is one :class:`Computed` entry. None when nothing of
    the list can be read from the source."""
    budget = [RESOLVE_BUDGET]
    return _list_items(node, scope, budget)


def _list_items(node: Node | None, scope: Node, budget: list[int]) -> list[Node | Computed] | None:
    budget[0] -= 1
    if budget[0] < 0:
        return None
    value = resolve_local(node, scope, budget)
    if value is None:
        return None
    if value.type == "list":
        return [c for c in named(value) if c.type != "keywords"]
    if value.type == "binary_operator":
        op = value.child_by_field_name("operator")
        left_node = value.child_by_field_name("left")
        right_node = value.child_by_field_name("right")
        if (
            op is not None
            and node_text(op) == "++"
            and left_node is not None
            and right_node is not None
        ):
            left = _list_items(left_node, scope, budget)
            right = _list_items(right_node, scope, budget)
            if left is None and right is None:
                return None
            return [
                *(left if left is not None else [Computed(left_node)]),
                *(right if right is not None else [Computed(right_node)]),
            ]
    if value.type == "binary_operator" and _keeps_items(value):
        # [a, b, nil] |> Enum.reject(&is_nil/1): the children it may keep
        return _list_items(value.child_by_field_name("left"), scope, budget)
    if value.type == "call":
        branches = _branches(value, scope)
        if branches is not None:
            return _union(branches, budget)
    return None


#: Pipeline steps that keep some or all of a list's items, in order.
_KEEPING = frozenset({"Enum.reject", "Enum.filter", "Enum.uniq", "List.flatten", "List.compact"})


def _keeps_items(pipe: Node) -> bool:
    op = pipe.child_by_field_name("operator")
    right = pipe.child_by_field_name("right")
    return (
        op is not None
        and node_text(op) == "|>"
        and right is not None
        and right.type == "call"
        and call_target(right) in _KEEPING
    )


#: Calls whose value is one of their branches'.
_CONDITIONALS = frozenset({"if", "unless", "case", "cond", "with"})


def _branches(call: Node, scope: Node) -> list[tuple[Node, Node]] | None:
    """The (value, scope) a call can return, when the source shows them: each branch of an
    ``if``/``unless``/``case``/``cond``/``with``, or the last expression of each clause of a
    function of the same module called without a module (``children(mode)``)."""
    target = call.child_by_field_name("target")
    if target is None or target.type != "identifier":
        return None
    name = node_text(target)
    if name in _CONDITIONALS:
        return [(v, scope) for v in _conditional_values(call)]
    arity = len(arguments(call))
    return [
        (last, clause)
        for clause in _local_clauses(scope, name, arity)
        if (last := _last_expression(clause)) is not None
    ]


def _conditional_values(call: Node) -> list[Node]:
    out: list[Node] = []
    args = arguments(call)
    keywords = args[-1] if args and args[-1].type == "keywords" else None
    if keywords is not None:  # if cond, do: a, else: b
        out.extend(v for k, v in keyword_map(keywords).items() if k in ("do", "else"))
    block = next((c for c in call.named_children if c.type == "do_block"), None)
    if block is None:
        return out
    for part in [block, *(c for c in block.named_children if c.type == "else_block")]:
        clauses = [c for c in named(part) if c.type == "stab_clause"]
        if clauses:  # case / cond / with ... else
            for clause in clauses:
                body = clause.child_by_field_name("right")
                last = named(body)[-1] if body is not None and named(body) else None
                if last is not None:
                    out.append(last)
            continue
        values = [c for c in named(part) if c.type != "else_block"]
        if values:
            out.append(values[-1])
    return out


def _local_clauses(scope: Node, name: str, arity: int) -> list[Node]:
    """The ``def``/``defp`` clauses named ``name`` with ``arity`` parameters in the module
    around ``scope``."""
    module: Node | None = scope
    while module is not None and not (module.type == "call" and call_target(module) == "defmodule"):
        module = module.parent
    block = (
        next((c for c in module.named_children if c.type == "do_block"), None) if module else None
    )
    if block is None:
        return []
    out: list[Node] = []
    for node in named(block):
        if node.type != "call" or call_target(node) not in ("def", "defp"):
            continue
        args = arguments(node)
        head = args[0] if args else None
        if head is not None and head.type == "binary_operator":  # def f(x) when ...
            head = head.child_by_field_name("left")
        if head is None:
            continue
        by_name = head.type == "identifier" and node_text(head) == name and arity == 0
        by_call = (
            head.type == "call" and call_target(head) == name and len(arguments(head)) == arity
        )
        if by_name or by_call:
            out.append(node)
    return out


def _last_expression(clause: Node) -> Node | None:
    """What a function clause returns: the last expression of its body."""
    block = next((c for c in clause.named_children if c.type == "do_block"), None)
    if block is not None:
        values = named(block)
        return values[-1] if values else None
    args = arguments(clause)
    inline = keyword_map(args[-1]) if args and args[-1].type == "keywords" else {}
    return inline.get("do")


def _union(branches: list[tuple[Node, Node]], budget: list[int]) -> list[Node | Computed] | None:
    """The children any branch may give, each once (by its source text), in source order;
    a branch whose list cannot be read is one :class:`Computed` entry."""
    out: list[Node | Computed] = []
    seen: set[str] = set()
    known = False
    for value, scope in branches:
        items = _list_items(value, scope, budget)
        if items is None:
            out.append(Computed(value))
            continue
        known = True
        for item in items:
            key = node_text(item.node if isinstance(item, Computed) else item)
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out if known else None


def child_spec(node: Node, path: str, aliases: dict[str, str], depth: int = 0) -> ProcessNode:
    """A child spec expression as a node (module-kinds are filled in when the tree is built)."""
    loc = Location(path, node.start_point[0] + 1)
    if node.type == "alias":
        name = expand_alias(node_text(node), aliases)
        kind = BUILTINS.get(name, ProcessKind.UNKNOWN)
        return ProcessNode(name, kind, module=None if name in BUILTINS else name, location=loc)
    items = named(node) if node.type == "tuple" else []
    if items:
        head, *rest = items
        if head.type != "alias":
            return ProcessNode(_label(node), ProcessKind.UNKNOWN, location=loc)
        name = expand_alias(node_text(head), aliases)
        opts = keyword_map(rest[0]) if rest else {}
        if name in BUILTINS:
            registered = expand_alias(node_text(opts["name"]), aliases) if "name" in opts else None
            label = f"{name} {registered}" if registered else name
            return ProcessNode(
                label,
                BUILTINS[name],
                registered_as=registered,
                strategy=atom_value(opts.get("strategy")),
                max_restarts=int_value(opts.get("max_restarts")),
                max_seconds=int_value(opts.get("max_seconds")),
                location=loc,
            )
        return ProcessNode(name, ProcessKind.UNKNOWN, module=name, location=loc)
    if (
        node.type == "call"
        and depth < MAX_SPEC_DEPTH
        and call_target(node) == "Supervisor.child_spec"
    ):
        args = arguments(node)
        if args:
            base = child_spec(args[0], path, aliases, depth + 1)
            overrides = keyword_map(args[1]) if len(args) > 1 else {}
            restart = atom_value(overrides.get("restart")) or base.restart
            return replace(base, restart=restart)
    if node.type == "map":
        content = next((c for c in node.named_children if c.type == "map_content"), None)
        entries = named(content) if content is not None else []
        opts = keyword_map(entries[0]) if entries else {}
        start = opts.get("start")
        start_items = named(start) if start is not None and start.type == "tuple" else []
        if start_items:
            module = expand_alias(node_text(start_items[0]), aliases)
            return ProcessNode(
                module,
                ProcessKind.UNKNOWN,
                module=module,
                restart=atom_value(opts.get("restart")),
                location=loc,
            )
    local = _local_spec(node) if depth < MAX_SPEC_DEPTH else None
    if local is not None:  # oban_child(): a function of the module that returns the spec
        return replace(child_spec(local, path, aliases, depth + 1), location=loc)
    return ProcessNode(_label(node), ProcessKind.UNKNOWN, location=loc)


def _local_spec(node: Node) -> Node | None:
    """The child spec a call of a one-clause function of the same module returns
    (``defp oban_child, do: {Oban, ...}``), or None."""
    if node.type == "call":
        target = node.child_by_field_name("target")
        if target is None or target.type != "identifier":
            return None
        name, arity = node_text(target), len(arguments(node))
    elif node.type == "identifier":
        name, arity = node_text(node), 0
    else:
        return None
    if name in _CONDITIONALS:
        return None
    clauses = _local_clauses(node, name, arity)
    if len(clauses) != 1:
        return None
    last = _last_expression(clauses[0])
    if last is not None and last.type == "call" and call_target(last) in _CONDITIONALS:
        # if port = ..., do: {Bandit, port: port}: the spec of the branch that starts one
        last = next((v for v in _conditional_values(last) if v.type != "nil"), None)
    if last is None or last.type not in ("alias", "tuple", "call", "map"):
        return None
    return last


def _label(node: Node) -> str:
    """A spec the map cannot name, as one line of at most 60 characters."""
    return " ".join(node_text(node).split())[:60]


def expand_alias(name: str, aliases: dict[str, str]) -> str:
    head, _, rest = name.partition(".")
    full = aliases.get(head)
    if full is None:
        return name
    return f"{full}.{rest}" if rest else full


def module_aliases(body: Node) -> dict[str, str]:
    """``alias A.B`` / ``alias A.B, as: C`` / ``alias A.{B, C}`` at the top of a module body."""
    out: dict[str, str] = {}
    for statement in body.named_children:
        if call_target(statement) != "alias":
            continue
        args = arguments(statement)
        if not args:
            continue
        first = args[0]
        if first.type == "alias":
            full = node_text(first)
            as_node = keyword_map(args[1]).get("as") if len(args) > 1 else None
            out[node_text(as_node) if as_node is not None else full.rsplit(".", 1)[-1]] = full
        elif first.type == "dot":
            left, right = first.child_by_field_name("left"), first.child_by_field_name("right")
            if left is not None and right is not None and right.type == "tuple":
                for item in named(right):
                    full = f"{node_text(left)}.{node_text(item)}"
                    out[node_text(item).rsplit(".", 1)[-1]] = full
    return out
