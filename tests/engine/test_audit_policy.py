"""The findings policy through ``elixir-pro audit``, in text, JSON and SARIF: path scopes
(``--include-tests``, ``paths.include``/``paths.exclude``, per-rule ``rules.paths``), the file
disable comment, confidence (``--min-confidence``), the strict set and the baseline (which keeps
matching when lines move)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from elixir_pro.cli import main
from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.rule import Rule, register, unregister

FORMATS = ("text", "json", "sarif")
ATOM = b"""\
defmodule Shop.Sort do
  def sort_by(params) do
    field = String.to_atom(params["sort"])
    {:ok, field}
  end
end
"""
IMPL = b"""\
defmodule Shop.Worker do
  use GenServer

  def init(state), do: {:ok, state}
end
"""


def audit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", *args])
    out, err = capsys.readouterr()
    return code, out, err


def found(fmt: str, out: str) -> set[tuple[str, str]]:
    """(rule, path) of every finding in a report of format ``fmt``."""
    if fmt == "json":
        return {(f["rule"], f["path"]) for f in json.loads(out)["findings"]}
    if fmt == "sarif":
        [run] = json.loads(out)["runs"]
        return {
            (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
            for r in run["results"]
        }
    rules = re.findall(r"- \*\*Rule\*\*: `([^`]+)`", out)
    paths = re.findall(r"- \*\*Location\*\*: ([^:\n]+):\d+", out)
    assert len(rules) == len(paths)
    return set(zip(rules, paths, strict=True))


def project(root: Path, files: dict[str, bytes], settings: str = "") -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if settings:
        (root / ".elixir-pro.yaml").write_text(settings, encoding="utf-8")
    return root


@pytest.mark.parametrize("fmt", FORMATS)
def test_tests_are_out_of_scope_unless_included(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    root = project(tmp_path, {"lib/sort.ex": ATOM, "test/support/sort_helper.ex": ATOM})
    _, out, _ = audit(capsys, str(root), "--format", fmt)
    assert found(fmt, out) == {("unsafe-atom-creation", "lib/sort.ex")}
    _, out, _ = audit(capsys, str(root), "--format", fmt, "--include-tests")
    assert found(fmt, out) == {
        ("unsafe-atom-creation", "lib/sort.ex"),
        ("unsafe-atom-creation", "test/support/sort_helper.ex"),
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_paths_settings_include_exclude_and_narrow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    files = {
        "lib/sort.ex": ATOM,
        "lib/legacy/old_sort.ex": ATOM,
        "lib/web/sort.ex": ATOM,
        "test/support/sort_helper.ex": ATOM,
    }
    settings = (
        "paths:\n  include: [test/support/]\n  exclude: ['lib/legacy/**']\n"
        "rules:\n  paths:\n    unsafe-atom-creation: ['lib/web/**', 'test/**']\n"
    )
    root = project(tmp_path, files, settings)
    _, out, _ = audit(capsys, str(root), "--format", fmt)
    assert found(fmt, out) == {
        ("unsafe-atom-creation", "lib/web/sort.ex"),
        ("unsafe-atom-creation", "test/support/sort_helper.ex"),
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_file_disable_comment(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    silenced = b"# elixir-pro:disable-file unsafe-atom-creation\n" + ATOM
    root = project(tmp_path, {"lib/sort.ex": ATOM, "lib/quiet.ex": silenced})
    _, out, _ = audit(capsys, str(root), "--format", fmt)
    assert found(fmt, out) == {("unsafe-atom-creation", "lib/sort.ex")}


@pytest.mark.parametrize("fmt", FORMATS)
def test_strict_rules_run_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    root = project(tmp_path, {"lib/worker.ex": IMPL})
    assert found(fmt, audit(capsys, str(root), "--format", fmt)[1]) == set()
    strict = found(fmt, audit(capsys, str(root), "--format", fmt, "--strict")[1])
    assert strict == {("missing-impl", "lib/worker.ex")}
    (root / ".elixir-pro.yaml").write_text("rules: {enable: [missing-impl]}\n", encoding="utf-8")
    enabled = found(fmt, audit(capsys, str(root), "--format", fmt)[1])
    assert enabled == {("missing-impl", "lib/worker.ex")}


class _Maybe(Rule):
    """A rule whose findings are only possible problems (low confidence)."""

    id = "test-maybe"
    severity = Severity.HIGH
    confidence = Confidence.LOW
    title = "maybe"
    rationale = impact = recommendation = dirty_example = clean_example = ""
    triggers = (b"maybe_",)

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for call in ctx.calls("maybe_bad"):
            yield self.finding(ctx, call, "maybe bad")


@pytest.fixture
def maybe_rule() -> Iterator[None]:
    register(_Maybe)
    yield
    unregister(_Maybe.id)


@pytest.mark.parametrize("fmt", FORMATS)
def test_low_confidence_is_counted_not_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, maybe_rule: None
) -> None:
    source = b"defmodule M do\n  def f(x), do: maybe_bad(x)\nend\n"
    root = project(tmp_path, {"lib/m.ex": source})
    code, out, _ = audit(capsys, str(root), "--format", fmt)
    assert found(fmt, out) == set() and code == 0  # --fail-on looks at what is shown
    if fmt == "json":
        assert json.loads(out)["hidden"] == {"low_confidence": 1, "baseline": 0}
    if fmt == "text":
        assert "Not shown: 1 of lower confidence (--min-confidence low shows them)." in out
    code, out, _ = audit(capsys, str(root), "--format", fmt, "--min-confidence", "low")
    assert found(fmt, out) == {("test-maybe", "lib/m.ex")} and code == 1
    (root / ".elixir-pro.yaml").write_text("audit: {min_confidence: low}\n", encoding="utf-8")
    assert found(fmt, audit(capsys, str(root), "--format", fmt)[1]) == {("test-maybe", "lib/m.ex")}


@pytest.mark.parametrize("fmt", FORMATS)
def test_baseline_hides_accepted_findings_even_when_lines_move(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    root = project(tmp_path, {"lib/sort.ex": ATOM, "lib/web.ex": ATOM.replace(b"Sort", b"Web")})
    code, _, err = audit(capsys, str(root), "--write-baseline")
    assert code == 0 and "Wrote 2 findings to" in err
    baseline = json.loads((root / ".elixir-pro-baseline.json").read_text(encoding="utf-8"))
    assert {e["path"] for e in baseline["findings"]} == {"lib/sort.ex", "lib/web.ex"}
    code, out, _ = audit(capsys, str(root), "--format", fmt)
    assert found(fmt, out) == set() and code == 0
    # lines added above the finding: still the same finding
    (root / "lib/sort.ex").write_bytes(
        b"# sorting\n\n" + ATOM.replace(b"do\n", b"do\n  @moduledoc false\n\n", 1)
    )
    assert found(fmt, audit(capsys, str(root), "--format", fmt)[1]) == set()
    # the finding's own code changed: reported again
    (root / "lib/web.ex").write_bytes(ATOM.replace(b'params["sort"]', b'params["order"]'))
    assert found(fmt, audit(capsys, str(root), "--format", fmt)[1]) == {
        ("unsafe-atom-creation", "lib/web.ex")
    }
    everything = found(fmt, audit(capsys, str(root), "--format", fmt, "--no-baseline")[1])
    assert everything == {
        ("unsafe-atom-creation", "lib/sort.ex"),
        ("unsafe-atom-creation", "lib/web.ex"),
    }


def test_broken_baseline_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, {"lib/sort.ex": ATOM})
    (root / ".elixir-pro-baseline.json").write_text("{not json", encoding="utf-8")
    code, out, err = audit(capsys, str(root))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "baseline is not valid JSON" in err


def test_bad_min_confidence_setting_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"lib/sort.ex": ATOM}, "audit: {min_confidence: sure}\n")
    code, _, err = audit(capsys, str(root))
    assert code == 2 and "audit.min_confidence" in err and len(err.strip().splitlines()) == 1
