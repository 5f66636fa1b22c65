"""Project analysis: run every enabled rule over a project's Elixir files, keep per-file results,
and re-analyse changed files incrementally.

Public API (used by the audit command, the watcher, the offline backend and the TUI)::

    ProjectAnalyzer(root, config=None, policy=None)
        .analyze_all(progress=None) -> AuditReport
        .reanalyze(rel_paths) -> FindingsDelta
        .findings -> list[Finding]
        .files() -> list[str]
    analyze_source(rel_path, source, config=None, policy=None) -> list[Finding]

Which rule looks at which file is the scope policy's call (``engine/scope.py``): by default the
rules read application code only, and the strict rules stay off. Every finding leaves here with
its fingerprint (``engine/identity.py``), and one rule never reports the same line twice.

Per-file results are kept by content hash, so re-analysing one file costs about one parse and
never grows with the project's size. The cross-file facts (callbacks of project-defined
behaviours, the project's Repo-querying functions) are kept per file in
:class:`~elixir_pro.engine.project.ProjectIndex` and ``RepoIndex``; when one
changes, only the files declaring that ``@behaviour`` or calling such a function in a loop
are re-checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Tree

from elixir_pro.config import Config, load_config
from elixir_pro.engine.context import FileContext
from elixir_pro.engine.deploy import deploy_files
from elixir_pro.engine.file_check import analyze_source as analyze_source
from elixir_pro.engine.file_check import enabled_rules, fact_loop_calls, run_rules, syntax_notice
from elixir_pro.engine.findings import Confidence, Finding
from elixir_pro.engine.incremental import reparse
from elixir_pro.engine.parallel import analyze_in_pool, pool_size
from elixir_pro.engine.parse import ParseCache, content_hash
from elixir_pro.engine.project import (
    ProjectIndex,
    RepoIndex,
    SchemaIndex,
    behaviour_refs,
    defined_callbacks,
    fact_calls,
    repo_functions,
    schema_facts,
)
from elixir_pro.engine.reach import Entry, ReachIndex, entries, grade
from elixir_pro.engine.scope import ScopePolicy
from elixir_pro.engine.sources import Notice, discover, read_source, skipped

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class AuditReport:
    files_analyzed: int
    findings: list[Finding]
    notices: list[Notice] = field(default_factory=list)
    #: Findings left out of ``findings`` by the view (``project/service.py``): under the
    #: minimum confidence, and listed in the baseline.
    hidden_low: int = 0
    hidden_baseline: int = 0


@dataclass(frozen=True, slots=True)
class FindingsDelta:
    """What changed after re-analysing ``paths``: ``findings`` are the current findings of those
    paths; ``new`` and ``resolved`` compare with what they had before."""

    paths: tuple[str, ...]
    findings: list[Finding]
    new: list[Finding]
    resolved: list[Finding]
    notices: list[Notice] = field(default_factory=list)


@dataclass(slots=True)
class _FileState:
    digest: str
    findings: list[Finding]
    notices: list[Notice]
    behaviours: frozenset[str] = frozenset()
    loop_calls: frozenset[str] = frozenset()
    entries: tuple[Entry, ...] = ()


class ProjectAnalyzer:
    """Analyses a project and keeps its findings current as files change."""

    def __init__(
        self,
        root: Path,
        config: Config | None = None,
        *,
        paths: Iterable[str] | None = None,
        jobs: int | None = None,
        policy: ScopePolicy | None = None,
    ) -> None:
        """``paths`` limits the analysis to those files; ``jobs`` sets the number of processes
        for full audits (default: automatic, see ``engine/parallel.py``); ``policy`` decides
        which rule looks at which file (default: the settings' policy)."""
        self.root = Path(root)
        self.config = config if config is not None else load_config(self.root)
        self.policy = policy if policy is not None else self.config.policy()
        self._only = sorted(set(paths)) if paths is not None else None
        self._jobs = jobs
        self._rules = enabled_rules(self.config, self.policy)
        self._cache = ParseCache()
        self._latest: dict[str, tuple[bytes, Tree]] = {}
        self._files: dict[str, _FileState] = {}
        self._project = ProjectIndex()
        self._repo = RepoIndex()
        self._schemas = SchemaIndex()
        self._reach = ReachIndex(self.root)
        self._unreached: dict[str, list[Entry]] = {}

    # -- queries ---------------------------------------------------------------------------

    @property
    def parse_cache(self) -> ParseCache:
        """The analyzer's parse cache, shareable with the supervision map builder."""
        return self._cache

    @property
    def findings(self) -> list[Finding]:
        out = [f for rel in self._files for f in self._graded(rel)]
        out.sort(key=Finding.sort_key)
        return out

    def _graded(self, rel: str, findings: list[Finding] | None = None) -> list[Finding]:
        """``rel``'s findings (or ``findings`` of ``rel``), those in web modules nothing
        reaches graded low (``engine/reach.py``)."""
        if findings is None:
            state = self._files.get(rel)
            findings = state.findings if state is not None else []
        missing = self._unreached.get(rel)
        return grade(findings, missing) if missing and findings else findings

    @property
    def notices(self) -> list[Notice]:
        return [n for state in self._files.values() for n in state.notices]

    def files(self) -> list[str]:
        return sorted(self._files)

    # -- analysis --------------------------------------------------------------------------

    def _context(
        self, rel_path: str, source: bytes, incremental: bool = False, facts: bool = True
    ) -> FileContext:
        """A context for ``source``; with ``incremental``, re-parse from the file's previous
        tree (only the edited region is parsed again) instead of from scratch; without
        ``facts``, no project-wide Repo facts (the first pass of a full analysis, which
        rechecks the files that need them once they are all known)."""
        previous = self._latest.get(rel_path) if incremental else None
        if previous is not None:
            tree = reparse(previous[0], previous[1], source)
        else:
            tree = self._cache.get(source)
        self._latest[rel_path] = (source, tree)
        ctx = FileContext(rel_path, source, tree)
        if ctx.is_mix_exs:
            ctx.deploy_files = deploy_files(self.root, rel_path)
        ctx.project_callbacks = self._project.callbacks
        if facts:
            ctx.project_repo_functions = self._repo.functions
            ctx.project_schemas = self._schemas.by_tail
        return ctx

    def _check(self, ctx: FileContext, digest: str) -> _FileState:
        findings, notices = run_rules(ctx, self._rules, self.config, self.policy)
        syntax = syntax_notice(ctx)
        if syntax is not None:
            notices.insert(0, syntax)
        calls = fact_loop_calls(ctx, self._rules, self.policy)
        found = entries(ctx)
        self._reach.update_file(ctx.path, found, ctx.source)
        return _FileState(digest, findings, notices, behaviour_refs(ctx), calls, found)

    def analyze_all(self, progress: Progress | None = None) -> AuditReport:
        """Analyse every source file from scratch, one file at a time (parse results stay
        cached by content). A file implementing a behaviour defined in the project is checked
        again at the end, once every ``@callback`` of the project is known."""
        paths = self._only if self._only is not None else discover(self.root)
        total = len(paths)
        self._files.clear()
        self._latest.clear()
        self._project = ProjectIndex()
        self._repo = RepoIndex()
        self._schemas = SchemaIndex()
        self._reach = ReachIndex(self.root)
        jobs = pool_size(total, self._jobs)
        if jobs > 1:
            return self._analyze_in_pool(paths, jobs, progress)
        analysed = 0
        for i, rel in enumerate(paths):
            loaded = read_source(self.root, rel)
            if isinstance(loaded, bytes):
                ctx = self._context(rel, loaded, facts=False)
                self._project.update_file(rel, defined_callbacks(ctx))
                self._repo.update_file(rel, repo_functions(ctx))
                self._schemas.update_file(rel, schema_facts(ctx))
                self._files[rel] = self._check(ctx, content_hash(loaded))
                analysed += 1
            elif isinstance(loaded, Notice):
                self._files[rel] = _FileState("", [], [loaded])
            if progress is not None and i % 50 == 0:
                progress(i, total)
        self._recheck_all_dependents()
        self._unreached = self._grade_reach()
        if progress is not None:
            progress(total, total)
        return AuditReport(analysed, self.findings, self.notices)

    def _analyze_in_pool(
        self, paths: list[str], jobs: int, progress: Progress | None
    ) -> AuditReport:
        analysed = 0
        for outcome in analyze_in_pool(
            str(self.root), paths, self.config, self.policy, jobs, progress
        ):
            if not outcome.digest and not outcome.notices:
                continue  # vanished since discovery
            state = _FileState(
                outcome.digest,
                outcome.findings,
                outcome.notices,
                outcome.behaviours,
                outcome.loop_calls,
                outcome.entries,
            )
            self._files[outcome.path] = state
            self._reach.update_file(outcome.path, outcome.entries, None)
            if outcome.digest:
                analysed += 1
                self._project.update_file(outcome.path, outcome.callbacks)
                self._repo.update_file(outcome.path, outcome.repo_functions)
                self._schemas.update_file(outcome.path, outcome.schemas)
        self._recheck_all_dependents()
        self._unreached = self._grade_reach()
        return AuditReport(analysed, self.findings, self.notices)

    def reanalyze(self, rel_paths: Iterable[str]) -> FindingsDelta:
        """Re-analyse the given files (changed, created or deleted) and report the change."""
        wanted = sorted({p for p in rel_paths if p.endswith((".ex", ".exs")) and not skipped(p)})
        before: dict[str, list[Finding]] = {}
        notices: list[Notice] = []
        changed_behaviours: set[str] = set()
        changed_calls: set[str] = set()
        contexts: list[tuple[FileContext, str]] = []
        for rel in wanted:
            old = self._files.get(rel)
            before[rel] = old.findings if old is not None else []
            loaded = read_source(self.root, rel)
            if loaded is None:
                self._files.pop(rel, None)
                self._latest.pop(rel, None)
                self._reach.update_file(rel, (), None)
                changed_behaviours |= self._project.update_file(rel, {})
                changed_calls |= fact_calls(self._repo.update_file(rel, {}))
                changed_calls |= self._schemas.update_file(rel, {})
                continue
            if isinstance(loaded, Notice):
                self._files[rel] = _FileState("", [], [loaded])
                self._reach.update_file(rel, (), None)
                changed_behaviours |= self._project.update_file(rel, {})
                changed_calls |= fact_calls(self._repo.update_file(rel, {}))
                changed_calls |= self._schemas.update_file(rel, {})
                notices.append(loaded)
                continue
            digest = content_hash(loaded)
            if old is not None and old.digest == digest:
                continue
            ctx = self._context(rel, loaded, incremental=True)
            changed_behaviours |= self._project.update_file(rel, defined_callbacks(ctx))
            changed_calls |= fact_calls(self._repo.update_file(rel, repo_functions(ctx)))
            changed_calls |= self._schemas.update_file(rel, schema_facts(ctx))
            contexts.append((ctx, digest))
        for ctx, digest in contexts:
            state = self._check(ctx, digest)
            self._files[ctx.path] = state
            notices.extend(state.notices)
        if changed_behaviours or changed_calls:
            self._recheck(changed_behaviours, changed_calls, set(wanted), before)
        self._unreached = self._grade_reach()
        touched = sorted(before)
        return self._delta(touched, before, notices)

    def _grade_reach(self) -> dict[str, list[Entry]]:
        """The web entry modules holding a finding above low that nothing else names."""
        candidates = [
            (rel, f.line)
            for rel, state in self._files.items()
            if state.entries
            for f in state.findings
            if f.confidence != Confidence.LOW
        ]
        if not candidates:
            return {}
        return self._reach.unreached(candidates, list(self._files), self._source_of)

    def _source_of(self, rel: str) -> bytes | None:
        latest = self._latest.get(rel)
        if latest is not None:
            return latest[0]
        loaded = read_source(self.root, rel)
        return loaded if isinstance(loaded, bytes) else None

    def _recheck_all_dependents(self) -> None:
        """After a full first pass: check again the files that depend on project facts."""
        behaviours = set(self._project.callbacks)
        calls = fact_calls(self._repo.functions) | self._schemas.keys()
        if behaviours or calls:
            self._recheck(behaviours, calls, set(), {})

    def _recheck(
        self,
        behaviours: set[str],
        calls: set[str],
        done: set[str],
        before: dict[str, list[Finding]],
    ) -> None:
        """Check again the files that implement one of ``behaviours`` or call one of the Repo
        functions ``calls`` (``Tail.fun``) in a loop."""
        for rel, state in list(self._files.items()):
            if rel in done or not (state.behaviours & behaviours or state.loop_calls & calls):
                continue
            loaded = read_source(self.root, rel)
            if not isinstance(loaded, bytes):
                continue
            before[rel] = state.findings
            self._files[rel] = self._check(self._context(rel, loaded), content_hash(loaded))

    def _delta(
        self, paths: list[str], before: Mapping[str, list[Finding]], notices: list[Notice]
    ) -> FindingsDelta:
        current: list[Finding] = []
        new: list[Finding] = []
        resolved: list[Finding] = []
        for rel in paths:
            state = self._files.get(rel)
            now = self._graded(rel) if state is not None else []
            old = self._graded(rel, before.get(rel, []))
            old_keys = {f.identity for f in old}
            now_keys = {f.identity for f in now}
            current.extend(now)
            new.extend(f for f in now if f.identity not in old_keys)
            resolved.extend(f for f in old if f.identity not in now_keys)
        return FindingsDelta(tuple(paths), current, new, resolved, notices)
