"""Each rule against its fixtures: dirty files must give exactly the lines marked ``# expect``,
clean files (the near-misses) must give nothing for that rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_pro.engine.analyzer import analyze_source
from elixir_pro.engine.rule import all_rules
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


def _lines(rule_id: str, path: Path) -> list[int]:
    findings = analyze_source(_rel_path(rule_id, path), path.read_bytes(), policy=POLICY)
    return sorted(f.line for f in findings if f.rule == rule_id)


def _expected(path: Path) -> list[int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(lines, start=1) if line.rstrip().endswith("# expect")]


@pytest.mark.parametrize(("rule_id", "path"), _cases("dirty"), ids=lambda v: str(v)[-40:])
def test_dirty_fixture_reports_marked_lines(rule_id: str, path: Path) -> None:
    expected = _expected(path)
    assert expected, f"{path} marks no expected finding"
    assert _lines(rule_id, path) == expected


@pytest.mark.parametrize(("rule_id", "path"), _cases("clean"), ids=lambda v: str(v)[-40:])
def test_clean_fixture_reports_nothing(rule_id: str, path: Path) -> None:
    assert _lines(rule_id, path) == []


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_has_three_dirty_and_three_clean_fixtures(rule_id: str) -> None:
    folder = FIXTURES / rule_id
    assert len(list(folder.glob("dirty_*.ex*"))) >= 3
    assert len(list(folder.glob("clean_*.ex*"))) >= 3
