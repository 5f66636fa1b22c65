"""Project-wide facts the per-file rules need, kept so one file's change updates them cheaply.

- the behaviours the project defines itself (``@callback`` specs per module), which
  ``missing-impl`` needs to know the callbacks of ``@behaviour MyApp.Handler``
  (:func:`defined_callbacks`, read as ``ctx.project_callbacks``);
- the public functions of application modules that query the Repo, directly or through local
  helpers, which ``n-plus-one`` needs to see a query behind ``Accounts.get_profile(id)`` in a
  loop (:func:`repo_functions`, read as ``ctx.project_repo_functions``).

Built by the analyzer from every file's facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from elixir_pro.engine.context import FileContext, arguments, text
from elixir_pro.engine.rules._common import repo_calls
from elixir_pro.engine.rules._otp import call_graph, elsewhere
from elixir_pro.engine.scope import LIB

Callbacks = dict[str, frozenset[tuple[str, int]]]
RepoFunctions = dict[str, frozenset[str]]


def defined_callbacks(ctx: FileContext) -> Callbacks:
    """``{module: {(name, arity)}}`` for each module in the file that declares ``@callback``s."""
    if b"callback" not in ctx.source:
        return {}
    out: dict[str, set[tuple[str, int]]] = {}
    for kind in ("callback", "macrocallback"):
        for attr in ctx.attributes(kind):
            module = ctx.module_at(attr.start_byte)
            operand = attr.child_by_field_name("operand")
            args = arguments(operand) if operand is not None else []
            if module is None or not args:
                continue
            spec = args[0]
            while spec.type == "binary_operator" and text(spec.child_by_field_name("operator")) in (
                "::",
                "when",
            ):
                spec = spec.child_by_field_name("left") or spec
            if spec.type == "call":
                target = spec.child_by_field_name("target")
                if target is not None and target.type == "identifier":
                    out.setdefault(module.name, set()).add((text(target), len(arguments(spec))))
            elif spec.type == "identifier":
                out.setdefault(module.name, set()).add((text(spec), 0))
    return {name: frozenset(cbs) for name, cbs in out.items()}


def behaviour_refs(ctx: FileContext) -> frozenset[str]:
    """Names in ``@behaviour X`` declarations of the file."""
    if b"behaviour" not in ctx.source:
        return frozenset()
    refs: set[str] = set()
    for module in ctx.modules:
        refs.update(name for name, _ in ctx.behaviours(module))
    return frozenset(refs)


def repo_functions(ctx: FileContext) -> RepoFunctions:
    """``{module: {name}}``: public functions of the file's modules whose bodies reach a
    ``*.Repo`` query, directly or through the module's own helpers (application code only)."""
    if ctx.category != LIB or b"Repo" not in ctx.source:
        return {}
    calls = [c.node for c in repo_calls(ctx) if ctx.at_runtime(c.node.start_byte)]
    if not calls:
        return {}
    out: RepoFunctions = {}
    for module in ctx.modules:
        graph = call_graph(ctx, module)
        seeds = {
            fn
            for call in calls
            if (fn := ctx.function_at(call.start_byte)) is not None
            and fn.module is module
            and not elsewhere(call, fn.node)
        }
        public = {f.name for f in graph.backward(seeds) if f.kind == "def"}
        if public:
            out[module.name] = frozenset(public)
    return out


def fact_calls(facts: RepoFunctions) -> set[str]:
    """``Tail.fun`` for each function of ``facts`` (how a caller with an alias names it)."""
    return {
        f"{module.rsplit('.', 1)[-1]}.{name}" for module, names in facts.items() for name in names
    }


def loop_calls(ctx: FileContext) -> frozenset[str]:
    """``Tail.fun`` of every remote call inside a loop body of the file: the project functions
    whose Repo facts can change this file's findings. Read from the loop bodies' bytes (a
    superset: a call in a comment or string counts too, which only costs a re-check)."""
    if not ctx.loop_bodies:
        return frozenset()
    source = ctx.source
    out: set[str] = set()
    for _, body in ctx.loop_bodies:
        for match in _REMOTE.finditer(source, body.start_byte, body.end_byte):
            out.add(f"{match.group(1).decode()}.{match.group(2).decode()}")
    return frozenset(out)


_REMOTE = re.compile(rb"([A-Z][A-Za-z0-9_]*)\.([a-z_][A-Za-z0-9_]*[?!]?)")

Schemas = dict[str, bool]


def schema_facts(ctx: FileContext) -> Schemas:
    """``{module: defines a changeset function}`` for the file's Ecto schema modules."""
    if b"Ecto.Schema" not in ctx.source:
        return {}
    return {
        module.name: any("changeset" in f.name for f in module.functions)
        for module in ctx.modules
        if ctx.uses(module, "Ecto.Schema") is not None
    }


def struct_writes(ctx: FileContext) -> frozenset[str]:
    """``schema:Tail`` for each struct the file names next to Repo writes (a superset read
    from the bytes): the schema facts that can change this file's findings."""
    source = ctx.source
    if b"Repo" not in source or not (b"insert" in source or b"update" in source):
        return frozenset()
    return frozenset(f"schema:{m.group(1).decode()}" for m in _STRUCT.finditer(source))


_STRUCT = re.compile(rb"%(?:[A-Z][A-Za-z0-9_]*\.)*([A-Z][A-Za-z0-9_]*)\{")


@dataclass(slots=True)
class SchemaIndex:
    """The project's Ecto schemas, by last name segment: whether any defines a changeset."""

    by_tail: dict[str, bool] = field(default_factory=dict)
    _by_file: dict[str, Schemas] = field(default_factory=dict)

    def update_file(self, path: str, facts: Schemas) -> set[str]:
        """Record ``path``'s schemas; returns ``schema:Tail`` for each tail whose fact
        changed."""
        before = self._by_file.pop(path, {})
        if facts:
            self._by_file[path] = facts
        if before == facts:
            return set()
        tails = {name.rsplit(".", 1)[-1] for name in set(before) | set(facts)}
        changed: set[str] = set()
        for tail in tails:
            old = self.by_tail.get(tail)
            values = [
                has
                for per_file in self._by_file.values()
                for name, has in per_file.items()
                if name.rsplit(".", 1)[-1] == tail
            ]
            if values:
                self.by_tail[tail] = any(values)
            else:
                self.by_tail.pop(tail, None)
            if self.by_tail.get(tail) != old:
                changed.add(f"schema:{tail}")
        return changed

    def keys(self) -> set[str]:
        """``schema:Tail`` of the schemas without a changeset (what a first pass missed)."""
        return {f"schema:{tail}" for tail, has in self.by_tail.items() if not has}


@dataclass(slots=True)
class RepoIndex:
    """Repo-querying public functions of the project, by module name."""

    functions: RepoFunctions = field(default_factory=dict)
    _by_file: dict[str, RepoFunctions] = field(default_factory=dict)

    def update_file(self, path: str, facts: RepoFunctions) -> RepoFunctions:
        """Record ``path``'s facts; returns the facts that appeared or went away."""
        before = self._by_file.pop(path, {})
        if facts:
            self._by_file[path] = facts
        if before == facts:
            return {}
        changed: RepoFunctions = {}
        for module in set(before) | set(facts):
            diff = before.get(module, frozenset()) ^ facts.get(module, frozenset())
            if diff:
                changed[module] = diff
            merged: set[str] = set()
            for per_file in self._by_file.values():
                merged.update(per_file.get(module, ()))
            if merged:
                self.functions[module] = frozenset(merged)
            else:
                self.functions.pop(module, None)
        return changed


@dataclass(slots=True)
class ProjectIndex:
    """Behaviour callbacks defined anywhere in the project, by module name."""

    callbacks: Callbacks = field(default_factory=dict)
    _by_file: dict[str, Callbacks] = field(default_factory=dict)

    def update_file(self, path: str, callbacks: Callbacks) -> set[str]:
        """Record ``path``'s callbacks; returns the behaviour names whose callbacks changed."""
        if not callbacks and path not in self._by_file:
            return set()
        before = self._by_file.pop(path, {})
        if callbacks:
            self._by_file[path] = callbacks
        changed = {
            name for name in set(before) | set(callbacks) if before.get(name) != callbacks.get(name)
        }
        for name in changed:
            merged: set[tuple[str, int]] = set()
            for per_file in self._by_file.values():
                merged.update(per_file.get(name, ()))
            if merged:
                self.callbacks[name] = frozenset(merged)
            else:
                self.callbacks.pop(name, None)
        return changed
