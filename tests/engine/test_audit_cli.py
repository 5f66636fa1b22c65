"""``elixir-pro audit``: the courier example's planted mistakes exactly, output formats (text,
json, SARIF 2.1.0 shape), exit codes and bad usage."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from elixir_pro.cli import main
from elixir_pro.engine.rule import all_rules

REPO = Path(__file__).resolve().parents[2]
COURIER = REPO / "examples" / "courier"
MEDIUM_ONLY = b"""defmodule Watcher do
  use GenServer

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  def watch(pid), do: GenServer.cast(__MODULE__, {:watch, pid})

  @impl true
  def init(_opts), do: {:ok, %{}}

  @impl true
  def handle_cast({:watch, pid}, state) do
    Process.monitor(pid)
    {:noreply, state}
  end

  @impl true
  def handle_info(:tick, state), do: {:noreply, state}
end
"""


def run_audit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _planted(strict: bool) -> set[tuple[str, str, int]]:
    planted = json.loads((COURIER / ".planted.json").read_text(encoding="utf-8"))
    return {
        (p["rule"], p["path"], p["line"])
        for p in planted
        if strict or p.get("set", "default") == "default"
    }


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_courier_findings_are_exactly_the_planted_ones(
    capsys: pytest.CaptureFixture[str], strict: bool
) -> None:
    args = ["--strict"] if strict else []
    code, out, _ = run_audit(capsys, str(COURIER), "--format", "json", *args)
    document = json.loads(out)
    found = {(f["rule"], f["path"], f["line"]) for f in document["findings"]}
    assert found == _planted(strict)
    assert code == 1


def test_json_document_shape(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_audit(capsys, str(COURIER), "--format", "json")
    document = json.loads(out)
    assert set(document) == {"version", "files_analyzed", "hidden", "findings"}
    assert set(document["hidden"]) == {"low_confidence", "baseline"}
    assert document["version"] == 1
    assert document["files_analyzed"] == len(
        [p for p in COURIER.rglob("*.ex*") if "_build" not in p.parts and "deps" not in p.parts]
    )
    keys = {"rule", "severity", "path", "line", "column", "end_line", "end_column"}
    for finding in document["findings"]:
        assert set(finding) == keys | {"message", "fixable", "confidence", "fingerprint", "source"}
        assert finding["source"] == "engine"
        assert finding["confidence"] in ("high", "medium")  # low is not shown by default
        assert len(finding["fingerprint"]) == 20
        assert not finding["path"].startswith("/") and "\\" not in finding["path"]
        assert finding["severity"] in ("critical", "high", "medium", "low")
        assert finding["fixable"] is (
            finding["rule"]
            in ("missing-impl", "receive-without-after", "genserver-missing-catch-all")
        )


def test_text_report_follows_audit_mode_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_audit(capsys, str(COURIER))
    assert code == 1
    assert out.index("## Summary") < out.index("## Findings") < out.index("## OTP Analysis")
    count = len(_planted(strict=False))
    assert re.search(rf"Analysed 2\d files: {count} findings \(\d high, \d medium\)\.", out)
    assert out.index("### [HIGH]") < out.index("### [MEDIUM]")  # most severe first
    atoms = out.index("Atoms created from runtime input\n")
    block = out[atoms:].split("\n\n", 1)[0]
    assert "- **Location**: lib/courier/dispatch.ex:79" in block
    assert re.search(r"- \*\*Confidence\*\*: (high|medium)\n", block)
    for label in ("- **Issue**:", "- **Impact**:", "- **Recommendation**:"):
        assert label in block
    assert "Courier.Application" in out.split("## OTP Analysis", 1)[1]


def _sarif_required(log: dict[str, Any]) -> None:
    """The properties SARIF 2.1.0 and GitHub code scanning require."""
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    rule_ids = []
    for rule in driver["rules"]:
        rule_ids.append(rule["id"])
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert len(rule_ids) == len(set(rule_ids))
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note", "none")
        assert result["message"]["text"]
        [location] = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri and not uri.startswith("/")
        region = physical["region"]
        assert 1 <= region["startLine"] <= region["endLine"]
        assert region["startColumn"] >= 1 and region["endColumn"] >= 1


def test_sarif_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_audit(capsys, str(COURIER), "--format", "sarif", "--strict")
    log = json.loads(out)
    _sarif_required(log)
    [run] = log["runs"]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {r.id for r in all_rules()}
    assert len(run["results"]) == len(_planted(strict=True))
    for result in run["results"]:
        assert result["rank"] in (90.0, 60.0)
        assert result["properties"]["confidence"] in ("high", "medium")
        assert len(result["partialFingerprints"]["elixirPro/v1"]) == 20
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["unsafe-atom-creation"] == "error" and levels["missing-impl"] == "note"
    assert code == 1


def test_fail_on_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "exporter.ex").write_bytes(MEDIUM_ONLY)
    assert run_audit(capsys, str(tmp_path))[0] == 0
    assert run_audit(capsys, str(tmp_path), "--fail-on", "high")[0] == 0
    assert run_audit(capsys, str(tmp_path), "--fail-on", "medium")[0] == 1
    assert run_audit(capsys, str(tmp_path), "--fail-on", "low")[0] == 1
    assert run_audit(capsys, str(COURIER), "--fail-on", "high")[0] == 1


def test_single_file_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "exporter.ex").write_bytes(MEDIUM_ONLY)
    (tmp_path / "lib" / "other.ex").write_bytes(MEDIUM_ONLY)
    code, out, _ = run_audit(capsys, str(tmp_path / "lib" / "exporter.ex"), "--format", "json")
    document = json.loads(out)
    assert document["files_analyzed"] == 1
    assert [(f["path"], f["line"]) for f in document["findings"]] == [("exporter.ex", 18)]
    assert code == 0


def test_clean_project_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.ex").write_text("defmodule A do\n  def f, do: :ok\nend\n")
    code, out, _ = run_audit(capsys, str(tmp_path))
    assert code == 0 and "Analysed 1 file: no findings." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/project"], "no such file or directory"),
        (["README.md"], "not an Elixir source file"),
        ([".", "--format", "xml"], "invalid choice"),
        ([".", "--fail-on", "severe"], "invalid choice"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "elixir_pro", "audit", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_notices_go_to_stderr_in_machine_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bin.ex").write_bytes(b"\x00\x00binary")
    (tmp_path / "a.ex").write_bytes(MEDIUM_ONLY)
    code, out, err = run_audit(capsys, str(tmp_path), "--format", "json")
    assert json.loads(out)["files_analyzed"] == 1 and code == 0
    assert "bin.ex: skipped: binary file" in err
    code, out, err = run_audit(capsys, str(tmp_path))
    assert code == 0
    assert "## Notices" in out and "bin.ex: skipped: binary file" in out


def test_progress_only_when_stderr_is_a_tty(tmp_path: Path) -> None:
    import os
    import pty

    master, slave = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "elixir_pro", "audit", str(COURIER), "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=120,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    assert proc.returncode == 1
    files = len([p for p in COURIER.rglob("*.ex*") if "_build" not in p.parts])
    assert f"audit: {files}/{files} files".encode() in b"".join(chunks)
    piped = subprocess.run(
        [sys.executable, "-m", "elixir_pro", "audit", str(COURIER), "--format", "json"],
        capture_output=True,
        timeout=120,
    )
    assert b"audit:" not in piped.stderr
    assert json.loads(piped.stdout)["files_analyzed"] == files


def test_jobs_give_the_same_findings(capsys: pytest.CaptureFixture[str]) -> None:
    _, single, _ = run_audit(capsys, str(COURIER), "--format", "json")
    _, pooled, _ = run_audit(capsys, str(COURIER), "--format", "json", "--jobs", "2")
    assert json.loads(pooled) == json.loads(single)
    code, _, err = run_audit(capsys, str(COURIER), "--jobs", "-1")
    assert code == 2 and "--jobs" in err


def test_single_file_uses_its_project_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mix.exs").write_text("defmodule P.MixProject do\nend\n")
    (tmp_path / ".elixir-pro.yaml").write_text("rules:\n  disable: [genserver-missing-catch-all]\n")
    (tmp_path / "lib" / "deep").mkdir(parents=True)
    (tmp_path / "lib" / "deep" / "exporter.ex").write_bytes(MEDIUM_ONLY)
    code, out, _ = run_audit(
        capsys, str(tmp_path / "lib" / "deep" / "exporter.ex"), "--format", "json"
    )
    assert json.loads(out)["findings"] == [] and code == 0
    (tmp_path / ".elixir-pro.yaml").write_text("rules:\n  disable: 3\n")
    code, _, err = run_audit(capsys, str(tmp_path / "lib" / "deep" / "exporter.ex"))
    assert code == 2 and ".elixir-pro.yaml" in err and "rules.disable" in err
