"""Each rule against its fixtures: dirty files must give exactly the lines marked ``# expect``,
clean files (the near-misses) must give nothing for that rule.

A ``no-releases`` fixture is analysed as ``mix.exs``; the deployment files beside it (Procfile,
Dockerfile, fly.toml, ...) are the files of the folder named like the fixture with ``.deploy``
(``dirty_app.exs`` -> ``dirty_app.deploy/Procfile``), read by the engine's own reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from elixir_pro.engine.analyzer import analyze_source
from elixir_pro.engine.context import FileContext
from elixir_pro.engine.deploy import deploy_files
from elixir_pro.engine.findings import Finding
from elixir_pro.engine.parse import parse
from elixir_pro.engine.rule import all_rules, get_rule
from elixir_pro.engine.scope import ScopePolicy

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "engine"
RULE_IDS = sorted(r.id for r in all_rules())
#: The default scopes (so a fixture under test/ checks that a rule stays out of tests), with the
#: strict rules on.
POLICY = ScopePolicy(strict=True)


def _cases(prefix: str) -> list[tuple[str, Path]]:
    return [
        (rule_id, path)
        for rule_id in RULE_IDS
        for path in sorted((FIXTURES / rule_id).glob(f"{prefix}_*.ex*"))
    ]


def _rel_path(rule_id: str, path: Path) -> str:
    if rule_id == "no-releases":
        return "mix.exs"
    folder = "test" if path.name.endswith("_test.exs") else "lib"
    return f"{folder}/{path.name}"


def _findings(rule_id: str, path: Path) -> list[Finding]:
    rel_path, source = _rel_path(rule_id, path), path.read_bytes()
    deploy = path.with_suffix(".deploy")
    if deploy.is_dir():
        ctx = FileContext(rel_path, source, parse(source))
        ctx.deploy_files = deploy_files(deploy, rel_path)
        rule = get_rule(rule_id)
        assert rule is not None
        findings = list(rule.check(ctx)) if rule.applies(ctx) else []
    else:
        findings = analyze_source(rel_path, source, policy=POLICY)
    return sorted((f for f in findings if f.rule == rule_id), key=lambda f: f.line)


def _lines(rule_id: str, path: Path) -> list[int]:
    return [f.line for f in _findings(rule_id, path)]


_MARK = re.compile(r"# expect(?::(high|medium|low))?\s*$")


def _marks(path: Path) -> dict[int, str | None]:
    """Lines marked ``# expect`` (any confidence) or ``# expect:LEVEL`` (that confidence)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {i: m.group(1) for i, line in enumerate(lines, start=1) if (m := _MARK.search(line))}


@pytest.mark.parametrize(("rule_id", "path"), _cases("dirty"), ids=lambda v: str(v)[-40:])
def test_dirty_fixture_reports_marked_lines(rule_id: str, path: Path) -> None:
    marks = _marks(path)
    assert marks, f"{path} marks no expected finding"
    found = _findings(rule_id, path)
    assert [f.line for f in found] == sorted(marks)
    for finding in found:
        wanted = marks[finding.line]
        if wanted is not None:
            assert finding.confidence == wanted, f"line {finding.line}: {finding.confidence}"


@pytest.mark.parametrize(("rule_id", "path"), _cases("clean"), ids=lambda v: str(v)[-40:])
def test_clean_fixture_reports_nothing(rule_id: str, path: Path) -> None:
    assert _lines(rule_id, path) == []


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_has_three_dirty_and_three_clean_fixtures(rule_id: str) -> None:
    folder = FIXTURES / rule_id
    assert len(list(folder.glob("dirty_*.ex*"))) >= 3
    assert len(list(folder.glob("clean_*.ex*"))) >= 3
