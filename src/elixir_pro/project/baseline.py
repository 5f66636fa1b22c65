"""The findings baseline: a committed file listing findings a team has accepted, so they are not
reported again. Entries are matched by fingerprint (rule, file, enclosing definition and the
normalised code), so they stay matched when lines move above them; a finding whose code changes
is reported again.

The file is JSON, sorted for stable diffs::

    {"version": 1, "findings": [{"fingerprint": "...", "rule": "...", "path": "...",
                                 "message": "..."}]}

Used by the project service (``audit --write-baseline``, and every view of findings).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from elixir_pro.engine.findings import Finding
from elixir_pro.errors import UserError

VERSION = 1


@dataclass(frozen=True, slots=True)
class Baseline:
    """The accepted findings' fingerprints (empty when there is no baseline file)."""

    path: Path | None = None
    fingerprints: frozenset[str] = frozenset()

    def __contains__(self, finding: object) -> bool:
        return isinstance(finding, Finding) and finding.fingerprint in self.fingerprints

    def __len__(self) -> int:
        return len(self.fingerprints)


def load_baseline(path: Path) -> Baseline:
    """The baseline at ``path``; an absent file is an empty baseline, a broken one is one
    :class:`UserError` line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Baseline(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the baseline: {exc}", path=path) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"the baseline is not valid JSON: {exc.msg}"
        raise UserError(message, path=path, line=exc.lineno) from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(entries, list) or document.get("version") != VERSION:
        raise UserError(
            f'expected {{"version": {VERSION}, "findings": [...]}} (write it again with '
            "`elixir-pro audit --write-baseline`)",
            path=path,
        )
    prints = {e["fingerprint"] for e in entries if isinstance(e, dict) and e.get("fingerprint")}
    return Baseline(path, frozenset(str(p) for p in prints))


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """Write ``findings`` as the baseline at ``path`` (atomically); returns how many."""
    entries = sorted(
        (
            {"fingerprint": f.fingerprint, "rule": f.rule, "path": f.path, "message": f.message}
            for f in findings
            if f.fingerprint
        ),
        key=lambda e: (e["path"], e["rule"], e["fingerprint"]),
    )
    text = json.dumps({"version": VERSION, "findings": entries}, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".baseline-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"cannot write the baseline: {exc.strerror or exc}", path=path) from None
    return len(entries)
