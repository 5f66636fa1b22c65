"""The project service: one place that turns the engine's raw findings into what every front end
shows, under one policy.

- **scopes**: which rule reads which file (``engine/scope.py``; ``include_tests``, ``strict``,
  the ``paths`` and ``rules.paths`` settings);
- **confidence**: findings under the minimum confidence (default medium) are counted, not shown;
- **baseline**: findings listed in the committed baseline file are counted, not shown;
- **identity**: a finding keeps its fingerprint when lines move, so "new" means new;
- **the compiler** (``compile_diagnostics=True``): the warm Mix companion's errors and warnings
  join the engine's findings with ``source="compiler"`` (``project/compiler_findings.py``).
  :meth:`ProjectService.audit` compiles; the watcher's :meth:`~ProjectService.analyze_all` and
  :meth:`~ProjectService.reanalyze` stay engine-only and fast, and the watcher then compiles on
  a thread of its own (:meth:`~ProjectService.compile_changes`) and merges the result on its
  pipeline thread (:meth:`~ProjectService.merge_compiled`), so a slow compile never delays the
  engine's findings. :meth:`~ProjectService.close` stops the companion.

Also the supervision map and the gate facts, built from the same parse trees. Used by the
``audit``, ``watch``, ``gates`` and ``supervision`` commands, the offline backend and the TUI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.config import Config, load_config
from elixir_pro.engine.findings import Confidence, Finding
from elixir_pro.project.baseline import Baseline, load_baseline, write_baseline

if TYPE_CHECKING:
    from elixir_pro.compiler.model import CompileResult
    from elixir_pro.engine.analyzer import AuditReport, FindingsDelta, ProjectAnalyzer
    from elixir_pro.engine.parse import ParseCache
    from elixir_pro.engine.scope import ScopePolicy
    from elixir_pro.engine.supervision_model import SupervisionMap
    from elixir_pro.project.compiler_findings import CompilerDelta, CompilerFindings

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class FindingsView:
    """Which findings a front end shows: at or above ``min_confidence`` and not in the
    ``baseline``."""

    min_confidence: Confidence = Confidence.MEDIUM
    baseline: Baseline = field(default_factory=Baseline)

    def shows(self, finding: Finding) -> bool:
        return finding.confidence.at_least(self.min_confidence) and finding not in self.baseline

    def visible(self, findings: Iterable[Finding]) -> list[Finding]:
        return [f for f in findings if self.shows(f)]

    def hidden(self, findings: Iterable[Finding]) -> tuple[int, int]:
        """(under the minimum confidence, in the baseline) among ``findings``."""
        low = baselined = 0
        for f in findings:
            if f in self.baseline:
                baselined += 1
            elif not f.confidence.at_least(self.min_confidence):
                low += 1
        return low, baselined


class ProjectService:
    """Findings, supervision map and gate facts of one project, under one policy.

    It has the watcher's analysis shape (``analyze_all()`` and ``reanalyze(paths)``), so the
    watcher, the TUI and the CLI all see the same findings.
    """

    def __init__(
        self,
        root: Path,
        config: Config | None = None,
        *,
        include_tests: bool = False,
        strict: bool = False,
        min_confidence: Confidence | str | None = None,
        use_baseline: bool = True,
        jobs: int | None = None,
        paths: Iterable[str] | None = None,
        compile_diagnostics: bool = False,
    ) -> None:
        """``compile_diagnostics`` adds the compiler's errors and warnings through the warm
        companion (started on the first compile; see :meth:`close`)."""
        self.root = Path(root)
        self.config = config if config is not None else load_config(self.root)
        self.policy: ScopePolicy = self.config.policy(include_tests=include_tests, strict=strict)
        level = Confidence(min_confidence) if min_confidence else self.config.min_confidence
        baseline = load_baseline(self.baseline_path) if use_baseline else Baseline()
        self.view = FindingsView(level, baseline)
        self._jobs = jobs
        self._paths = list(paths) if paths is not None else None
        self._analyzer: ProjectAnalyzer | None = None
        self._compiler: CompilerFindings | None = None
        self._compiler_lock = threading.Lock()
        self.compile_diagnostics = compile_diagnostics
        self._compiled_once = False

    # -- the engine ------------------------------------------------------------------------

    @property
    def analyzer(self) -> ProjectAnalyzer:
        if self._analyzer is None:
            from elixir_pro.engine.analyzer import ProjectAnalyzer

            self._analyzer = ProjectAnalyzer(
                self.root, self.config, paths=self._paths, jobs=self._jobs, policy=self.policy
            )
        return self._analyzer

    @property
    def parse_cache(self) -> ParseCache:
        return self.analyzer.parse_cache

    @property
    def baseline_path(self) -> Path:
        return self.root / self.config.audit.baseline

    # -- findings --------------------------------------------------------------------------

    def audit(self, progress: Progress | None = None) -> AuditReport:
        """Analyse the whole project (and compile it, with ``compile_diagnostics``); the report
        holds the visible findings and counts the hidden ones."""
        report = self._engine_audit(progress)
        if not self.compile_diagnostics:
            return report
        delta = self.compiler.refresh()
        self._compiled_once = True
        found = self.view.visible(self.compiler.findings)
        if self._paths is not None:
            only = set(self._paths)
            found = [f for f in found if f.path in only]
        return replace(
            report,
            findings=sorted([*report.findings, *found], key=Finding.sort_key),
            notices=[*report.notices, *delta.notices],
        )

    def _engine_audit(self, progress: Progress | None = None) -> AuditReport:
        report = self.analyzer.analyze_all(progress=progress)
        low, baselined = self.view.hidden(report.findings)
        return replace(
            report,
            findings=self.view.visible(report.findings),
            hidden_low=low,
            hidden_baseline=baselined,
        )

    def analyze_all(self) -> AuditReport:
        """The watcher's starting state: the engine's findings (the compiler's follow in
        :meth:`follow_up`, so the baseline never waits for a compile)."""
        return self._engine_audit()

    def reanalyze(self, rel_paths: Iterable[str]) -> FindingsDelta:
        """Re-analyse changed files; ``new`` and ``resolved`` are by identity, so a finding
        whose lines moved is neither. ``findings`` also holds the compiler's current findings
        of those paths (until :meth:`follow_up` refreshes them)."""
        delta = self.analyzer.reanalyze(rel_paths)
        view = self.view
        compiled = self._compiler.findings_for(delta.paths) if self._compiler is not None else []
        return replace(
            delta,
            findings=view.visible([*delta.findings, *compiled]),
            new=view.visible(delta.new),
            resolved=view.visible(delta.resolved),
        )

    # -- the compiler ----------------------------------------------------------------------

    @property
    def compiler(self) -> CompilerFindings:
        """The compiler's findings and the project's warm companion."""
        with self._compiler_lock:
            if self._compiler is None:
                from elixir_pro.project.compiler_findings import CompilerFindings

                timeout = self.config.watch.compile_timeout_s
                self._compiler = CompilerFindings(self.root, timeout_s=timeout)
            return self._compiler

    def follow_up(self, rel_paths: Iterable[str] = ()) -> FindingsDelta | None:
        """After a batch (or, with no paths, after the baseline): compile through the warm
        companion and report the paths whose compiler findings changed, with all their current
        findings (engine and compiler), the compiler's new and resolved ones, and notices (one
        when ``mix`` is missing). None without ``compile_diagnostics``. The first compile is
        the compiler's baseline: nothing in it is new. Same as
        ``merge_compiled(compile_changes(paths))``."""
        return self.merge_compiled(self.compile_changes(rel_paths))

    def compile_changes(self, rel_paths: Iterable[str] = ()) -> CompilerDelta | None:
        """Compile after changes to ``rel_paths`` (safe on any thread; uses no engine state).
        None without ``compile_diagnostics``."""
        if not self.compile_diagnostics:
            return None
        deleted = [p for p in rel_paths if not (self.root / p).exists()]
        return self.compiler.refresh(deleted)

    def merge_compiled(self, delta: CompilerDelta | None) -> FindingsDelta | None:
        """A compile's changes with the engine's current findings of those paths, under the
        view (on the thread that runs the engine)."""
        if delta is None:
            return None
        first, self._compiled_once = not self._compiled_once, True
        view = self.view
        wanted = set(delta.paths)
        engine = [f for f in self.analyzer.findings if f.path in wanted]
        from elixir_pro.engine.analyzer import FindingsDelta

        return FindingsDelta(
            delta.paths,
            view.visible(sorted([*engine, *delta.findings], key=Finding.sort_key)),
            [] if first else view.visible(delta.new),
            [] if first else view.visible(delta.resolved),
            delta.notices,
        )

    @property
    def last_compile(self) -> CompileResult | None:
        """The outcome of the last compile, if any."""
        return self._compiler.last if self._compiler is not None else None

    def close(self) -> None:
        """Stop the warm companion, if one runs (idempotent)."""
        if self._compiler is not None:
            self._compiler.close()

    @property
    def findings(self) -> list[Finding]:
        """The visible findings of the last analysis (the compiler's included)."""
        engine = self.analyzer.findings
        if self._compiler is None:
            return self.view.visible(engine)
        both = sorted([*engine, *self._compiler.findings], key=Finding.sort_key)
        return self.view.visible(both)

    def findings_for(self, rel_path: str) -> list[Finding]:
        return [f for f in self.findings if f.path == rel_path]

    def check_source(self, rel_path: str, source: bytes) -> list[Finding]:
        """Visible findings of an in-memory version of ``rel_path`` (a staged edit)."""
        from elixir_pro.engine.analyzer import analyze_source

        return self.view.visible(analyze_source(rel_path, source, self.config, self.policy))

    def files(self) -> list[str]:
        """The files of the last analysis."""
        return self.analyzer.files()

    def write_baseline(self) -> tuple[Path, int]:
        """Analyse the project and write every finding in scope (any confidence) as the
        baseline; returns its path and the number of entries."""
        report = self.analyzer.analyze_all()
        count = write_baseline(self.baseline_path, report.findings)
        self.view = replace(self.view, baseline=load_baseline(self.baseline_path))
        return self.baseline_path, count

    # -- supervision map -------------------------------------------------------------------

    def supervision(self) -> SupervisionMap:
        """The project's supervision trees, read from the analyzer's parse trees when the
        project was analysed in this process."""
        from elixir_pro.engine.supervision import build_supervision_map

        cache = self._analyzer.parse_cache if self._analyzer is not None else None
        # a file outside any Mix project is mapped alone, not with its folder's neighbours
        alone = self._paths is not None and not (self.root / "mix.exs").is_file()
        return build_supervision_map(self.root, cache, self._paths if alone else None)
