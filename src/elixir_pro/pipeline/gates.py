"""Judges the four phase gates for a project, with evidence.

``evaluate_gates(root)`` audits with the engine, maps the supervision trees, reads OpenSpec,
and (where ``mix`` is installed and ``use_mix`` is true) runs ``mix compile
--warnings-as-errors`` and ``mix test``. Used by ``elixir-pro gates``, the TUI's gates view and
the backends' context.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from elixir_pro.config import Config
from elixir_pro.engine.mix import CompileReport, TestReport, mix_available, mix_compile, mix_test
from elixir_pro.engine.supervision import build_supervision_map
from elixir_pro.pipeline.facts import ProjectFacts
from elixir_pro.pipeline.gates_build import implementation_gate, test_gate
from elixir_pro.pipeline.gates_deploy import deployment_gate
from elixir_pro.pipeline.gates_design import design_gate
from elixir_pro.pipeline.gates_model import GateReport
from elixir_pro.pipeline.openspec import load_openspec

Progress = Callable[[str], None]


def gather_facts(root: Path, config: Config | None = None) -> ProjectFacts:
    from elixir_pro.engine.analyzer import ProjectAnalyzer

    analyzer = ProjectAnalyzer(root, config)
    report = analyzer.analyze_all()
    cache = analyzer.parse_cache  # the trees the audit built (empty after a pooled audit)
    smap = build_supervision_map(root, cache)
    return ProjectFacts(root, report.findings, smap, load_openspec(root), cache)


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
        design_gate(facts, notices),
        implementation_gate(facts, compile_report, skipped),
        test_gate(facts, test_report, skipped),
        deployment_gate(facts),
    ]
    return GateReport(gates, notices)
