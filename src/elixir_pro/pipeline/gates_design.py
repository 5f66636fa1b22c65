"""The design gate (phase 6): every process supervised, every supervisor's strategy and restart
intensity stated, OpenSpec reliability requirements mapped to the supervisors that serve them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from elixir_pro.engine.supervision_model import ProcessKind, ProcessNode
from elixir_pro.pipeline.facts import ProjectFacts
from elixir_pro.pipeline.gates_model import Check, Evidence, Gate, Status
from elixir_pro.pipeline.openspec import Requirement

MAPPING_FILE = "openspec/supervision-map.yaml"
_STATED_KINDS = {
    ProcessKind.APPLICATION,
    ProcessKind.SUPERVISOR,
    ProcessKind.DYNAMIC_SUPERVISOR,
}


def _supervised(facts: ProjectFacts) -> Check:
    unsupervised = [f for f in facts.findings if f.rule == "unsupervised-long-lived-process"]
    check = Check(
        "design.processes-supervised",
        "Every long-lived process the code starts is in a supervision tree",
        Status.FAIL if unsupervised else Status.PASS,
        fix="start these processes as children of a supervisor (or a DynamicSupervisor) "
        "instead of GenServer.start/Agent.start/spawn",
    )
    check.evidence = [Evidence(f.message, f.path, f.line) for f in unsupervised]
    if facts.audit_error is not None:
        check.status = Status.UNKNOWN
        check.evidence.append(Evidence(f"the audit did not run: {facts.audit_error}"))
    elif not unsupervised:
        count = sum(len(root.walk()) - 1 for root in facts.smap.roots)
        check.evidence.append(Evidence(f"{count} processes in {len(facts.smap.roots)} tree(s)"))
    return check


def _stated(facts: ProjectFacts) -> Check:
    check = Check(
        "design.strategies-stated",
        "Each supervisor states its strategy and restart intensity",
        Status.PASS,
        fix="pass strategy: and max_restarts:/max_seconds: to Supervisor.start_link/init "
        "(or DynamicSupervisor.init) so the restart semantics are a decision, not a default",
    )
    supervisors = [n for n in facts.smap.supervisors() if n.kind in _STATED_KINDS]
    for node in supervisors:
        missing = []
        if node.strategy is None and node.kind is not ProcessKind.DYNAMIC_SUPERVISOR:
            missing.append("strategy")
        if node.max_restarts is None and node.max_seconds is None:
            missing.append("restart intensity (default: 3 restarts in 5 s)")
        if missing:
            check.status = Status.FAIL
            path, line = _where(node)
            check.evidence.append(
                Evidence(f"{node.label}: not stated: {', '.join(missing)}", path, line)
            )
    if not supervisors:
        check.status = Status.UNKNOWN
        check.evidence.append(Evidence("no supervisor found in the source"))
    elif check.status is Status.PASS:
        check.evidence = [
            Evidence(
                f"{n.label}: {n.strategy or 'one_for_one'}, max {n.max_restarts or 3} "
                f"in {n.max_seconds or 5}s",
                *_where(n),
            )
            for n in supervisors
        ]
    return check


def _where(node: ProcessNode) -> tuple[str | None, int | None]:
    return (node.location.path, node.location.line) if node.location else (None, None)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Z]?[a-z]{3,}", text)} - {
        "courier",
        "system",
        "shall",
    }


def propose_mapping(facts: ProjectFacts, requirements: list[Requirement]) -> dict[str, list[str]]:
    """Requirement name -> supervisors (module or registered name) whose subtree's names share
    words with the requirement. A proposal for the user to confirm, never a verdict."""
    proposal: dict[str, list[str]] = {}
    for requirement in requirements:
        wanted = _words(f"{requirement.name} {requirement.text}")
        matches: list[str] = []
        for sup in facts.smap.supervisors():
            names = " ".join(n.label for n in sup.walk())
            if wanted & _words(names.replace(".", " ")):
                matches.append(sup.registered_as or sup.module or sup.label)
        proposal[requirement.name] = matches[-1:] if matches else []
    return proposal


def load_mapping(root: Path) -> tuple[dict[str, list[str]], str | None]:
    path = root / MAPPING_FILE
    if not path.is_file():
        return {}, None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return {}, f"{MAPPING_FILE}: cannot be read ({type(exc).__name__})"
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        return {}, f"{MAPPING_FILE}: expected 'requirement name: [Supervisor, ...]' entries"
    return {str(k): [str(x) for x in v] for k, v in data.items()}, None


def _mapped(facts: ProjectFacts, notices: list[str]) -> Check:
    check = Check(
        "design.openspec-mapped",
        "OpenSpec reliability requirements are mapped to the supervisors that serve them",
        Status.NOT_APPLICABLE,
        fix=f"confirm the proposed mapping in {MAPPING_FILE} (requirement name: [supervisors])",
    )
    if facts.openspec is None:
        check.evidence.append(Evidence("no openspec/ folder"))
        return check
    requirements = facts.openspec.reliability_requirements()
    if not requirements:
        check.evidence.append(Evidence("no OpenSpec requirement speaks of reliability"))
        return check
    confirmed, problem = load_mapping(facts.root)
    if problem:
        notices.append(problem)
    proposal = propose_mapping(facts, requirements)
    known = {s.registered_as or s.module or s.label for s in facts.smap.supervisors()}
    check.status = Status.PASS
    for requirement in requirements:
        mapped = confirmed.get(requirement.name)
        if mapped and all(m in known for m in mapped):
            text = f"'{requirement.name}' served by {', '.join(mapped)} (confirmed)"
            check.evidence.append(Evidence(text, requirement.path, requirement.line))
            continue
        check.status = Status.UNKNOWN
        if mapped:
            unknown = [m for m in mapped if m not in known]
            text = f"'{requirement.name}': {', '.join(unknown)} not found among the supervisors"
        else:
            guess = ", ".join(proposal.get(requirement.name) or ["no supervisor matches"])
            text = f"'{requirement.name}': proposed {guess}; not confirmed"
        check.evidence.append(Evidence(text, requirement.path, requirement.line))
    return check


def design_gate(facts: ProjectFacts, notices: list[str]) -> Gate:
    return Gate(
        "design",
        "Design gate",
        6,
        [_supervised(facts), _stated(facts), _mapped(facts, notices)],
    )
