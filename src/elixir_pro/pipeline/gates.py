"""Judges the four phase gates for a project, with evidence.

``evaluate_gates(root)`` audits with the engine, maps the supervision trees, reads OpenSpec,
and (where ``mix`` is installed and ``use_mix`` is true) runs ``mix compile
--warnings-as-errors`` and ``mix test``. Used by ``elixir-pro gates``, the TUI's gates view and
the backends' context.

Judging is total: a gate whose checks fail to run is reported unknown with the reason, and every
file the audit, the supervision map or a check could not read is one line in the notices.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from elixir_pro.config import Config
from elixir_pro.engine.mix import CompileReport, TestReport, mix_available, mix_compile, mix_test
from elixir_pro.engine.supervision import one_line
from elixir_pro.pipeline.facts import ProjectFacts
from elixir_pro.pipeline.gates_build import implementation_gate, test_gate
from elixir_pro.pipeline.gates_deploy import deployment_gate
from elixir_pro.pipeline.gates_design import design_gate
from elixir_pro.pipeline.gates_model import Check, Evidence, Gate, GateReport, Status
from elixir_pro.pipeline.openspec import load_openspec

Progress = Callable[[str], None]


def gather_facts(root: Path, config: Config | None = None) -> ProjectFacts:
    from elixir_pro.project import ProjectService

    service = ProjectService(root, config)
    audit_error: str | None = None
    try:
        findings = service.audit().findings
    except Exception as exc:  # the gates still judge what does not need the audit
        findings, audit_error = [], one_line(exc)
    cache = service.parse_cache  # the trees the audit built (empty after a pooled audit)
    smap = service.supervision()
    facts = ProjectFacts(root, findings, smap, load_openspec(root), cache)
    facts.audit_error = audit_error
    return facts


def evaluate_gates(
    root: Path,
    *,
    use_mix: bool = True,
    config: Config | None = None,
    progress: Progress | None = None,
) -> GateReport:
    say = progress or (lambda _message: None)
    root = root.resolve()
    say("auditing the source")
    facts = gather_facts(root, config)
    notices: list[str] = list(facts.openspec.notices) if facts.openspec else []
    compile_report: CompileReport | None = None
    test_report: TestReport | None = None
    skipped: str | None = None
    if not use_mix:
        skipped = "skipped (--no-mix)"
    elif not (root / "mix.exs").is_file():
        skipped = "no mix.exs: not a mix project"
    elif not mix_available():
        skipped = "mix is not installed"
    else:
        say("mix compile --warnings-as-errors")
        compile_report = mix_compile(root, warnings_as_errors=True)
        say("mix test")
        test_report = mix_test(root)
    gates = [
        _judged("design", "Design gate", 6, lambda: design_gate(facts, notices), notices),
        _judged(
            "implementation",
            "Implementation gate",
            7,
            lambda: implementation_gate(facts, compile_report, skipped),
            notices,
        ),
        _judged("test", "Test gate", 8, lambda: test_gate(facts, test_report, skipped), notices),
        _judged("deployment", "Deployment gate", 9, lambda: deployment_gate(facts), notices),
    ]
    if facts.audit_error is not None:
        notices.append(f"audit did not run ({facts.audit_error})")
    notices.extend(facts.smap.notices)
    notices.extend(facts.notices)
    return GateReport(gates, notices)


def _judged(
    gate_id: str, title: str, phase: int, judge: Callable[[], Gate], notices: list[str]
) -> Gate:
    """The gate ``judge`` builds, or, when judging it fails, the gate as unknown with why."""
    try:
        return judge()
    except Exception as exc:
        reason = one_line(exc)
        notices.append(f"{title}: not judged ({reason})")
        check = Check(
            f"{gate_id}.judged",
            f"The {title.lower()} could be judged",
            Status.UNKNOWN,
            [Evidence(f"judging failed: {reason}")],
            fix="report this as a bug in elixir-pro, with the notice",
        )
        return Gate(gate_id, title, phase, [check])
