"""``elixir-pro audit --compile`` with the real ``mix``: the compiler's errors and warnings in the
text, JSON and SARIF reports, marked as the compiler's; a file audit shows that file's only;
without ``mix`` one notice and the engine's report as before; no BEAM left running."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from compiled_courier import add_unused_variable, courier_copy

from elixir_pro.cli import main

pytestmark = pytest.mark.mix


@pytest.fixture(scope="module")
def warned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int]:
    """A compiled courier with one unused variable (shared: the tests only read it)."""
    root: Path = courier_copy(tmp_path_factory, tmp_path_factory.mktemp("audit") / "courier")
    rel, line = add_unused_variable(root)
    return root, rel, line


def run_audit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", *args])
    out, err = capsys.readouterr()
    return code, out, err


def compiler_findings(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in document["findings"] if f["source"] == "compiler"]


def test_json_holds_the_compiler_warning(
    capsys: pytest.CaptureFixture[str], warned: tuple[Path, str, int]
) -> None:
    root, rel, line = warned
    code, out, err = run_audit(capsys, str(root), "--compile", "--format", "json")
    document = json.loads(out)
    (warning,) = compiler_findings(document)
    assert (warning["rule"], warning["path"], warning["line"]) == ("compiler:warning", rel, line)
    assert warning["severity"] == "medium" and warning["confidence"] == "high"
    assert len(warning["fingerprint"]) == 20
    assert any(f["source"] == "engine" for f in document["findings"])
    assert code == 1  # the engine's high findings, as without --compile
    assert err == ""
    _, plain, _ = run_audit(capsys, str(root), "--format", "json")
    assert compiler_findings(json.loads(plain)) == []


def test_text_and_sarif_hold_it_too(
    capsys: pytest.CaptureFixture[str], warned: tuple[Path, str, int]
) -> None:
    root, rel, line = warned
    _, text, _ = run_audit(capsys, str(root), "--compile")
    block = text[text.index("### [MEDIUM] Elixir compiler warning") :].split("\n\n", 1)[0]
    assert f"- **Location**: {rel}:{line}" in block
    assert "- **Rule**: `compiler:warning`" in block
    assert 'variable "unused_here" is unused' in block
    _, out, _ = run_audit(capsys, str(root), "--compile", "--format", "sarif")
    run = json.loads(out)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    (result,) = [r for r in run["results"] if r["ruleId"] == "compiler:warning"]
    assert rules[result["ruleIndex"]]["id"] == "compiler:warning"
    assert result["level"] == "warning" and result["properties"]["source"] == "compiler"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == line
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == rel


def test_a_compile_error_fails_the_audit(
    capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    root: Path = courier_copy(tmp_path_factory, tmp_path / "courier")
    (root / "lib/courier/broken.ex").write_text(
        "defmodule Courier.Broken do\n  def x(, do: 1\nend\n"
    )
    (root / ".elixir-pro.yaml").write_text("rules:\n  disable: [" + ", ".join(_all_rules()) + "]\n")
    code, out, _ = run_audit(capsys, str(root), "--compile", "--format", "json")
    (error,) = compiler_findings(json.loads(out))
    assert (error["rule"], error["path"], error["severity"]) == (
        "compiler:error",
        "lib/courier/broken.ex",
        "critical",
    )
    assert code == 1
    code, _, _ = run_audit(capsys, str(root), "--format", "json")
    assert code == 0  # without --compile nothing fails it


def _all_rules() -> list[str]:
    from elixir_pro.engine.rule import all_rules

    return [rule.id for rule in all_rules()]


def test_a_file_audit_shows_only_that_files_compiler_findings(
    capsys: pytest.CaptureFixture[str], warned: tuple[Path, str, int]
) -> None:
    root, rel, _ = warned
    other = root / "lib/courier/metrics.ex"
    _, out, _ = run_audit(capsys, str(other), "--compile", "--format", "json")
    assert compiler_findings(json.loads(out)) == []
    _, out, _ = run_audit(capsys, str(root / rel), "--compile", "--format", "json")
    assert [f["path"] for f in compiler_findings(json.loads(out))] == [rel]


def test_without_mix_one_notice_and_the_engines_report(
    capsys: pytest.CaptureFixture[str],
    warned: tuple[Path, str, int],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    root, _, _ = warned
    monkeypatch.setenv("PATH", str(tmp_path))  # no mix, no elixir
    code, out, err = run_audit(capsys, str(root), "--compile", "--format", "json")
    assert compiler_findings(json.loads(out)) == []
    assert err == (
        "elixir-pro: notice: compiler diagnostics are off: "
        "mix is not installed (no 'mix' or 'elixir' on PATH)\n"
    )
    assert code == 1


def test_no_beam_is_left_running(warned: tuple[Path, str, int]) -> None:
    root, _, _ = warned
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "elixir_pro", "audit", str(root), "--compile", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 1, result.stderr
    leftovers = [
        p
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and str(root).encode() in _cwd(p) and b"companion" in _cmd(p)
    ]
    assert leftovers == []


def _cwd(proc: Path) -> bytes:
    try:
        return str((proc / "cwd").readlink()).encode()
    except OSError:
        return b""


def _cmd(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""
