"""Child specs and the expressions they are written in, for the supervision map: keyword
lists, literals, locals bound earlier in the same function, ``++`` of lists, module aliases, and
every common child-spec form (``Mod``, ``{Mod, arg}``, ``Supervisor.child_spec/2``,
``%{id:, start:}``, the built-in supervisors and Registry). Used by
:mod:`elixir_pro.engine.supervision`.
"""

from __future__ import annotations

from dataclasses import replace

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
    """The value last bound to local ``name`` in ``scope`` before byte offset ``before``."""
    found: Node | None = None
    for node in walk(scope):
        if node.start_byte >= before:
            break
        if node.type == "binary_operator" and node.child_by_field_name("operator") is not None:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            op = node.child_by_field_name("operator")
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


def resolve_local(node: Node | None, scope: Node) -> Node | None:
    if node is not None and node.type == "identifier":
        return bound_value(scope, node_text(node), node.start_byte)
    return node


def list_items(node: Node | None, scope: Node) -> list[Node] | None:
    node = resolve_local(node, scope)
    if node is None:
        return None
    if node.type == "list":
        return [c for c in node.named_children if c.type != "keywords"]
    if node.type == "binary_operator":
        op = node.child_by_field_name("operator")
        if op is not None and node_text(op) == "++":
            left = list_items(node.child_by_field_name("left"), scope)
            right = list_items(node.child_by_field_name("right"), scope)
            if left is not None and right is not None:
                return left + right
    return None


def child_spec(node: Node, path: str, aliases: dict[str, str]) -> ProcessNode:
    """A child spec expression as a node (module-kinds are filled in when the tree is built)."""
    loc = Location(path, node.start_point[0] + 1)
    if node.type == "alias":
        name = expand_alias(node_text(node), aliases)
        kind = BUILTINS.get(name, ProcessKind.UNKNOWN)
        return ProcessNode(name, kind, module=None if name in BUILTINS else name, location=loc)
    if node.type == "tuple" and node.named_children:
        head, *rest = node.named_children
        if head.type != "alias":
            return ProcessNode(node_text(node)[:60], ProcessKind.UNKNOWN, location=loc)
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
    if node.type == "call" and call_target(node) == "Supervisor.child_spec":
        args = arguments(node)
        if args:
            base = child_spec(args[0], path, aliases)
            overrides = keyword_map(args[1]) if len(args) > 1 else {}
            restart = atom_value(overrides.get("restart")) or base.restart
            return replace(base, restart=restart)
    if node.type == "map":
        content = next((c for c in node.named_children if c.type == "map_content"), None)
        opts = keyword_map(content.named_children[0]) if content and content.named_children else {}
        start = opts.get("start")
        if start is not None and start.type == "tuple" and start.named_children:
            module = expand_alias(node_text(start.named_children[0]), aliases)
            return ProcessNode(
                module,
                ProcessKind.UNKNOWN,
                module=module,
                restart=atom_value(opts.get("restart")),
                location=loc,
            )
    return ProcessNode(node_text(node)[:60], ProcessKind.UNKNOWN, location=loc)


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
                for item in right.named_children:
                    full = f"{node_text(left)}.{node_text(item)}"
                    out[node_text(item).rsplit(".", 1)[-1]] = full
    return out
