"""The current tree's side of the check before apply (:mod:`elixir_pro.compiler.precheck`): its
diagnostics for the files a change touches, compiled in a shadow build and remembered by those
files' bytes, and the subtraction that keeps only what a change brought.

A diagnostic is the current tree's when the current tree has one in the same file, with the same
severity and message (line numbers inside the message aside); within such a group the closest
pairs, after following the lines the change moved, are matched first, each once. No Textual.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from elixir_pro.compiler.model import Diagnostic
from elixir_pro.compiler.proposed import ProposedFile
from elixir_pro.compiler.shadow import ShadowTree

_BASELINES: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[Diagnostic, ...]] = {}
_BASELINES_LOCK = threading.Lock()
MAX_BASELINES = 32


def baseline_diagnostics(
    root: Path, paths: Iterable[str], timeout: float
) -> tuple[Diagnostic, ...]:
    """The current tree's diagnostics for ``paths``: those files are recompiled in a shadow
    from their current text with one more trailing newline (same lines, new size, so Mix
    recompiles them). Remembered by the files' bytes, so a review's later checks reuse it."""
    touched: dict[str, bytes | None] = {}
    for rel in sorted(set(paths)):
        path = root / rel
        if path.is_file() and not path.is_symlink() and path.resolve().is_relative_to(root):
            touched[rel] = path.read_bytes() + b"\n"
    if not touched:
        return ()
    stamp = tuple((rel, hashlib.sha256(data or b"").hexdigest()) for rel, data in touched.items())
    cache_key = (str(root), stamp)
    with _BASELINES_LOCK:
        cached = _BASELINES.get(cache_key)
    if cached is not None:
        return cached
    with ShadowTree(root, touched) as shadow:
        result = shadow.compile(timeout=timeout)
    diagnostics = result.diagnostics if result.ran else ()
    with _BASELINES_LOCK:
        if len(_BASELINES) >= MAX_BASELINES:
            _BASELINES.pop(next(iter(_BASELINES)))
        _BASELINES[cache_key] = diagnostics
    return diagnostics


_LINE_REF = re.compile(r"(\bline\s+|\.exs?:|\.erl:)\d+(:\d+)?")


def _normal(message: str) -> str:
    return _LINE_REF.sub(r"\1#", " ".join(message.split()))


def new_diagnostics(
    proposed: tuple[Diagnostic, ...],
    baseline: tuple[Diagnostic, ...],
    files: Mapping[str, ProposedFile],
) -> list[Diagnostic]:
    """``proposed`` less what ``baseline`` already had: the same file, severity and message
    (line numbers inside the message aside). Within each such group, the closest pairs (after
    following the change's line moves) are matched first, and each diagnostic pairs once."""
    current: dict[tuple[str, str, str], list[int]] = {}
    for d in baseline:
        line = d.line
        changed = files.get(d.path)
        if changed is not None and changed.base is not None:
            line = changed.moved(d.line)
        current.setdefault(_key(d), []).append(line)
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, d in enumerate(proposed):
        groups.setdefault(_key(d), []).append(i)
    matched: set[int] = set()
    for key, indexes in groups.items():
        lines = current.get(key, [])
        pairs = sorted(
            (abs(proposed[i].line - line), i, j) for i in indexes for j, line in enumerate(lines)
        )
        used: set[int] = set()
        for _distance, i, j in pairs:
            if i not in matched and j not in used:
                matched.add(i)
                used.add(j)
    return [d for i, d in enumerate(proposed) if i not in matched]


def _key(d: Diagnostic) -> tuple[str, str, str]:
    return d.path, d.severity.value, _normal(d.message)
