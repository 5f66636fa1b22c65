"""Rendering an :class:`~elixir_pro.engine.analyzer.AuditReport` as text (the agent's Audit
Mode format) and as the versioned JSON document. SARIF lives in ``engine/sarif.py``.

Used by the ``audit`` command; the TUI and the offline backend may reuse ``render_text``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from elixir_pro.engine.analyzer import AuditReport
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.rule import get_rule

JSON_VERSION = 1
SEVERITY_ORDER = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by path, line and rule."""
    return sorted(findings, key=lambda f: (-f.severity.rank, *f.sort_key()))


def summary_line(report: AuditReport) -> str:
    counts = Counter(f.severity for f in report.findings)
    total = len(report.findings)
    files = f"{report.files_analyzed} file{'s' if report.files_analyzed != 1 else ''}"
    if not total:
        return f"Analysed {files}: no findings.{hidden_note(report)}"
    parts = [f"{counts[s]} {s.value}" for s in SEVERITY_ORDER if counts[s]]
    noun = "finding" if total == 1 else "findings"
    return f"Analysed {files}: {total} {noun} ({', '.join(parts)}).{hidden_note(report)}"


def hidden_note(report: AuditReport) -> str:
    """`` Not shown: 3 of lower confidence (--min-confidence low), 2 in the baseline.``"""
    parts = []
    if report.hidden_low:
        parts.append(f"{report.hidden_low} of lower confidence (--min-confidence low shows them)")
    if report.hidden_baseline:
        parts.append(f"{report.hidden_baseline} in the baseline")
    return f" Not shown: {', '.join(parts)}." if parts else ""


def _finding_block(finding: Finding) -> str:
    rule = get_rule(finding.rule)
    title = finding.title or (rule.title if rule else finding.rule)
    lines = [
        f"### [{finding.severity.value.upper()}] {title}",
        f"- **Location**: {finding.location}",
        f"- **Confidence**: {finding.confidence.value}",
        f"- **Issue**: {finding.message}",
    ]
    if rule is not None:
        lines.append(f"- **Impact**: {rule.impact}")
        lines.append(f"- **Recommendation**: {rule.recommendation}")
    fix = " (autofix available)" if finding.fixable else ""
    lines.append(f"- **Rule**: `{finding.rule}`{fix}")
    return "\n".join(lines)


def render_text(report: AuditReport, target: str, otp_analysis: str) -> str:
    """The Audit Mode report: Summary, Findings, OTP Analysis (and notices, if any)."""
    parts = [f"# elixir-pro audit: {target}", "## Summary", summary_line(report)]
    rules_hit = Counter(f.rule for f in report.findings)
    if rules_hit:
        parts.append(
            "Rules triggered: "
            + ", ".join(f"`{rule}` x{count}" for rule, count in sorted(rules_hit.items()))
            + "."
        )
    parts.append("## Findings")
    findings = by_severity(report.findings)
    parts.extend(_finding_block(f) for f in findings) if findings else parts.append("None.")
    parts.append("## OTP Analysis")
    parts.append(f"- **Supervision Trees**:\n\n```\n{otp_analysis.rstrip()}\n```")
    if report.notices:
        parts.append("## Notices")
        parts.append("\n".join(f"- {notice}" for notice in report.notices))
    return "\n\n".join(parts) + "\n"


def finding_json(finding: Finding) -> dict[str, object]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "message": finding.message,
        "confidence": finding.confidence.value,
        "fixable": finding.fixable,
        "fingerprint": finding.fingerprint,
        "source": finding.source,
    }


def render_json(report: AuditReport) -> str:
    document = {
        "version": JSON_VERSION,
        "files_analyzed": report.files_analyzed,
        "hidden": {"low_confidence": report.hidden_low, "baseline": report.hidden_baseline},
        "findings": [finding_json(f) for f in report.findings],
    }
    return json.dumps(document, indent=2) + "\n"
