"""docs/rules.md is generated from the rules and must be current; each rule's documented dirty
example must trigger it and its clean example must not."""

from __future__ import annotations

import re

import pytest

from elixir_pro.engine.analyzer import analyze_source
from elixir_pro.engine.context import FileContext
from elixir_pro.engine.parse import parse
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


_BESIDE = re.compile(r"^# (\S+), beside mix\.exs:\n((?:#   .*\n)+)", re.M)


def _rules_found(path: str, source: bytes, example: str) -> set[str]:
    """The rules reporting the wrapped example. A deployment file the example shows in a
    comment (``# Procfile, beside mix.exs:`` then ``#   <line>``s) is handed to the rules."""
    files = {
        m.group(1): "".join(line[4:] + "\n" for line in m.group(2).splitlines()).encode()
        for m in _BESIDE.finditer(example)
    }
    if not files:
        return {f.rule for f in analyze_source(path, source, policy=STRICT)}
    ctx = FileContext(path, source, parse(source))
    ctx.deploy_files = files
    return {r.id for r in all_rules() if r.applies(ctx) and any(True for _ in r.check(ctx))}


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_documented_examples_behave(rule: Rule) -> None:
    path, dirty = _wrap(rule, rule.dirty_example)
    assert rule.id in _rules_found(path, dirty, rule.dirty_example)
    path, clean = _wrap(rule, rule.clean_example)
    assert rule.id not in _rules_found(path, clean, rule.clean_example)
