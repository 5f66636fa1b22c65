"""Finding identity: a fingerprint survives lines moving and reformatting, changes with the
flagged code or its enclosing definition, tells repeated code apart; and one rule never reports
the same line twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from elixir_pro.engine.analyzer import analyze_source
from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Finding, Severity
from elixir_pro.engine.rule import Rule, register, unregister

SOURCE = b"""\
defmodule Shop.Report do
  def profiles(users) do
    Enum.map(users, fn user -> flagged(user.id) end)
  end

  def totals(users) do
    a = flagged(1)
    b = flagged(1)
    {a, b}
  end
end
"""


class _Flagged(Rule):
    """Reports every call of ``flagged`` (twice per call: as two columns would)."""

    id = "test-flagged"
    severity = Severity.HIGH
    title = "flagged"
    rationale = impact = recommendation = dirty_example = clean_example = ""

    def check(self, ctx: FileContext) -> Iterator[Finding]:
        for call in ctx.calls("flagged"):
            yield self.finding(ctx, call, f"flagged at line {call.start_point[0] + 1}")
            yield self.finding(ctx, call.child_by_field_name("target") or call, "again")


@pytest.fixture(autouse=True)
def flagged_rule() -> Iterator[None]:
    register(_Flagged)
    yield
    unregister(_Flagged.id)


def prints(source: bytes) -> dict[int, str]:
    found = [f for f in analyze_source("lib/report.ex", source) if f.rule == _Flagged.id]
    return {f.line: f.fingerprint for f in found}


def test_one_finding_per_rule_and_line() -> None:
    assert sorted(prints(SOURCE)) == [3, 7, 8]


def test_lines_moving_and_reformatting_keep_the_fingerprint() -> None:
    before = prints(SOURCE)
    moved = prints(b"# A report.\n\n" + SOURCE.replace(b"  def totals", b"\n\n  def totals"))
    assert sorted(moved.values()) == sorted(before.values())
    spaced = prints(
        SOURCE.replace(b"fn user -> flagged(user.id)", b"fn user ->  flagged( user.id )")
    )
    assert spaced[3] == before[3]


def test_the_code_or_its_definition_changing_makes_a_new_finding() -> None:
    before = prints(SOURCE)
    assert prints(SOURCE.replace(b"flagged(user.id)", b"flagged(user.key)"))[3] != before[3]
    assert prints(SOURCE.replace(b"def totals", b"def sums"))[7] != before[7]
    assert prints(SOURCE.replace(b"def totals", b"def sums"))[3] == before[3]


def test_repeated_code_in_one_definition_is_told_apart() -> None:
    found = prints(SOURCE)
    assert found[7] != found[8]  # the same code twice in totals/1: first and second
    swapped = prints(SOURCE.replace(b"a = flagged(1)", b"c = 0\n    a = flagged(1)"))
    assert {swapped[8], swapped[9]} == {found[7], found[8]}
