"""The analysis hook the watcher runs on each batch, as structural types.

:class:`WatchService` needs only ``analyze_all()`` (the starting state) and
``reanalyze(rel_paths)`` (incremental: the findings of those paths, which of them are new and
which were resolved; deleted paths drop theirs). ``elixir_pro.project.ProjectService`` has
this shape; tests and benchmarks may pass anything else that does. :func:`engine_analyzer`
builds the real one lazily, so importing the watcher never loads tree-sitter.

Optional, looked up by name: ``compile_changes(rel_paths)`` runs on a thread of its own after
each batch's findings went out (and once, with no paths, after the baseline), and
``merge_compiled(result)`` turns its result into a second delta on the watcher's thread (see
``followup.py``); the project service compiles there, so compiler diagnostics follow the
engine's without ever delaying them. ``close()`` is called when the watcher stops (it stops the
warm compiler).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from elixir_pro.engine.findings import Finding

if TYPE_CHECKING:
    from elixir_pro.config import Config


class ReportLike(Protocol):
    @property
    def files_analyzed(self) -> int: ...

    @property
    def findings(self) -> Sequence[Finding]: ...


class DeltaLike(Protocol):
    @property
    def paths(self) -> Sequence[str]: ...

    @property
    def findings(self) -> Sequence[Finding]: ...

    @property
    def new(self) -> Sequence[Finding]: ...

    @property
    def resolved(self) -> Sequence[Finding]: ...


class Analyzer(Protocol):
    def analyze_all(self) -> ReportLike: ...

    def reanalyze(self, rel_paths: Iterable[str]) -> DeltaLike: ...


def notices_of(report: object) -> list[str]:
    """A report's or delta's ``notices`` as text: a notice may be a string or carry
    ``message`` (and optionally ``path`` and ``line``, shown first)."""
    out: list[str] = []
    for item in getattr(report, "notices", ()) or ():
        message = str(getattr(item, "message", item))
        path = getattr(item, "path", None)
        line = getattr(item, "line", None)
        where = f"{path}:{line}" if path and line else str(path or "")
        out.append(f"{where}: {message}" if where else message)
    return out


def engine_analyzer(
    root: Path, config: Config | None = None, *, compile: bool | None = None
) -> Analyzer:
    """The project service for ``root`` (``elixir_pro.project``): the same findings policy as
    ``audit`` and the TUI (scopes, confidence, baseline, identity), with the compiler's
    diagnostics unless ``compile`` (default: the ``watch.compile`` setting) is False. The
    engine itself loads on the first analysis, the compiler on the first follow-up."""
    from elixir_pro.config import load_config
    from elixir_pro.project import ProjectService

    config = config if config is not None else load_config(root)
    wanted = config.watch.compile if compile is None else compile
    return ProjectService(root, config, compile_diagnostics=wanted)
