"""docs/rules.md is generated from the rules and must be current; each rule's documented dirty
example must trigger it and its clean example must not."""

from __future__ import annotations

import pytest

from elixir_pro.engine.analyzer import analyze_source
from elixir_pro.engine.rule import Rule, all_rules
from elixir_pro.engine.rulesdoc import DOC, render_rules_markdown
from elixir_pro.engine.scope import ScopePolicy

STRICT = ScopePolicy(strict=True)


def test_rules_doc_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render_rules_markdown(), (
        "docs/rules.md is stale: run python -m elixir_pro.engine.rulesdoc"
    )


def _wrap(rule: Rule, example: str) -> tuple[str, bytes]:
    body = "".join(f"  {line}\n" if line else "\n" for line in example.splitlines())
    name = "Shop.MixProject" if rule.id == "no-releases" else "Example"
    path = "mix.exs" if rule.id == "no-releases" else "lib/example.ex"
    return path, f"defmodule {name} do\n{body}end\n".encode()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_documented_examples_behave(rule: Rule) -> None:
    path, dirty = _wrap(rule, rule.dirty_example)
    assert rule.id in {f.rule for f in analyze_source(path, dirty, policy=STRICT)}
    path, clean = _wrap(rule, rule.clean_example)
    assert rule.id not in {f.rule for f in analyze_source(path, clean, policy=STRICT)}
