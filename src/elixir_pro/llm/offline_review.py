"""Offline reviews (the agent's Audit Mode format) and assessments (the supervision map and the
trade-offs the findings raise), both of the files as they are on disk: a finding whose fix is
staged is still reported, marked as staged, and what the staged changes would add is named.

Used by the offline backend for review and assess requests in any pane.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.llm import offline_text as T
from elixir_pro.llm.offline_answer import Answer
from elixir_pro.llm.offline_engine import (
    EngineView,
    ProjectView,
    impact_and_fix,
    supervision_text,
    tradeoff_for,
)

MAX_FINDINGS_SHOWN = 40


def finding_text(finding: Finding, view: EngineView) -> str:
    impact, recommendation = impact_and_fix(finding)
    recommendation = recommendation or T.DEFAULT_RECOMMENDATION.format(rule=finding.rule)
    staged = view.staged_fix(finding)
    if finding.fixable and not staged:
        recommendation += T.FINDING_FIXABLE.format(path=finding.path)
    return T.FINDING.format(
        severity=finding.severity.value.upper(),
        title=finding.title or finding.rule,
        location=finding.location,
        issue=finding.message,
        impact=impact or T.DEFAULT_IMPACT[finding.severity.value],
        recommendation=recommendation,
        staged=T.FINDING_STAGED if staged else "",
    )


def _introduced(view: EngineView) -> list[str]:
    if not view.introduced:
        return []
    paths = sorted({f.path for f in view.introduced})
    out = [
        T.AUDIT_INTRODUCED.format(
            paths=", ".join(f"`{p}`" for p in paths), count=len(view.introduced)
        )
    ]
    for finding in view.introduced:
        out.append(
            T.INTRODUCED_LINE.format(
                severity=finding.severity.value.upper(),
                title=finding.title or finding.rule,
                location=finding.location,
                issue=finding.message,
            )
        )
    return out


def review(project: ProjectView, view: EngineView) -> Answer:
    """The Audit Mode answer for the view's scope (read-only: it stages nothing)."""
    scope = view.scope_label
    staged_count = sum(1 for f in view.findings if view.staged_fix(f))
    if project.unavailable:
        out = [T.AUDIT_NO_ENGINE.format(scope=scope)]
    else:
        counts = Counter(f.severity.value for f in view.findings)
        breakdown = ", ".join(f"{counts[s.value]} {s.value}" for s in Severity if counts[s.value])
        out = [
            T.AUDIT_SUMMARY.format(
                files=view.files_analyzed,
                scope=scope,
                count=len(view.findings),
                breakdown=f" ({breakdown})" if breakdown else "",
            )
        ]
        if staged_count:
            out.append(T.AUDIT_STAGED.format(count=staged_count))
        out.extend(_introduced(view))
    out.append(T.FINDINGS_HEAD)
    ranked = sorted(view.findings, key=lambda f: (-f.severity.rank, f.sort_key()))
    if not ranked:
        out.append(T.NO_FINDINGS.format(scope=scope))
    out.extend(finding_text(f, view) for f in ranked[:MAX_FINDINGS_SHOWN])
    if len(ranked) > MAX_FINDINGS_SHOWN:
        out.append(T.MORE_FINDINGS.format(count=len(ranked) - MAX_FINDINGS_SHOWN))
    tree, reason = supervision_text(project.root, project)
    out.append(T.OTP_HEAD.format(tree=tree) if tree else T.OTP_UNAVAILABLE.format(reason=reason))
    out.append(T.RECOMMENDATIONS_HEAD)
    by_severity: dict[Severity, list[Finding]] = defaultdict(list)
    for finding in ranked:
        by_severity[finding.severity].append(finding)
    if not by_severity:
        out.append(T.RECOMMENDATION_NONE)
    for n, severity in enumerate(sorted(by_severity, key=lambda s: -s.rank), start=1):
        items = by_severity[severity]
        staged = sum(1 for f in items if view.staged_fix(f))
        out.append(
            T.RECOMMENDATION_LINE.format(
                n=n,
                severity=severity.value,
                count=len(items),
                rules=", ".join(f"`{r}`" for r in sorted({f.rule for f in items})),
                staged=T.RECOMMENDATION_STAGED.format(count=staged) if staged else "",
            )
        )
    staged_note = T.RESULT_AUDIT_STAGED.format(count=staged_count) if staged_count else ""
    return Answer(
        body="".join(out),
        result=T.RESULT_AUDIT.format(count=len(view.findings), scope=scope, staged=staged_note),
        confidence="low" if project.unavailable else "medium",
        claude_adds=T.CLAUDE_ADDS_CRITICAL,
    )


def assess(project: ProjectView, view: EngineView) -> Answer:
    """The supervision map and the trade-offs the scope's findings (as on disk) raise."""
    tree, reason = supervision_text(project.root, project)
    out = [
        T.EVAL_INTRO.format(scope=view.scope_label, tree=tree)
        if tree
        else T.EVAL_NO_MAP.format(reason=reason),
        T.TRADEOFFS_HEAD,
    ]
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in view.findings:
        by_rule[finding.rule].append(finding)
    if not by_rule:
        out.append(T.TRADEOFFS_NONE.format(scope=view.scope_label))
    for rule, items in sorted(by_rule.items(), key=lambda kv: (-kv[1][0].severity.rank, kv[0])):
        first = min(items, key=lambda f: f.sort_key())
        staged = sum(1 for f in items if view.staged_fix(f))
        out.append(
            T.TRADEOFF_LINE.format(
                title=first.title or rule,
                count=len(items),
                rule=rule,
                location=first.location,
                tradeoff=tradeoff_for(rule) or T.TRADEOFF_DEFAULT,
                staged=T.TRADEOFF_STAGED.format(count=staged) if staged else "",
            )
        )
    out.extend(_introduced(view))
    return Answer(
        body="".join(out),
        result=T.RESULT_EVAL.format(count=len(by_rule), scope=view.scope_label),
        confidence="low" if project.unavailable else "medium",
        claude_adds=T.CLAUDE_ADDS_EVALUATIVE,
    )
