"""The gates are total: sources that used to crash the supervision map are judged, a file a
check cannot read is one notice naming it, a gate whose checks fail is unknown (not a crash),
and the supervision map's own notices reach the gates' output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from elixir_pro.cli import main
from elixir_pro.engine.analyzer import ProjectAnalyzer
from elixir_pro.engine.supervision import build_supervision_map
from elixir_pro.pipeline import gates
from elixir_pro.pipeline.facts import ProjectFacts
from elixir_pro.pipeline.gates import evaluate_gates, gather_facts
from elixir_pro.pipeline.gates_model import Gate, Status

LOOPS = Path(__file__).resolve().parents[1] / "fixtures" / "engine" / "totality" / "loops"


@pytest.fixture
def loops(tmp_path: Path) -> Path:
    root = tmp_path / "loops"
    shutil.copytree(LOOPS, root)
    return root


def test_self_referencing_children_are_judged(loops: Path) -> None:
    report = evaluate_gates(loops, use_mix=False)
    assert report.notices == []
    supervised = report.check("design.processes-supervised")
    assert supervised.status is Status.PASS
    assert str(supervised.evidence[0]) == "17 processes in 1 tree(s)"
    stated = report.check("design.strategies-stated")
    assert "Loops.Mutual: not stated: restart intensity" in " ".join(map(str, stated.evidence))


def test_a_file_a_check_cannot_read_is_one_notice(loops: Path) -> None:
    facts = ProjectFacts(loops, [], build_supervision_map(loops), None)

    def read(rel: str, _root: object) -> list[str]:
        if rel.endswith("mutual.ex"):
            raise RecursionError("maximum recursion depth exceeded")
        return [rel]

    read_paths = facts.per_file("lib", ".ex", "telemetry calls", read)
    assert read_paths == [
        "lib/loops/application.ex",
        "lib/loops/nest.ex",
        "lib/loops/pool.ex",
        "lib/loops/telemetry.ex",
    ]
    assert facts.notices == [
        "lib/loops/mutual.ex: telemetry calls not read "
        "(RecursionError: maximum recursion depth exceeded)"
    ]


def test_supervision_notices_reach_the_gates_in_one_line(
    loops: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (loops / "lib" / "loops" / "latin1.ex").write_bytes(b"defmodule L do\n  # caf\xe9\nend\n")
    assert main(["gates", "--no-mix", str(loops)]) == 1
    out = capsys.readouterr().out
    assert "notice: lib/loops/latin1.ex: not read (skipped: not UTF-8 text)\n" in out
    assert main(["gates", "--no-mix", "--json", str(loops)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["notices"] == ["lib/loops/latin1.ex: not read (skipped: not UTF-8 text)"]


def test_a_gate_that_fails_to_judge_is_unknown_with_a_notice(
    loops: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_facts: ProjectFacts) -> Gate:
        raise KeyError("releases")

    monkeypatch.setattr(gates, "deployment_gate", broken)
    assert main(["gates", "--no-mix", str(loops)]) == 1
    out = capsys.readouterr().out
    assert (
        "Deployment gate (phase 9): unknown\n  [unknown] The deployment gate could be judged\n"
        in out
    )
    assert "      judging failed: KeyError: 'releases'\n" in out
    assert "notice: Deployment gate: not judged (KeyError: 'releases')\n" in out
    assert "Design gate (phase 6): FAIL" in out  # the other gates are judged as ever


def test_an_audit_that_fails_leaves_its_checks_unknown(
    loops: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_self: ProjectAnalyzer, progress: object = None) -> None:
        raise MemoryError("out of memory")

    monkeypatch.setattr(ProjectAnalyzer, "analyze_all", broken)
    facts = gather_facts(loops)
    assert facts.audit_error == "MemoryError: out of memory"
    assert facts.smap.roots  # the map does not need the audit
    report = evaluate_gates(loops, use_mix=False)
    assert report.check("implementation.no-high-findings").status is Status.UNKNOWN
    assert report.check("design.processes-supervised").status is Status.UNKNOWN
    assert report.notices == ["audit did not run (MemoryError: out of memory)"]
