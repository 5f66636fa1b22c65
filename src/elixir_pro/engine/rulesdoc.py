"""Generates docs/rules.md from the registered rules' own docs text, so the page cannot drift
from the code (a test compares them). Run ``python -m elixir_pro.engine.rulesdoc`` to rewrite
the page after changing a rule."""

from __future__ import annotations

import sys
from pathlib import Path

from elixir_pro.engine.fixable import FIXABLE_RULES
from elixir_pro.engine.rule import Rule, all_rules

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"

INTRO = """\
# Engine rules

The offline engine (`elixir-pro audit`, the file watcher, the offline backend) checks these
rules on the tree-sitter tree of every `.ex`/`.exs` file; comments, strings and sigils are never
matched as code. This page is generated from the rule classes in
`src/elixir_pro/engine/rules/` by `python -m elixir_pro.engine.rulesdoc`; do not edit it by hand.

## Silencing a rule

- `# elixir-pro:disable-next-line RULE[, RULE]` silences the rules on the next line.
- `# elixir-pro:disable RULE[, RULE]` silences them from that line to the end of the file, or up
  to a later `# elixir-pro:enable RULE[, RULE]`.
- `all` stands for every rule.
- Per project, in `.elixir-pro.yaml` at the project root:

```yaml
rules:
  disable: [missing-impl]
  severity: {n-plus-one: critical}
```

## Rules

| id | severity | autofix | title |
|---|---|---|---|
"""


def _section(rule: Rule) -> str:
    fix = "yes" if rule.id in FIXABLE_RULES else "no"
    return (
        f"### {rule.id}\n\n"
        f"**{rule.title}**. Severity: {rule.severity.value}. Autofix: {fix}.\n\n"
        f"{rule.rationale}\n\n"
        f"**Impact**: {rule.impact}\n\n"
        f"**Recommendation**: {rule.recommendation}\n\n"
        f"Dirty:\n\n```elixir\n{rule.dirty_example}```\n\n"
        f"Clean:\n\n```elixir\n{rule.clean_example}```\n"
    )


def render_rules_markdown() -> str:
    rules = all_rules()
    table = "".join(
        f"| [`{r.id}`](#{r.id}) | {r.severity.value} | "
        f"{'yes' if r.id in FIXABLE_RULES else 'no'} | {r.title} |\n"
        for r in rules
    )
    return INTRO + table + "\n" + "\n".join(_section(r) for r in rules)


def main() -> int:
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(render_rules_markdown(), encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
