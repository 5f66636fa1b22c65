"""The bundled example project (examples/courier): it builds and its tests pass with the real
mix, and its list of planted mistakes (.planted.json, PLANTED.md) points at real code."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from elixir_pro.engine.mix import mix_compile, mix_format, mix_test

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "courier"

RULES = {
    "receive-without-after",
    "genserver-missing-terminate",
    "unsupervised-long-lived-process",
    "changeset-bypass",
    "n-plus-one",
    "genserver-missing-catch-all",
    "missing-impl",
    "unsafe-atom-creation",
    "process-leak",
    "no-releases",
}

# What the line named in .planted.json must start with, per rule.
EXPECTED_LINE = {
    "receive-without-after": r"receive do$",
    "genserver-missing-terminate": r"use GenServer$",
    "unsupervised-long-lived-process": r".*\bGenServer\.start\(__MODULE__, .*name: __MODULE__",
    "changeset-bypass": r"Repo\.insert\(%\w+\{",
    "n-plus-one": r".*\bRepo\.get\(",
    "genserver-missing-catch-all": r"def handle_info\(:\w+, state\) do$",
    "missing-impl": r"def init\(",
    "unsafe-atom-creation": r".*\bString\.to_atom\(params\[",
    "process-leak": r"Task\.async\(fn ->",
    "no-releases": r"def project do$",
}


def _planted() -> list[dict[str, object]]:
    data = json.loads((EXAMPLE / ".planted.json").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_each_rule_is_planted_exactly_once() -> None:
    planted = _planted()
    assert sorted(str(p["rule"]) for p in planted) == sorted(RULES)
    assert all(set(p) - {"set"} == {"rule", "path", "line"} for p in planted)
    assert {p.get("set", "default") for p in planted} == {"default", "strict"}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_planted_line_is_the_offending_construct(rule: str) -> None:
    (entry,) = [p for p in _planted() if p["rule"] == rule]
    lines = (EXAMPLE / str(entry["path"])).read_text(encoding="utf-8").splitlines()
    line = lines[int(str(entry["line"])) - 1].strip()
    assert re.match(EXPECTED_LINE[rule], line), (rule, line)


def test_missing_impl_is_the_only_callback_without_impl_in_its_module() -> None:
    (entry,) = [p for p in _planted() if p["rule"] == "missing-impl"]
    source = (EXAMPLE / str(entry["path"])).read_text(encoding="utf-8")
    assert "@impl" not in source
    assert "use Supervisor" in source


def test_planted_md_lists_the_same_mistakes() -> None:
    text = (EXAMPLE / "PLANTED.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z-]+)` \| (\S+) \| (\d+) \|", text, flags=re.M)
    assert sorted(rows) == sorted(
        (str(p["rule"]), str(p["path"]), str(p["line"])) for p in _planted()
    )


def test_the_patterns_are_planted_nowhere_else() -> None:
    """A textual cross-check (the engine's tree-sitter rules are tested on their own): the
    constructs that make each mistake appear in lib/ only where .planted.json says."""
    counts = {
        r"^\s*receive do$": 1,
        r"\bString\.to_atom\(": 1,
        r"\bTask\.async\(": 1,
        r"\bGenServer\.start\(": 1,
        r"\bRepo\.insert!?\(%": 1,
        r"Process\.flag\(:trap_exit": 1,
        r"\bspawn\(|\bTask\.start\(|\bAgent\.start\(": 0,
        r":infinity|Process\.sleep": 0,
    }
    sources = "\n".join(p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.glob("lib/**/*.ex")))
    for pattern, expected in counts.items():
        assert len(re.findall(pattern, sources, flags=re.M)) == expected, pattern


def test_engine_finds_exactly_the_planted_mistakes() -> None:
    from elixir_pro.engine.analyzer import ProjectAnalyzer

    report = ProjectAnalyzer(EXAMPLE).analyze_all()  # the default set: no strict rules
    found = sorted((f.rule, f.path, f.line) for f in report.findings)
    planted = sorted(
        (str(p["rule"]), str(p["path"]), int(str(p["line"])))
        for p in _planted()
        if p.get("set", "default") == "default"
    )
    assert found == planted
    assert report.notices == []


@pytest.fixture(scope="module")
def courier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example") / "courier"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_build", "deps"))
    return root


@pytest.mark.mix
def test_example_compiles_without_warnings(courier: Path) -> None:
    # The planted mistakes are not compiler warnings: --warnings-as-errors must pass.
    report = mix_compile(courier, warnings_as_errors=True, mix_env="test")
    assert report.ok, report.result.output
    assert report.diagnostics == ()


@pytest.mark.mix
def test_example_tests_pass(courier: Path) -> None:
    report = mix_test(courier)
    assert report.ok, report.result.output
    assert report.summary.found
    assert report.summary.tests >= 20
    assert report.summary.failures == 0
    assert "a killed driver process is restarted" in Path(
        courier / "test" / "courier" / "supervision_test.exs"
    ).read_text(encoding="utf-8")


@pytest.mark.mix
def test_example_is_formatted(courier: Path) -> None:
    files = sorted(str(p.relative_to(courier)) for p in courier.glob("**/*.ex*"))
    result = mix_format(courier, files, check=True)
    assert result.ok, result.output
