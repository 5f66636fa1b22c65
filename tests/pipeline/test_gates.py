"""The four phase gates, each check with a passing and a failing fixture project, using the real
mix for the compile and test checks; and the example project passing some gates and failing
others for reasons the output names."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from elixir_pro.pipeline.gates import evaluate_gates
from elixir_pro.pipeline.gates_model import GateReport, Status, render_for_prompt, render_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pipeline"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "courier"

pytestmark = pytest.mark.mix


def _copy(src: Path, tmp: Path) -> Path:
    dest = tmp / src.name
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("_build", "deps"))
    return dest


@pytest.fixture(scope="module")
def passing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GateReport]:
    root = _copy(FIXTURES / "gates_pass", tmp_path_factory.mktemp("pass"))
    return root, evaluate_gates(root)


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> GateReport:
    root = _copy(FIXTURES / "gates_fail", tmp_path_factory.mktemp("fail"))
    return evaluate_gates(root)


CHECKS = [
    "design.processes-supervised",
    "design.strategies-stated",
    "implementation.no-high-findings",
    "implementation.compile-warnings-as-errors",
    "test.mix-test",
    "test.genservers-referenced",
    "test.supervision-recovery",
    "deployment.releases",
    "deployment.runtime-config",
    "deployment.telemetry",
    "deployment.no-mix-env",
]


@pytest.mark.parametrize("check_id", CHECKS)
def test_each_check_passes_on_the_passing_fixture(
    passing: tuple[Path, GateReport], check_id: str
) -> None:
    check = passing[1].check(check_id)
    assert check.status is Status.PASS, [str(e) for e in check.evidence]


@pytest.mark.parametrize("check_id", CHECKS)
def test_each_check_fails_on_the_failing_fixture(failing: GateReport, check_id: str) -> None:
    check = failing.check(check_id)
    assert check.status is Status.FAIL, [str(e) for e in check.evidence]
    assert check.evidence and check.fix


def test_failing_evidence_names_files_and_lines(failing: GateReport) -> None:
    def evidence(check_id: str) -> list[str]:
        return [str(e) for e in failing.check(check_id).evidence]

    assert any(
        e.startswith("lib/lantern/clock.ex:6: ") for e in evidence("design.processes-supervised")
    )
    assert evidence("design.strategies-stated") == [
        "lib/lantern/application.ex:1: Lantern.Application: not stated: "
        "restart intensity (default: 3 restarts in 5 s)"
    ]
    compile_evidence = evidence("implementation.compile-warnings-as-errors")
    assert any("lib/lantern/store.ex:16" in e and "unused" in e for e in compile_evidence)
    tests = evidence("test.mix-test")
    assert tests[0].startswith("2 tests, 1 failure")
    assert any(e.startswith("test/store_test.exs:8: ") for e in tests)
    assert evidence("test.genservers-referenced") == [
        "lib/lantern/clock.ex:1: Lantern.Clock is not referenced by any test"
    ]
    assert evidence("deployment.no-mix-env") == [
        "lib/lantern/store.ex:9: Mix.env() read at run time (Mix is not available in a release)"
    ]


def test_all_gates_pass_and_the_openspec_mapping_is_confirmed(
    passing: tuple[Path, GateReport],
) -> None:
    report = passing[1]
    assert report.passed
    mapped = report.check("design.openspec-mapped")
    assert mapped.status is Status.PASS
    assert str(mapped.evidence[0]) == (
        "openspec/specs/beacon/spec.md:5: 'Counter recovers from crashes' served by "
        "Beacon.Supervisor (confirmed)"
    )
    assert render_text(report).endswith("all gates pass\n")


def test_unconfirmed_mapping_is_unknown_with_a_proposal(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "gates_pass", tmp_path)
    (root / "openspec" / "supervision-map.yaml").unlink()
    report = evaluate_gates(root, use_mix=False)
    mapped = report.check("design.openspec-mapped")
    assert mapped.status is Status.UNKNOWN
    assert "proposed Beacon.Supervisor; not confirmed" in str(mapped.evidence[0])
    assert report.gate("design").status is Status.UNKNOWN


def test_no_openspec_is_not_applicable_and_no_mix_is_unknown(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "gates_fail", tmp_path)
    report = evaluate_gates(root, use_mix=False)
    assert report.check("design.openspec-mapped").status is Status.NOT_APPLICABLE
    compile_check = report.check("implementation.compile-warnings-as-errors")
    assert compile_check.status is Status.UNKNOWN
    assert str(compile_check.evidence[0]) == "skipped (--no-mix)"


def test_example_project_passes_some_gates_and_fails_others(tmp_path: Path) -> None:
    root = _copy(EXAMPLE, tmp_path)
    report = evaluate_gates(root)
    statuses = {g.id: g.status for g in report.gates}
    assert statuses["design"] is Status.FAIL
    assert statuses["implementation"] is Status.FAIL
    assert statuses["deployment"] is Status.FAIL
    assert statuses["test"] is Status.PASS
    assert report.check("implementation.compile-warnings-as-errors").status is Status.PASS
    assert report.check("deployment.no-mix-env").status is Status.PASS
    text = render_text(report)
    assert "lib/courier/rate_card.ex:20: " in text
    assert "no releases: key in project/0" in text
    summary = render_for_prompt(report)
    assert "- Design gate: fail" in summary and "- Test gate:" in summary


def test_gates_command_exit_codes(passing: tuple[Path, GateReport], tmp_path: Path) -> None:
    exe = [sys.executable, "-m", "elixir_pro", "gates"]
    ok = subprocess.run([*exe, str(passing[0]), "--json"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["passed"] is True
    bad = _copy(FIXTURES / "gates_fail", tmp_path)
    failed = subprocess.run([*exe, str(bad), "--no-mix"], capture_output=True, text=True)
    assert failed.returncode == 1
    assert "Deployment gate (phase 9): FAIL" in failed.stdout
    usage = subprocess.run([*exe, str(tmp_path / "missing")], capture_output=True, text=True)
    assert usage.returncode == 2 and usage.stderr.count("\n") == 1
