"""The engine calls behind the offline backend, each with a degraded path when a part of the
engine is missing or fails: the project as the engine reads it (findings on disk, files,
modules, what it uses), the findings of one scope together with what the pending (staged)
changes do to them, the rendered supervision map, and rule texts for a finding.

A review describes the files as they are on disk; a finding whose file has staged changes
that remove it is marked as having its fix staged, and a finding that only the staged text
has is reported as introduced by the staged change. Blocking code: the offline backend runs
these in a thread. Used only by the offline backend's modules (``llm/offline_*.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from elixir_pro.changes.changeset import Changeset
from elixir_pro.config import Config
from elixir_pro.engine.findings import Finding
from elixir_pro.engine.uses import ProjectUses
from elixir_pro.llm import offline_text as T

if TYPE_CHECKING:
    from elixir_pro.project import ProjectService


@dataclass(slots=True)
class ProjectView:
    """The project as the engine reads it from disk, once per turn."""

    root: Path
    service: ProjectService | None = None
    findings: list[Finding] = field(default_factory=list)  # on disk, visible
    files: list[str] = field(default_factory=list)
    modules: dict[str, str] = field(default_factory=dict)  # module -> file
    uses: ProjectUses = field(default_factory=ProjectUses)
    unavailable: str = ""  # why the analyser could not run ("" when it ran)


@dataclass(slots=True)
class EngineView:
    """The findings for the answer's scope (``scope`` empty: the whole project), as on disk,
    with what the staged changes do to them."""

    scope: list[str]
    findings: list[Finding] = field(default_factory=list)
    files_analyzed: int = 0
    unavailable: str = ""
    staged_paths: list[str] = field(default_factory=list)  # files in scope with staged changes
    fixed_by_staged: set[tuple[str, ...]] = field(default_factory=set)  # finding keys
    introduced: list[Finding] = field(default_factory=list)  # only in the staged text

    @property
    def scope_label(self) -> str:
        if not self.scope:
            return T.SCOPE_PROJECT
        return T.SCOPE_PATHS.format(paths=", ".join(f"`{p}`" for p in self.scope))

    def staged_fix(self, finding: Finding) -> bool:
        """Whether the staged changes remove ``finding``."""
        return finding_key(finding) in self.fixed_by_staged

    @property
    def open_findings(self) -> list[Finding]:
        """The findings on disk that no staged change removes."""
        return [f for f in self.findings if not self.staged_fix(f)]


def finding_key(finding: Finding) -> tuple[str, ...]:
    """What identifies a finding across versions of its file (its fingerprint when it has one)."""
    if finding.fingerprint:
        return (finding.path, finding.fingerprint)
    return (finding.path, finding.rule, finding.message)


def under(path: str, scope: list[str]) -> bool:
    return not scope or any(path == s or path.startswith(s.rstrip("/") + "/") for s in scope)


def load_project(root: Path, config: Config) -> ProjectView:
    """The engine's audit of the files on disk, the module index and the project's uses."""
    from elixir_pro.engine.uses import project_uses
    from elixir_pro.llm.offline_intent import module_index

    project = ProjectView(root=root.resolve())
    try:
        from elixir_pro.project import ProjectService

        service = ProjectService(project.root, config)
        report = service.audit()
        project.service = service
        project.findings = sorted(report.findings, key=Finding.sort_key)
        project.files = list(service.files())
    except Exception as exc:  # the engine must never take the conversation down
        project.unavailable = f"the analyser failed: {type(exc).__name__}: {exc}"
        return project
    project.modules = module_index(project.root, project.files)
    project.uses = project_uses(project.root, project.files)
    return project


def staged_texts(changeset: Changeset | None, scope: list[str]) -> dict[str, str | None]:
    """The pending text of each Elixir file in ``scope`` (None: deleted)."""
    if changeset is None:
        return {}
    return {
        rel: proposal.new_text
        for rel, proposal in changeset.proposals.items()
        if under(rel, scope) and rel.endswith((".ex", ".exs"))
    }


def check_text(project: ProjectView, rel: str, text: str) -> list[Finding]:
    """The visible findings of an in-memory version of ``rel``."""
    if project.service is None:
        return []
    source = text.encode("utf-8", errors="surrogateescape")
    return project.service.check_source(rel, source)


def view_for(project: ProjectView, scope: list[str], changeset: Changeset | None) -> EngineView:
    """The scope's findings on disk, and what the staged changes fix and introduce."""
    view = EngineView(scope=list(scope), unavailable=project.unavailable)
    if project.unavailable:
        return view
    view.findings = [f for f in project.findings if under(f.path, scope)]
    view.files_analyzed = sum(1 for p in project.files if under(p, scope))
    try:
        for rel, text in sorted(staged_texts(changeset, scope).items()):
            view.staged_paths.append(rel)
            on_disk = [f for f in view.findings if f.path == rel]
            staged = check_text(project, rel, text) if text is not None else []
            staged_keys = {finding_key(f) for f in staged}
            disk_keys = {finding_key(f) for f in on_disk}
            view.fixed_by_staged |= {finding_key(f) for f in on_disk} - staged_keys
            view.introduced.extend(f for f in staged if finding_key(f) not in disk_keys)
    except Exception as exc:  # a staged text the engine cannot read: say so, keep the disk view
        view.unavailable = f"the staged changes could not be analysed: {exc}"
    return view


def supervision_text(root: Path, project: ProjectView | None = None) -> tuple[str, str]:
    """(rendered map, "") or ("", why it is not available)."""
    from elixir_pro.engine.supervision_render import render_map
    from elixir_pro.project import ProjectService

    try:
        service = project.service if project and project.service else ProjectService(root)
        return render_map(service.supervision()), ""
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
