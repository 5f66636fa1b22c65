"""Builds the project's supervision trees statically from the source.

Reads ``Application.start/2`` children, ``Supervisor.init/2`` and ``Supervisor.start_link/2``
children (a literal list, or a local bound to one in the same function, ``++`` included),
strategies and restart intensity, child specs in every common form (``Mod``, ``{Mod, arg}``,
``Supervisor.child_spec/2``, ``%{id:, start:}``), and the built-ins (Registry,
DynamicSupervisor, Task.Supervisor, PartitionSupervisor). Children started at run time with
``DynamicSupervisor.start_child/2`` or ``Task.Supervisor.*`` are attached, marked dynamic, to
the supervisor they name.

Mapping is total: a file whose reading fails leaves one notice naming it and the rest of the
project is still mapped; a supervisor that (directly or not) supervises itself is shown once,
and trees are cut at a fixed depth and size with a notice.

Used by ``elixir-pro supervision``, the audit report, the offline backend and the TUI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from tree_sitter import Node

from elixir_pro.engine.nodes import arguments
from elixir_pro.engine.parse import ParseCache, call_target, node_text, walk
from elixir_pro.engine.sources import discover, read_source
from elixir_pro.engine.supervision_model import (
    Location,
    ModuleInfo,
    ProcessKind,
    ProcessNode,
    SupervisionMap,
)
from elixir_pro.engine.supervision_specs import (
    Computed,
    atom_value,
    child_spec,
    expand_alias,
    int_value,
    keyword_map,
    list_items,
    module_aliases,
    named,
    resolve_local,
)

#: Supervision levels shown below a root; deeper ones are cut with a notice.
MAX_DEPTH = 40
#: Processes one map holds at most; the rest are cut with a notice.
MAX_PROCESSES = 5_000

_USE_KINDS = {
    "Application": ProcessKind.APPLICATION,
    "Supervisor": ProcessKind.SUPERVISOR,
    "DynamicSupervisor": ProcessKind.DYNAMIC_SUPERVISOR,
    "GenServer": ProcessKind.GENSERVER,
    "Agent": ProcessKind.AGENT,
    "Task": ProcessKind.TASK,
    "GenStage": ProcessKind.WORKER,
    "Phoenix.Endpoint": ProcessKind.SUPERVISOR,
}
_DYNAMIC_STARTS = {"DynamicSupervisor.start_child"}
_TASK_STARTS = {
    "Task.Supervisor.async",
    "Task.Supervisor.async_nolink",
    "Task.Supervisor.start_child",
    "Task.Supervisor.async_stream",
    "Task.Supervisor.async_stream_nolink",
}


@dataclass(slots=True)
class _Declared:
    """A supervisor's declared children and options, as found in one module."""

    children: list[ProcessNode] = field(default_factory=list)
    strategy: str | None = None
    max_restarts: int | None = None
    max_seconds: int | None = None
    registered_as: str | None = None


@dataclass(slots=True)
class _Scan:
    modules: dict[str, ModuleInfo] = field(default_factory=dict)
    declared: dict[str, _Declared] = field(default_factory=dict)
    dynamic: dict[str, list[ProcessNode]] = field(default_factory=dict)  # supervisor name -> kids
    app_modules: list[str] = field(default_factory=list)

    def merge(self, other: _Scan) -> None:
        """Add what one file's scan found (a later file's module of the same name wins, as
        declared children win over an earlier declaration without any)."""
        self.modules.update(other.modules)
        for name, declared in other.declared.items():
            existing = self.declared.get(name)
            if existing is None or (not existing.children and declared.children):
                self.declared[name] = declared
        for sup, kids in other.dynamic.items():
            self.dynamic.setdefault(sup, []).extend(kids)
        self.app_modules.extend(other.app_modules)


def _declared_from_call(
    call: Node, scope: Node, path: str, opts_index: int, aliases: dict[str, str]
) -> _Declared:
    args = arguments(call)
    children_items = list_items(args[0], scope) if args else None
    opts_node = resolve_local(args[opts_index], scope) if len(args) > opts_index else None
    if opts_node is None and args and args[-1].type == "keywords":
        opts_node = args[-1]
    opts = keyword_map(opts_node)
    declared = _Declared(
        strategy=atom_value(opts.get("strategy")),
        max_restarts=int_value(opts.get("max_restarts")),
        max_seconds=int_value(opts.get("max_seconds")),
        registered_as=node_text(opts["name"]) if "name" in opts else None,
    )
    if children_items is None and args:
        declared.children.append(
            ProcessNode(
                "(children computed at run time)",
                ProcessKind.UNKNOWN,
                location=Location(path, call.start_point[0] + 1),
            )
        )
    for item in children_items or []:
        if isinstance(item, Computed):
            line = item.node.start_point[0] + 1
            declared.children.append(
                ProcessNode(
                    "(more children computed at run time)",
                    ProcessKind.UNKNOWN,
                    location=Location(path, line),
                )
            )
        else:
            declared.children.append(child_spec(item, path, aliases))
    return declared


def _scan_module(module: Node, name: str, path: str, scan: _Scan) -> None:
    info = ModuleInfo(name, ProcessKind.UNKNOWN, Location(path, module.start_point[0] + 1))
    body = next((c for c in module.named_children if c.type == "do_block"), None)
    if body is None:
        return
    aliases = {**_nested_aliases(body, name), **module_aliases(body)}
    for node in _own_nodes(body):
        if node.type != "call":
            continue
        target = call_target(node)
        args = arguments(node)
        if target == "use" and args and node.parent is not None and node.parent.id == body.id:
            used = node_text(args[0])
            if used in _USE_KINDS and info.kind is ProcessKind.UNKNOWN:
                info.kind = _USE_KINDS[used]
                info.use_restart = (
                    atom_value(keyword_map(args[1]).get("restart")) if len(args) > 1 else None
                )
        elif target in ("Supervisor.start_link", "Supervisor.init") and args:
            if args[0].type == "alias" or node_text(args[0]) == "__MODULE__":
                continue  # module-based start_link: the children are in init/1
            declared = _declared_from_call(node, body, path, 1, aliases)
            existing = scan.declared.get(name)
            if existing is None or (not existing.children and declared.children):
                scan.declared[name] = declared
        elif target == "DynamicSupervisor.init":
            opts = keyword_map(args[0]) if args else {}
            scan.declared.setdefault(
                name,
                _Declared(
                    strategy=atom_value(opts.get("strategy")),
                    max_restarts=int_value(opts.get("max_restarts")),
                    max_seconds=int_value(opts.get("max_seconds")),
                ),
            )
        elif target in _DYNAMIC_STARTS and len(args) >= 2:
            sup = (
                name
                if node_text(args[0]) == "__MODULE__"
                else expand_alias(node_text(args[0]), aliases)
            )
            kid = child_spec(args[1], path, aliases)
            kid.dynamic = True
            scan.dynamic.setdefault(sup, []).append(kid)
        elif target in _TASK_STARTS and args:
            sup = expand_alias(node_text(args[0]), aliases)
            loc = Location(path, node.start_point[0] + 1)
            task = ProcessNode(f"task from {name}", ProcessKind.TASK, dynamic=True, location=loc)
            scan.dynamic.setdefault(sup, []).append(task)
    scan.modules[name] = info
    if info.kind is ProcessKind.APPLICATION:
        scan.app_modules.append(name)


def _nested_aliases(body: Node, name: str) -> dict[str, str]:
    """``Inner`` -> ``Outer.Inner`` for each ``defmodule Inner`` right in ``Outer``'s body, the
    alias Elixir defines for a nested module."""
    out: dict[str, str] = {}
    for statement in body.named_children:
        if call_target(statement) == "defmodule":
            args = arguments(statement)
            if args and args[0].type == "alias":
                head = node_text(args[0]).split(".", 1)[0]
                out[head] = f"{name}.{head}"
    return out


def _own_nodes(body: Node) -> Iterator[Node]:
    """The named nodes of a module body, depth first, leaving out the insides of the modules
    nested in it (each is scanned on its own, so nesting costs no second walk)."""
    cursor = body.walk()
    descend = True
    while True:
        if descend:
            node = cursor.node
            nested = (
                node is not None
                and node.type == "call"
                and node.id != body.id
                and call_target(node) == "defmodule"
            )
            if node is not None and node.is_named:
                yield node
            if not nested and cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            descend = True
        elif cursor.goto_parent():
            descend = False
        else:
            return


def scan_source(rel_path: str, tree_root: Node, scan: _Scan) -> None:
    """Scan every module of one file; a nested ``defmodule Inner`` is ``Outer.Inner``."""
    names: dict[int, str] = {}  # defmodule node id -> full module name
    for node in walk(tree_root):
        if node.type == "call" and call_target(node) == "defmodule":
            args = arguments(node)
            if args and args[0].type == "alias":
                name = node_text(args[0])
                outer = _enclosing_module(node)
                if outer is not None and outer.id in names:
                    name = f"{names[outer.id]}.{name}"
                names[node.id] = name
                _scan_module(node, name, rel_path, scan)


def _enclosing_module(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None:
        if parent.type == "call" and call_target(parent) == "defmodule":
            return parent
        parent = parent.parent
    return None


class _Builder:
    def __init__(self, scan: _Scan) -> None:
        self.scan = scan
        self.reached: set[str] = set()
        self.budget = MAX_PROCESSES
        self.cut: set[str] = set()  # why some tree was cut short (notices)

    def expand(self, node: ProcessNode, stack: tuple[str, ...]) -> ProcessNode:
        """Fill ``node`` from its module and attach its children, declared and dynamic.
        ``stack`` holds the names of the supervisors above it: a name already there is a
        supervisor that supervises itself, shown without its children a second time."""
        self.budget -= 1
        info = self.scan.modules.get(node.module) if node.module else None
        if info is not None:
            node.kind = info.kind if info.kind is not ProcessKind.UNKNOWN else ProcessKind.WORKER
            node.restart = node.restart or info.use_restart
            node.location = node.location or info.location
            self.reached.add(info.name)
        names = tuple(n for n in (node.module, node.registered_as) if n)
        if any(n in stack for n in names):
            return node
        if len(stack) >= MAX_DEPTH:
            self.cut.add(f"trees cut at {MAX_DEPTH} levels of supervision")
            return node
        if self.budget <= 0:
            self.cut.add(f"trees cut at {MAX_PROCESSES} processes")
            return node
        inner = (*stack, *names)
        declared = self.scan.declared.get(node.module) if node.module else None
        if declared is not None:
            node.strategy = node.strategy or declared.strategy
            node.max_restarts = node.max_restarts or declared.max_restarts
            node.max_seconds = node.max_seconds or declared.max_seconds
            node.registered_as = node.registered_as or declared.registered_as
            node.children = [self.expand(replace(c, children=[]), inner) for c in declared.children]
        for sup_name in dict.fromkeys(n for n in (node.registered_as, node.module) if n):
            for kid in self.scan.dynamic.get(sup_name, []):
                node.children.append(self.expand(replace(kid, children=[]), inner))
        return node


def _mix_app_module(root: Path) -> str | None:
    mix = root / "mix.exs"
    if not mix.is_file():
        return None
    loaded = read_source(root, "mix.exs")
    if not isinstance(loaded, bytes):
        return None
    tree = ParseCache(1).get(loaded)
    for node in walk(tree.root_node):
        if node.type == "pair":
            key = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            items = named(value) if value is not None and value.type == "tuple" else []
            if key is not None and node_text(key).startswith("mod:") and items:
                return node_text(items[0])
    return None


def project_sources(root: Path) -> Iterable[tuple[str, Path]]:
    """The project's ``.ex`` files, found as the audit finds them (build output, deps and VCS
    folders pruned, never walked)."""
    for rel in discover(root):
        if rel.endswith(".ex"):
            yield rel, root / rel


def build_supervision_map(
    root: Path, cache: ParseCache | None = None, paths: Iterable[str] | None = None
) -> SupervisionMap:
    """Scan every ``.ex`` file under ``root`` (skipping _build, deps...), or only ``paths``
    (relative to ``root``), and build the trees. Never raises on the project's contents: what
    cannot be read becomes a notice."""
    cache = cache or ParseCache()
    scan = _Scan()
    notices: list[str] = []
    sources = [rel for rel, _ in project_sources(root)] if paths is None else sorted(paths)
    for rel in sources:
        loaded = read_source(root, rel)
        if not isinstance(loaded, bytes):
            if loaded is not None:
                notices.append(f"{rel}: not read ({loaded.message})")
            continue
        part = _Scan()
        try:
            scan_source(rel, cache.get(loaded).root_node, part)
        except Exception as exc:  # one file's failure must not lose the project's map
            notices.append(f"{rel}: supervision not read ({one_line(exc)})")
            continue
        scan.merge(part)
    try:
        app_module = _mix_app_module(root)
    except Exception as exc:
        notices.append(f"mix.exs: application module not read ({one_line(exc)})")
        app_module = None
    return build_from_scan(scan, app_module, notices)


def build_from_scan(scan: _Scan, app_module: str | None, notices: list[str]) -> SupervisionMap:
    builder = _Builder(scan)
    app_names = [app_module] if app_module in scan.modules else scan.app_modules
    roots: list[ProcessNode] = []
    for name in dict.fromkeys(app_names):
        info = scan.modules[name]
        root = ProcessNode(name, ProcessKind.APPLICATION, module=name, location=info.location)
        roots.append(_expanded(builder, root, notices))
    unattached = [
        _expanded(builder, ProcessNode(info.name, info.kind, module=info.name), notices)
        for info in scan.modules.values()
        if info.kind is not ProcessKind.UNKNOWN
        and info.kind is not ProcessKind.APPLICATION
        and info.name not in builder.reached
    ]
    notices.extend(f"supervision map: {why}" for why in sorted(builder.cut))
    return SupervisionMap(roots, scan.modules, unattached, notices)


def _expanded(builder: _Builder, node: ProcessNode, notices: list[str]) -> ProcessNode:
    """``node`` with its tree, or without children (and a notice) when building it fails."""
    try:
        return builder.expand(node, ())
    except Exception as exc:
        where = f" ({node.location})" if node.location else ""
        notices.append(f"{node.label}{where}: tree not built ({one_line(exc)})")
        node.children = []
        return node


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line, at most 120 characters."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= 120 else text[:119] + "…"
