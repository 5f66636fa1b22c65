"""Compiler diagnostics as findings: the project service's side of the warm compiler.

:class:`CompilerFindings` owns the project's :class:`~elixir_pro.compiler.CompilerCompanion`
(started on the first compile, stopped by :meth:`close`), turns each diagnostic into a
:class:`~elixir_pro.engine.findings.Finding` with ``source="compiler"`` and rule
``compiler:error`` / ``compiler:warning``, and keeps the current ones per file so a refresh
reports what is new and what was resolved by identity.

Identity follows ``engine/identity.py``: the fingerprint hashes the rule, the file, the enclosing
definition and the code of the reported line with whitespace removed, plus the message with its
numbers blanked (the compiler's messages may name lines); never the line itself. A warning whose
lines moved is therefore the same warning, not a new one.

Used by :class:`~elixir_pro.project.service.ProjectService` (watch, TUI, ``audit --compile``).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.compiler.model import CompileResult, CompileStatus, Diagnostic, DiagnosticSeverity
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.sources import Notice

if TYPE_CHECKING:
    from elixir_pro.compiler.companion import CompilerCompanion
    from elixir_pro.engine.parse import ParseCache

SOURCE = "compiler"
_SEVERITY = {
    DiagnosticSeverity.ERROR: Severity.CRITICAL,
    DiagnosticSeverity.WARNING: Severity.MEDIUM,
    DiagnosticSeverity.INFORMATION: Severity.LOW,
    DiagnosticSeverity.HINT: Severity.LOW,
}
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_MAX_MESSAGE = 600
MIX_EXS = "mix.exs"
#: What the critical pane's review request says about the compiler (``compiler_context``).
CONTEXT_HEADER = "What `mix compile` reports for these files now (errors and warnings are facts):"
CONTEXT_LINE = "- {location}: {kind}: {message}"
_CONTEXT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class CompilerDelta:
    """What one compile changed: ``paths`` whose compiler findings changed (or were compiled),
    their current compiler findings, which are new and which resolved, and notices."""

    result: CompileResult
    paths: tuple[str, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    new: list[Finding] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def rule_for(diagnostic: Diagnostic) -> str:
    return f"compiler:{diagnostic.severity.value}"


class CompilerFindings:
    """The compiler's current findings for one project, refreshed by :meth:`refresh`."""

    def __init__(
        self,
        root: Path,
        *,
        timeout_s: float = 120.0,
        parse_cache: ParseCache | None = None,
        companion: CompilerCompanion | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.timeout_s = timeout_s
        self._parse_cache = parse_cache
        self._companion = companion
        self._by_path: dict[str, list[Finding]] = {}
        self._lock = threading.Lock()
        self._told_unavailable = False
        self.last: CompileResult | None = None

    @property
    def companion(self) -> CompilerCompanion:
        if self._companion is None:
            from elixir_pro.compiler.companion import CompilerCompanion

            self._companion = CompilerCompanion(self.root)
        return self._companion

    @property
    def findings(self) -> list[Finding]:
        with self._lock:
            out = [f for items in self._by_path.values() for f in items]
        out.sort(key=Finding.sort_key)
        return out

    def findings_for(self, paths: Iterable[str]) -> list[Finding]:
        with self._lock:
            return [f for p in paths for f in self._by_path.get(p, [])]

    def close(self) -> None:
        """Stop the companion for good (idempotent)."""
        if self._companion is not None:
            self._companion.close()

    # -- refresh -----------------------------------------------------------------------------

    def refresh(self, deleted: Iterable[str] = ()) -> CompilerDelta:
        """Compile through the companion and update the findings; ``deleted`` files lose theirs
        whatever the compile says."""
        result = self.companion.compile(timeout=self.timeout_s)
        self.last = result
        notices = self._notices(result)
        if not result.ran:
            gone = [p for p in deleted if p in self._by_path]
            return self._apply({p: [] for p in gone}, result, notices)
        current = self._group(result.diagnostics)
        if result.status is CompileStatus.ERROR:
            # A failed compile may stop before it reaches a file (even a changed one): replace
            # only what it speaks for, and keep the rest until a compile gets through.
            touched = set(current) | set(result.compiled) | set(deleted)
            with self._lock:
                touched |= {p for p in self._by_path if p == MIX_EXS}
            replace = {p: current.get(p, []) for p in touched}
        else:
            with self._lock:
                replace = {p: [] for p in self._by_path}
            replace.update(current)
        return self._apply(replace, result, notices)

    def _apply(
        self, replace: dict[str, list[Finding]], result: CompileResult, notices: list[Notice]
    ) -> CompilerDelta:
        paths: list[str] = []
        findings: list[Finding] = []
        new: list[Finding] = []
        resolved: list[Finding] = []
        with self._lock:
            for path in sorted(replace):
                now = replace[path]
                before = self._by_path.get(path, [])
                old_keys = {f.identity for f in before}
                now_keys = {f.identity for f in now}
                added = [f for f in now if f.identity not in old_keys]
                gone = [f for f in before if f.identity not in now_keys]
                moved = not added and not gone and before != now
                if added or gone or moved or path in result.compiled:
                    paths.append(path)
                    findings.extend(now)
                    new.extend(added)
                    resolved.extend(gone)
                if now:
                    self._by_path[path] = now
                else:
                    self._by_path.pop(path, None)
        return CompilerDelta(result, tuple(paths), findings, new, resolved, notices)

    def _notices(self, result: CompileResult) -> list[Notice]:
        if result.status is CompileStatus.UNAVAILABLE:
            if self._told_unavailable:
                return []
            self._told_unavailable = True
            return [Notice("", f"compiler diagnostics are off: {result.message}")]
        if result.status is CompileStatus.FAILED:
            return [Notice("", f"the compiler companion failed: {result.message}")]
        return []

    # -- findings ----------------------------------------------------------------------------

    def _group(self, diagnostics: Iterable[Diagnostic]) -> dict[str, list[Finding]]:
        by_path: dict[str, list[Diagnostic]] = {}
        for diagnostic in diagnostics:
            path = diagnostic.path or MIX_EXS
            if path.startswith("/") or path.startswith("../"):
                continue  # a dependency's file: not this project's to show
            by_path.setdefault(path, []).append(diagnostic)
        return {
            path: self._findings_of(path, sorted(items, key=lambda d: (d.line, d.column)))
            for path, items in by_path.items()
        }

    def _findings_of(self, path: str, diagnostics: list[Diagnostic]) -> list[Finding]:
        source = _read(self.root / path)
        located = _Locator(path, source, self._parse_cache)
        seen: Counter[tuple[str, str, bytes]] = Counter()
        out: list[Finding] = []
        for diagnostic in diagnostics:
            finding = to_finding(diagnostic, path)
            where, code = located.where_and_code(finding)
            key_rule = f"{finding.rule}\0{_DIGITS.sub('#', diagnostic.summary)}"
            key = (key_rule, where, code)
            rank = seen[key]
            seen[key] += 1
            from elixir_pro.engine.identity import fingerprint

            out.append(_with_fingerprint(finding, fingerprint(key_rule, path, where, code, rank)))
        return out


def compiler_context(findings: Iterable[Finding], paths: Iterable[str]) -> str:
    """The compiler's current findings of ``paths`` as context for Claude ("" when none)."""
    wanted = set(paths)
    mine = sorted(
        (f for f in findings if f.source == SOURCE and f.path in wanted), key=Finding.sort_key
    )
    if not mine:
        return ""
    lines = [
        CONTEXT_LINE.format(
            location=f.location, kind=f.rule.partition(":")[2] or f.rule, message=f.message
        )
        for f in mine[:_CONTEXT_LIMIT]
    ]
    if len(mine) > _CONTEXT_LIMIT:
        lines.append(f"- ... and {len(mine) - _CONTEXT_LIMIT} more")
    return "\n".join([CONTEXT_HEADER, *lines]) + "\n"


def to_finding(diagnostic: Diagnostic, path: str | None = None) -> Finding:
    """The finding a diagnostic is (no fingerprint yet)."""
    line = max(diagnostic.line, 1)
    column = max(diagnostic.column, 1)
    end_line = diagnostic.end_line if diagnostic.end_line >= line else line
    end_column = diagnostic.end_column if diagnostic.end_line >= line else column
    message = _SPACE.sub(" ", diagnostic.message).strip()[:_MAX_MESSAGE]
    return Finding(
        rule=rule_for(diagnostic),
        severity=_SEVERITY[diagnostic.severity],
        path=path if path is not None else (diagnostic.path or MIX_EXS),
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        message=message,
        title=f"{diagnostic.compiler} compiler {diagnostic.severity.value}",
        source=SOURCE,
        confidence=Confidence.HIGH,
    )


def _with_fingerprint(finding: Finding, value: str) -> Finding:
    from dataclasses import replace

    return replace(finding, fingerprint=value)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


class _Locator:
    """The enclosing definition and normalised code of a position in one file (tree-sitter,
    through the analyzer's parse cache when there is one)."""

    def __init__(self, path: str, source: bytes | None, cache: ParseCache | None) -> None:
        self._path = path
        self._source = source
        self._cache = cache
        self._ctx: object | None = None
        self._starts: list[int] = []

    def where_and_code(self, finding: Finding) -> tuple[str, bytes]:
        if self._source is None or not self._path.endswith((".ex", ".exs")):
            return "", b""
        from elixir_pro.engine.context import FileContext
        from elixir_pro.engine.identity import byte_at, code_of, enclosing, line_starts

        if self._ctx is None:
            if self._cache is None:
                from elixir_pro.engine.parse import ParseCache

                self._cache = ParseCache(max_entries=64)
            self._ctx = FileContext(self._path, self._source, self._cache.get(self._source))
            self._starts = line_starts(self._source)
        ctx = self._ctx
        assert isinstance(ctx, FileContext)
        if finding.line > len(self._starts):
            return "", b""
        byte = byte_at(self._starts, ctx.source, finding.line, finding.column)
        return enclosing(ctx, byte), code_of(ctx, self._starts, finding)
