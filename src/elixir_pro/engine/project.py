"""Project-wide facts the per-file rules need, kept so one file's change updates them cheaply.

Today that is the behaviours the project defines itself (``@callback`` specs per module), which
``missing-impl`` needs to know the callbacks of ``@behaviour MyApp.Handler``. Built by the
analyzer from every file's :func:`defined_callbacks`; read by rules as ``ctx.project``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from elixir_pro.engine.context import FileContext, arguments, text

Callbacks = dict[str, frozenset[tuple[str, int]]]


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
