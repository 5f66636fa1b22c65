"""The analysis hook the watcher runs on each batch, as structural types.

:class:`WatchService` needs only ``analyze_all()`` (the starting state) and
``reanalyze(rel_paths)`` (incremental: the findings of those paths, which of them are new and
which were resolved; deleted paths drop theirs). ``elixir_pro.project.ProjectService`` has
this shape; tests and benchmarks may pass anything else that does. :func:`engine_analyzer`
builds the real one lazily, so importing the watcher never loads tree-sitter.
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


def engine_analyzer(root: Path, config: Config | None = None) -> Analyzer:
    """The project service for ``root`` (``elixir_pro.project``): the same findings policy as
    ``audit`` and the TUI (scopes, confidence, baseline, identity). The engine itself loads on
    the first analysis."""
    from elixir_pro.project import ProjectService

    return ProjectService(root, config)
