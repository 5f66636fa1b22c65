"""Finding identity that survives edits: a finding is the same finding when lines move.

The fingerprint of a finding hashes its rule, its file, the definition that encloses it
(``Module.fun/arity``, or the module for module-level code) and its code with whitespace
removed (so reformatting keeps it); never its line, column or message (messages may name line
numbers). When the same code occurs twice in one definition, its rank tells them apart.

Used by the analyzer (every finding gets one), the watcher and the TUI ("new" means new), and
the baseline (``engine/baseline.py``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import replace

from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Finding

_SPACE = re.compile(rb"\s+")
_MAX_CODE = 240


def line_starts(source: bytes) -> list[int]:
    """Byte offset of the start of every line (index 0 is line 1)."""
    starts = [0]
    find = source.find
    i = find(b"\n")
    while i >= 0:
        starts.append(i + 1)
        i = find(b"\n", i + 1)
    return starts


def byte_at(starts: list[int], source: bytes, line: int, column: int) -> int:
    """The byte offset of a 1-based (line, column) position, clamped to the source."""
    if not starts:
        return 0
    index = min(max(line, 1), len(starts)) - 1
    return min(starts[index] + max(column - 1, 0), len(source))


def enclosing(ctx: FileContext, byte: int) -> str:
    """``Module.fun/arity`` of the definition holding ``byte``, the module, or ``""``."""
    fn = ctx.function_at(byte)
    if fn is not None:
        module = fn.module.name if fn.module is not None else ""
        return f"{module}.{fn.name}/{fn.arity}"
    module_def = ctx.module_at(byte)
    return module_def.name if module_def is not None else ""


def code_of(ctx: FileContext, starts: list[int], finding: Finding) -> bytes:
    """The finding's own code with all whitespace removed (at most a few lines' worth), so
    ``mix format`` moving spaces and line breaks keeps the identity."""
    source = ctx.source
    start = byte_at(starts, source, finding.line, finding.column)
    if finding.end_line > finding.line or finding.end_column > finding.column:
        end = byte_at(starts, source, finding.end_line, finding.end_column)
    else:
        end = source.find(b"\n", start)
        end = len(source) if end < 0 else end
    code = source[start : max(end, start)][: _MAX_CODE * 2]
    return _SPACE.sub(b"", code)[:_MAX_CODE]


def fingerprint(rule: str, path: str, where: str, code: bytes, rank: int) -> str:
    digest = hashlib.blake2b(digest_size=10)
    for part in (rule.encode(), path.encode(), where.encode(), code, str(rank).encode()):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def with_fingerprints(ctx: FileContext, findings: list[Finding]) -> list[Finding]:
    """``findings`` (one file's, in source order) with their fingerprints set."""
    if not findings:
        return findings
    starts = line_starts(ctx.source)
    seen: Counter[tuple[str, str, bytes]] = Counter()
    out: list[Finding] = []
    for finding in findings:
        byte = byte_at(starts, ctx.source, finding.line, finding.column)
        where = enclosing(ctx, byte)
        code = code_of(ctx, starts, finding)
        key = (finding.rule, where, code)
        rank = seen[key]
        seen[key] += 1
        out.append(
            replace(finding, fingerprint=fingerprint(finding.rule, ctx.path, where, code, rank))
        )
    return out
