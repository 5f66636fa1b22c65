"""The finding type shared by the engine rules, Audit Mode parsing of Claude's answers,
the watcher, the CLI reports and the TUI findings panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Higher is more severe: critical=3 ... low=0."""
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_RANK = {Severity.CRITICAL: 3, Severity.HIGH: 2, Severity.MEDIUM: 1, Severity.LOW: 0}


class Confidence(StrEnum):
    """How sure a rule is that a finding is a real problem: ``high`` when the fault is proven
    from the code (an input traced to the outside, a call that certainly blocks), ``medium``
    when it is likely, ``low`` when it is only possible. The default views show medium and
    above."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Higher is surer: high=2, medium=1, low=0."""
        return _CONFIDENCE_RANK[self]

    def at_least(self, other: Confidence) -> bool:
        return self.rank >= other.rank


_CONFIDENCE_RANK = {Confidence.HIGH: 2, Confidence.MEDIUM: 1, Confidence.LOW: 0}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place. Positions are 1-based; ``path`` is relative, posix form."""

    rule: str
    severity: Severity
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fixable: bool = False
    title: str = ""
    source: str = "engine"  # "engine" or "claude"
    confidence: Confidence = Confidence.MEDIUM
    #: Stable identity across edits that move lines (rule, path, enclosing definition and the
    #: normalised code of the finding); set by the analyzer, see ``engine/identity.py``.
    fingerprint: str = ""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def identity(self) -> tuple[str, ...]:
        """What makes two findings the same one: the fingerprint when the engine set it (it
        survives lines moving, see ``engine/identity.py``), else the rule, place and message
        (findings parsed from Claude's answers)."""
        if self.fingerprint:
            return (self.fingerprint,)
        return (self.rule, self.path, str(self.line), self.message)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)
