"""The engine calls behind the offline backend, each with a degraded path when a part of the
engine is missing or fails: project analysis limited to a scope, the rendered supervision
map, and rule texts (impact, recommendation, trade-off) for a finding.

Blocking code: the offline backend runs these in a thread. Used only by
:mod:`elixir_pro.llm.offline_backend`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from elixir_pro.changes.changeset import Changeset
from elixir_pro.config import Config
from elixir_pro.engine.findings import Finding
from elixir_pro.llm import offline_text as T


@dataclass(slots=True)
class EngineView:
    """The findings for the answer's scope (``scope`` empty: the whole project)."""

    scope: list[str]
    findings: list[Finding] = field(default_factory=list)
    files_analyzed: int = 0
    unavailable: str = ""  # why the analyser could not run ("" when it ran)

    @property
    def scope_label(self) -> str:
        if not self.scope:
            return T.SCOPE_PROJECT
        return T.SCOPE_PATHS.format(paths=", ".join(f"`{p}`" for p in self.scope))


def under(path: str, scope: list[str]) -> bool:
    return not scope or any(path == s or path.startswith(s.rstrip("/") + "/") for s in scope)


def run_analysis(
    root: Path, config: Config, scope: list[str], changeset: Changeset | None = None
) -> EngineView:
    """The engine's findings for ``scope``. Files with pending (staged) changes are analysed
    as staged, so a review after an edit judges the edit, not the old disk text."""
    view = EngineView(scope=list(scope))
    try:
        from elixir_pro.project import ProjectService

        service = ProjectService(root.resolve(), config)
        report = service.audit()
        staged = {
            rel: proposal.new_text
            for rel, proposal in (changeset.proposals.items() if changeset is not None else ())
            if under(rel, scope) and rel.endswith((".ex", ".exs"))
        }
        findings = [f for f in report.findings if under(f.path, scope) and f.path not in staged]
        for rel, text in sorted(staged.items()):
            if text is not None:
                source = text.encode("utf-8", errors="surrogateescape")
                findings.extend(service.check_source(rel, source))
    except Exception as exc:  # the engine must never take the conversation down
        view.unavailable = f"the analyser failed: {type(exc).__name__}: {exc}"
        return view
    view.findings = sorted(findings, key=Finding.sort_key)
    files = set(service.files()) | set(staged)
    view.files_analyzed = sum(1 for p in files if under(p, scope))
    return view


def supervision_text(root: Path) -> tuple[str, str]:
    """(rendered map, "") or ("", why it is not available)."""
    from elixir_pro.engine.supervision_render import render_map
    from elixir_pro.project import ProjectService

    try:
        return render_map(ProjectService(root.resolve()).supervision()), ""
    except Exception as exc:  # a parse problem must not end the answer
        return "", f"the supervision map failed: {type(exc).__name__}: {exc}"


def impact_and_fix(finding: Finding) -> tuple[str, str]:
    """The rule's own impact and recommendation texts ("" when the rule is unknown)."""
    from elixir_pro.engine.rule import get_rule

    rule = get_rule(finding.rule)
    if rule is None:
        return "", ""
    return rule.impact, rule.recommendation


def tradeoff_for(rule: str) -> str:
    return T.TRADEOFFS.get(rule, "")
