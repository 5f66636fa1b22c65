"""Generating: a request's files rendered from the catalog's templates, the supervisor edit that
starts the new process, and staging both into a changeset for review.

``generate`` reads the project (``mix.exs``, the supervision map, the files it edits: through
``read`` when given, so text already staged in the turn's changeset is built upon) and writes
nothing. Used through :mod:`elixir_pro.generators`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.generators import catalog, wiring
from elixir_pro.generators.model import Generation, GeneratorError, GeneratorRequest, StagedEdit
from elixir_pro.generators.naming import ProjectNames, project_names, source_path, test_path
from elixir_pro.generators.render import render

if TYPE_CHECKING:
    from elixir_pro.changes.changeset import Changeset
    from elixir_pro.events import EditProposed

Reader = Callable[[str], "str | None"]


def generate(request: GeneratorRequest, root: Path, read: Reader | None = None) -> Generation:
    """The files and the supervisor edit ``request`` asks for, on the project at ``root``.
    Raises :class:`GeneratorError` (one line; nothing to stage) when the project cannot take
    them: a missing dep, a name already in use, no supervisor to start the process."""
    root = root.resolve()
    kind = catalog.kind(request.kind)
    if kind is None:
        raise GeneratorError(f"no generator for {request.kind!r}")
    names = project_names(root)
    reader = read or _disk_reader(root)
    if kind.requires and not names.deps.intersection(kind.requires):
        deps = " or ".join(f":{d}" for d in kind.requires)
        raise GeneratorError(
            f"the {kind.title} generator needs {deps} in the deps of mix.exs, which this "
            "project does not declare; add the dep (and fetch it) first. Nothing was staged."
        )
    if kind.builder == "ecto":
        from elixir_pro.generators.ecto import build_ecto

        return build_ecto(request, kind, names, root, reader)
    if kind.builder == "live_view":
        from elixir_pro.generators.live_view import build_live_view

        return build_live_view(request, kind, names, root, reader)
    return _build_process(request, kind, names, root, reader)


def _disk_reader(root: Path) -> Reader:
    def read(rel: str) -> str | None:
        path = root / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return read


def module_values(kind: catalog.Kind, base: str, names: ProjectNames) -> dict[str, str]:
    """role -> full module name, plus the project's names, for the templates."""
    values = {role: f"{names.namespace}.{kind.module_name(role, base)}" for role in kind.modules}
    values.update(app=names.app, namespace=names.namespace)
    return values


def check_free(modules: list[str], taken: set[str], reader: Reader) -> None:
    """One line when a module (or its file) already exists."""
    for module in modules:
        if module in taken:
            raise GeneratorError(
                f"{module} already exists in the project; ask for another name "
                "(e.g. '... called OtherName'); nothing was staged"
            )
        path = source_path(module)
        if reader(path) is not None:
            raise GeneratorError(f"{path} already exists; ask for another name")


def _build_process(
    request: GeneratorRequest,
    kind: catalog.Kind,
    names: ProjectNames,
    root: Path,
    reader: Reader,
) -> Generation:
    base = request.name or kind.default
    values = module_values(kind, base, names)
    if request.exact and request.name and "main" in kind.modules:
        values["main"] = f"{names.namespace}.{request.name}"
    values.update(kind.settings)
    values.update((k, v) for k, v in request.settings if k in kind.settings)
    smap = wiring.supervision_map(root)
    created = [values[role] for _template, role in kind.files]
    registered = [values[role] for role in kind.modules if role not in {r for _, r in kind.files}]
    check_free(created + registered, wiring.taken_names(smap), reader)
    target = wiring.find_target(smap, request.supervisor, names.namespace)
    edits: list[StagedEdit] = []
    for template, role in kind.files:
        text = render(catalog.template(template), values)
        edits.append(StagedEdit(source_path(values[role]), text, True))
    test = ""
    if kind.test is not None:
        template, role = kind.test
        test = test_path(values[role])
        if reader(test) is not None:
            raise GeneratorError(f"{test} already exists; ask for another name")
        edits.append(StagedEdit(test, render(catalog.template(template), values), True))
    children = [render(c, values) for c in kind.children]
    current = reader(target.path)
    if current is None:
        raise GeneratorError(f"{target.path} (where {target.module} is) cannot be read")
    edits.append(
        StagedEdit(target.path, wiring.add_children(current, target.module, children), False)
    )
    return Generation(
        request=request,
        title=kind.title,
        edits=tuple(formatted(edits, root, reader)),
        modules=tuple(created),
        children=tuple(children),
        supervisor=target.module,
        supervisor_path=target.path,
        test_path=test,
    )


def formatted(edits: list[StagedEdit], root: Path, reader: Reader) -> list[StagedEdit]:
    """``edits`` formatted as ``mix format`` would: new files whole; an edited file only when
    it was formatted before (so formatting touches nothing but the insertion). Unchanged when
    Elixir is not installed."""
    from elixir_pro.generators.formatter import format_texts, line_length

    originals = {e.path: reader(e.path) or "" for e in edits if not e.created}
    texts = [e.text for e in edits] + list(originals.values())
    done = format_texts(texts, line_length(root))
    if done is None:
        return edits
    was_formatted = {
        path: done[len(edits) + i] == text for i, (path, text) in enumerate(originals.items())
    }
    return [
        StagedEdit(e.path, done[i], e.created) if e.created or was_formatted[e.path] else e
        for i, e in enumerate(edits)
    ]


def stage(generation: Generation, changeset: Changeset) -> list[EditProposed]:
    """Stage the generation's edits into ``changeset`` (nothing is written) and return one
    event per staged file."""
    from elixir_pro.events import EditProposed
    from elixir_pro.tools.files import diff_size

    events: list[EditProposed] = []
    for edit in generation.edits:
        proposal = changeset.propose_text(edit.path, edit.text)
        if proposal.is_noop:
            del changeset.proposals[edit.path]
            continue
        added, removed = diff_size(proposal.base_text or "", edit.text)
        events.append(EditProposed(edit.path, proposal.kind.value, added, removed, changeset.id))
    return events
