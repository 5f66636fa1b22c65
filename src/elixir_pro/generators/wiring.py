"""Wiring a new process into the project's supervision tree: which supervisor starts it (the
application's, or the one the prompt names, found through the supervision map) and the edit
that appends its child specs to that supervisor's ``children`` list, in the list's own layout
(one item a line stays one a line; a one-line list stays on one line while it fits).

Used by :mod:`elixir_pro.generators.build`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node

from elixir_pro.engine.nodes import arguments
from elixir_pro.engine.parse import call_target, node_text, parse, walk
from elixir_pro.engine.supervision_model import ProcessKind, SupervisionMap
from elixir_pro.engine.supervision_specs import named, resolve_local
from elixir_pro.generators.model import GeneratorError

LINE_LIMIT = 98  # mix format's default line length
_STARTS = ("Supervisor.start_link", "Supervisor.init")


@dataclass(frozen=True, slots=True)
class Target:
    """The supervisor a new child goes under."""

    module: str
    path: str


def supervision_map(root: Path) -> SupervisionMap:
    from elixir_pro.project import ProjectService

    return ProjectService(root).supervision()


def taken_names(smap: SupervisionMap) -> set[str]:
    """Module names and registered process names the project already uses."""
    names = set(smap.modules)
    for root in [*smap.roots, *smap.unattached]:
        for node in root.walk():
            names.update(n for n in (node.module, node.registered_as) if n)
    return names


def find_target(smap: SupervisionMap, requested: str, namespace: str) -> Target:
    """The application's supervisor when ``requested`` is "" (or names the application), else
    the supervisor module it names (``Courier.Reporting.Supervisor``, ``Reporting.Supervisor``,
    ``reporting supervisor``)."""
    apps = [r for r in smap.roots if r.kind is ProcessKind.APPLICATION and r.module]
    wants_app = not requested or _key(requested) in ("application", "app", "applicationsupervisor")
    if wants_app:
        if not apps:
            raise GeneratorError(
                "the project starts no application (no `mod:` in mix.exs), so nothing would "
                "start the new process; name a supervisor: '... under MyApp.Supervisor'"
            )
        module = apps[0].module or ""
        return Target(module, smap.modules[module].location.path)
    static = {
        info.name: info
        for info in smap.modules.values()
        if info.kind in (ProcessKind.SUPERVISOR, ProcessKind.APPLICATION)
    }
    wanted = _key(requested)
    for name, info in sorted(static.items()):
        short = name[len(namespace) + 1 :] if name.startswith(namespace + ".") else name
        if wanted in (_key(name), _key(short)):
            return Target(name, info.location.path)
    known = ", ".join(sorted(static)) or "none"
    raise GeneratorError(
        f"no supervisor with a children list matches {requested!r} (supervisors: {known})"
    )


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def add_children(text: str, module: str, children: list[str]) -> str:
    """``text`` (the supervisor's file) with ``children`` appended to ``module``'s children
    list."""
    source = text.encode("utf-8")
    tree = parse(source)
    module_node = _module(tree.root_node, module)
    if module_node is None:
        raise GeneratorError(f"{module} is not defined where the supervision map says")
    body = next((c for c in module_node.named_children if c.type == "do_block"), None)
    target = _children_list(body) if body is not None else None
    if target is None:
        raise GeneratorError(
            f"no literal children list in {module} to add {', '.join(children)} to; "
            "add it to the supervisor by hand"
        )
    return _insert(source, target, children).decode("utf-8")


def _module(root: Node, module: str) -> Node | None:
    names: dict[int, str] = {}
    for node in walk(root):
        if node.type == "call" and call_target(node) == "defmodule":
            args = arguments(node)
            if not args or args[0].type != "alias":
                continue
            name = node_text(args[0])
            parent = node.parent
            while parent is not None and parent.id not in names:
                parent = parent.parent
            if parent is not None:
                name = f"{names[parent.id]}.{name}"
            names[node.id] = name
            if name == module:
                return node
    return None


def _children_list(body: Node) -> Node | None:
    for node in walk(body):
        if node.type != "call" or call_target(node) not in _STARTS:
            continue
        args = arguments(node)
        if not args or args[0].type == "alias" or node_text(args[0]) == "__MODULE__":
            continue
        value = resolve_local(args[0], body)
        while value is not None and value.type == "binary_operator":
            right = value.child_by_field_name("right")  # `base ++ [...]`: the literal end
            value = resolve_local(right, body)
        if value is not None and value.type == "list":
            return value
    return None


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _indent(source: bytes, offset: int) -> str:
    start = _line_start(source, offset)
    line = source[start:offset].decode("utf-8")
    return line[: len(line) - len(line.lstrip())]


def _insert(source: bytes, listing: Node, children: list[str]) -> bytes:
    items = named(listing)
    base = _indent(source, listing.start_byte)
    if not items:
        inner = base + "  "
        block = "[\n" + ",\n".join(inner + c for c in children) + "\n" + base + "]"
        return source[: listing.start_byte] + block.encode() + source[listing.end_byte :]
    last = items[-1]
    one_line = listing.start_point[0] == listing.end_point[0]
    if one_line:
        texts = [node_text(i) for i in items] + children
        flat = "[" + ", ".join(texts) + "]"
        line_end = source.find(b"\n", listing.end_byte)
        line_end = len(source) if line_end < 0 else line_end
        prefix = source[_line_start(source, listing.start_byte) : listing.start_byte]
        suffix = source[listing.end_byte : line_end]
        if len(prefix) + len(flat) + len(suffix) <= LINE_LIMIT:
            block = flat
        else:
            inner = base + "  "
            block = "[\n" + ",\n".join(inner + t for t in texts) + "\n" + base + "]"
        return source[: listing.start_byte] + block.encode() + source[listing.end_byte :]
    indent = _indent(source, last.start_byte)
    after = source[last.end_byte : listing.end_byte]
    has_comma = after.lstrip().startswith(b",")  # a trailing comma: keep that style
    item_end = last.end_byte + after.index(b",") + 1 if has_comma else last.end_byte
    line_end = source.find(b"\n", item_end)
    if line_end < 0 or line_end >= listing.end_byte:  # `]` on the last item's line
        line_end = listing.end_byte - 1
    added = "\n" + ",\n".join(indent + c for c in children) + ("," if has_comma else "")
    head = source[:item_end] if has_comma else source[:item_end] + b","
    return head + source[item_end:line_end] + added.encode() + source[line_end:]
