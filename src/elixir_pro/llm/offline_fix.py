"""Scoped fixes: the engine's safe autofixes staged for exactly what a request asks.

"fix X in F" stages fixes only in F, and only for the rules asked about when it names some;
fixes across the whole project need a request that says so ("fix all", "across the project").
A file with pending changes is fixed on top of its staged text, so an earlier staged edit is
kept. Nothing is written: every fix is proposed into the turn's changeset. Blocking code, run
in a thread by the offline backend.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from elixir_pro.engine.findings import Finding
from elixir_pro.events import EditProposed
from elixir_pro.llm import offline_text_tasks as FX
from elixir_pro.llm.base import TurnRequest
from elixir_pro.llm.offline_answer import Answer
from elixir_pro.llm.offline_engine import EngineView, ProjectView, check_text, impact_and_fix


@dataclass(slots=True)
class FixOutcome:
    edits: list[EditProposed] = field(default_factory=list)
    fixed: dict[str, list[Finding]] = field(default_factory=dict)  # per file, what was fixed
    unfixable: list[Finding] = field(default_factory=list)  # asked about, no safe autofix
    already_staged: list[Finding] = field(default_factory=list)  # fixed by earlier staging


def fixable_rules() -> frozenset[str]:
    from elixir_pro.engine.autofix import fixable_rules as rules

    return rules()


def wanted(finding: Finding, rules: list[str]) -> bool:
    return not rules or finding.rule in rules


def plan_paths(view: EngineView, rules: list[str]) -> dict[str, list[Finding]]:
    """The open findings in view with a safe autofix, by file (what a fix would stage)."""
    fixable = fixable_rules()
    by_path: dict[str, list[Finding]] = {}
    for finding in view.open_findings:
        if finding.rule in fixable and wanted(finding, rules):
            by_path.setdefault(finding.path, []).append(finding)
    return by_path


def stage_fixes(
    request: TurnRequest, project: ProjectView, view: EngineView, rules: list[str]
) -> FixOutcome:
    """Stage the safe autofixes for the findings in ``view`` (its scope) and ``rules`` (all
    when empty) into the request's changeset."""
    from elixir_pro.engine.autofix import fix_source
    from elixir_pro.tools.files import diff_size

    outcome = FixOutcome()
    outcome.already_staged = [f for f in view.findings if view.staged_fix(f) and wanted(f, rules)]
    fixable = fixable_rules()
    outcome.unfixable = [
        f for f in view.open_findings if f.rule not in fixable and wanted(f, rules)
    ]
    changeset = request.changeset
    if changeset is None:
        return outcome
    for rel in sorted(plan_paths(view, rules)):
        pending = changeset.proposals.get(rel)
        if pending is not None and pending.new_text is None:
            continue  # staged for deletion
        if pending is not None and pending.new_text is not None:
            text = pending.new_text
            findings = [f for f in check_text(project, rel, text) if wanted(f, rules)]
        else:
            try:
                text = (project.root / rel).read_bytes().decode("utf-8", errors="surrogateescape")
            except OSError:
                continue
            findings = [f for f in view.findings if f.path == rel and wanted(f, rules)]
        source = text.encode("utf-8", errors="surrogateescape")
        new_source, fixed = fix_source(source, [f for f in findings if f.rule in fixable])
        if not fixed:
            continue
        new_text = new_source.decode("utf-8", errors="surrogateescape")
        final = changeset.propose_text(rel, new_text)
        if final.is_noop:  # the fix changes nothing: nothing staged, nothing announced
            del changeset.proposals[rel]
            continue
        added, removed = diff_size(final.base_text or "", new_text)
        outcome.edits.append(EditProposed(rel, final.kind.value, added, removed, changeset.id))
        outcome.fixed[rel] = fixed
    return outcome


# -- the answer ---------------------------------------------------------------------------------

MAX_LEFT = 8


def _rules_label(rules: list[str]) -> str:
    return FX.FIX_RULES.format(rules=", ".join(f"`{r}`" for r in rules)) if rules else ""


def _candidates(by_path: dict[str, list[Finding]]) -> list[str]:
    out = []
    for rel, items in sorted(by_path.items()):
        counts: dict[str, int] = {}
        for finding in items:
            counts[finding.rule] = counts.get(finding.rule, 0) + 1
        rules = ", ".join(f"{n}× `{r}`" for r, n in sorted(counts.items()))
        out.append(FX.FIX_CANDIDATE.format(path=rel, rules=rules))
    return out


def _nothing(body: list[str], why: str, confidence: str = "medium") -> Answer:
    return Answer(
        body="".join(body),
        result=FX.RESULT_FIX_NONE.format(why=why),
        confidence=confidence,
        uncertainty=FX.UNCERTAINTY_FIX,
        verification=FX.VERIFY_FIX,
        gate=FX.GATE_MECHANICAL,
        claude_adds=FX.CLAUDE_ADDS_FIX,
    )


def need_target(view: EngineView, rules: list[str]) -> Answer:
    """A fix request that names no file and does not ask for the whole project: nothing is
    staged; the answer lists what could be fixed and how to ask."""
    by_path = plan_paths(view, rules)
    body = [FX.FIX_HEAD]
    if not by_path:
        body.append(FX.FIX_NEED_TARGET_NONE)
        return _nothing(body, "nothing has a safe autofix")
    count = sum(len(v) for v in by_path.values())
    body.append(FX.FIX_NEED_TARGET.format(count=count, files=len(by_path)))
    body.extend(_candidates(by_path))
    first = sorted(by_path)[0]
    body.append(FX.FIX_EXAMPLES)
    body.append(FX.FIX_EXAMPLE.format(prompt=f"fix {first}"))
    rule = by_path[first][0].rule
    body.append(FX.FIX_EXAMPLE.format(prompt=f"fix {rule} in {first}"))
    body.append(FX.FIX_EXAMPLE.format(prompt="fix all"))
    return _nothing(body, "the request names no file and does not ask for the whole project")


def read_only(view: EngineView, rules: list[str], tool: str) -> Answer:
    body = [FX.FIX_HEAD, FX.FIX_READ_ONLY.format(tool=tool)]
    body.extend(_candidates(plan_paths(view, rules)) or [FX.FIX_NONE.format(scope="", rules="")])
    return _nothing(body, f"the {tool} tool mode is read-only")


def fix_answer(
    request: TurnRequest, project: ProjectView, view: EngineView, rules: list[str]
) -> Answer:
    """Stage the fixes for ``view``'s scope and ``rules`` and say what was and was not done."""
    if project.unavailable:
        body = [FX.FIX_HEAD, FX.FIX_UNAVAILABLE.format(reason=project.unavailable)]
        return _nothing(body, "the engine is not available", "low")
    outcome = stage_fixes(request, project, view, rules)
    scope, label = view.scope_label, _rules_label(rules)
    body = [FX.FIX_HEAD]
    if outcome.edits:
        body.append(FX.FIX_STAGED.format(scope=scope, rules=label))
        for edit in outcome.edits:
            what = ", ".join(
                FX.FIX_WHAT.format(title=f.title or f.rule, line=f.line)
                for f in outcome.fixed[edit.path]
            )
            body.append(
                FX.FIX_LINE.format(
                    path=edit.path, added=edit.added, removed=edit.removed, what=what
                )
            )
    else:
        body.append(FX.FIX_NONE.format(scope=scope, rules=label))
    if outcome.already_staged:
        items = ", ".join(f"{f.title or f.rule} at {f.location}" for f in outcome.already_staged)
        body.append(FX.FIX_ALREADY.format(items=items))
    if outcome.unfixable:
        body.append(FX.FIX_LEFT_HEAD)
        ranked = sorted(outcome.unfixable, key=lambda f: (-f.severity.rank, f.sort_key()))
        for finding in ranked[:MAX_LEFT]:
            _, recommendation = impact_and_fix(finding)
            body.append(
                FX.FIX_LEFT_LINE.format(
                    severity=finding.severity.value.upper(),
                    title=finding.title or finding.rule,
                    location=finding.location,
                    recommendation=recommendation or finding.message,
                )
            )
        if len(ranked) > MAX_LEFT:
            body.append(FX.FIX_LEFT_MORE.format(count=len(ranked) - MAX_LEFT))
    if not outcome.edits:
        return _nothing(body, f"no safe autofix applies in {scope}")
    return Answer(
        body="".join(body),
        result=FX.RESULT_FIX.format(count=len(outcome.edits), scope=scope),
        confidence="medium",
        uncertainty=FX.UNCERTAINTY_FIX,
        verification=FX.VERIFY_FIX,
        gate=FX.GATE_MECHANICAL,
        claude_adds=FX.CLAUDE_ADDS_FIX,
        edits=outcome.edits,
    )
