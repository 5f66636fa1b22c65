"""Applies the registered safe autofixes to findings and stages the results as a changeset.

Nothing here writes a file: :func:`autofix_changeset` returns a
:class:`~elixir_pro.changes.changeset.Changeset` the review screen shows. Every fixed source is
re-parsed; a fix that would leave a syntax error the original did not have is dropped.

Used by ``elixir-pro fix``, the offline backend's solution answers and the TUI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from elixir_pro.changes.changeset import Changeset
from elixir_pro.engine.findings import Finding
from elixir_pro.engine.fixes import FIXES, TextEdit
from elixir_pro.engine.parse import parse


def fixable_rules() -> frozenset[str]:
    return frozenset(FIXES)


def apply_edits(source: bytes, edits: Iterable[TextEdit]) -> bytes:
    """Apply non-overlapping edits (any order given); insertions at one offset keep their order."""
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    out: list[bytes] = []
    cursor = 0
    for _, edit in ordered:
        if edit.start < cursor:
            raise ValueError("overlapping edits")
        out.append(source[cursor : edit.start])
        out.append(edit.text)
        cursor = edit.end
    out.append(source[cursor:])
    return b"".join(out)


def fix_source(source: bytes, findings: Iterable[Finding]) -> tuple[bytes, list[Finding]]:
    """The source with every fixable finding fixed, and the findings that were fixed."""
    tree = parse(source)
    had_errors = tree.root_node.has_error
    edits: list[TextEdit] = []
    fixed: list[Finding] = []
    for finding in findings:
        fix = FIXES.get(finding.rule)
        if fix is None:
            continue
        result = fix(source, tree, finding)
        if not result:
            continue
        candidate = apply_edits(source, [*edits, *result])
        if parse(candidate).root_node.has_error and not had_errors:
            continue
        edits.extend(result)
        fixed.append(finding)
    return (apply_edits(source, edits) if edits else source), fixed


def autofix_changeset(
    root: Path,
    paths: list[str] | None = None,
    findings: Iterable[Finding] | None = None,
) -> Changeset:
    """Stage fixes for ``findings`` (default: a fresh engine audit of ``root``, limited to
    ``paths`` when given) into a new changeset. Files are only read."""
    root = root.resolve()
    if findings is None:
        from elixir_pro.engine.analyzer import ProjectAnalyzer

        findings = ProjectAnalyzer(root).analyze_all().findings
    wanted = set(paths) if paths else None
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.rule in FIXES and (wanted is None or _under(finding.path, wanted)):
            by_path[finding.path].append(finding)
    changeset = Changeset(root, source="engine autofix", description="Safe autofixes")
    for rel, items in sorted(by_path.items()):
        try:
            source = (root / rel).read_bytes()
        except OSError:
            continue
        fixed_source, fixed = fix_source(source, items)
        if fixed:
            text = fixed_source.decode("utf-8", errors="surrogateescape")
            changeset.propose_text(rel, text)
    return changeset


def _under(path: str, wanted: set[str]) -> bool:
    return any(path == w or path.startswith(w.rstrip("/") + "/") for w in wanted)
