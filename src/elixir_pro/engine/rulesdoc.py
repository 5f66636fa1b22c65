"""Generates docs/rules.md from the registered rules' own docs text, so the page cannot drift
from the code (a test compares them). Run ``python -m elixir_pro.engine.rulesdoc`` to rewrite
the page after changing a rule."""

from __future__ import annotations

import sys
from pathlib import Path

from elixir_pro.engine.fixable import FIXABLE_RULES
from elixir_pro.engine.rule import Rule, all_rules
from elixir_pro.engine.scope import CATEGORIES

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"

INTRO = """\
# Engine rules

The offline engine (`elixir-pro audit`, the file watcher, the offline backend) checks these
rules on the tree-sitter tree of every `.ex`/`.exs` file; comments, strings and sigils are never
matched as code. This page is generated from the rule classes in
`src/elixir_pro/engine/rules/` by `python -m elixir_pro.engine.rulesdoc`; do not edit it by hand.

## What the rules look at

Like Credo and Sobelow, the default output aims to be worth reading on day one:

- **Application code only.** Each rule names the parts of a project where its pattern is a
  mistake (column *looks at*). The parts are read from the path: `lib` (application code),
  `test` (`test/`, `integration_test/`, `*_test.exs`, `test_helper.exs`), `script` (`bench/`,
  `examples/`, `priv/` with seeds and templates, `dev/`, `scripts/`, dot-folders such as
  `.github/`),
  `config` (`config/`) and `build` (`mix.exs` and dot-files). A bare `receive` in a test
  helper, a struct written straight to the Repo in `priv/repo/seeds.exs` or a query per element
  in a test's setup are idiomatic there.
  `elixir-pro audit --include-tests` (or `paths.include` in the settings) brings test and script
  code back; `deps/` and `_build/` are never read. Generated code (inside `quote`) and
  module-level code run at compile time are left to the rules that understand them.
- **Confidence on every finding**: *high* when the fault is proven from the code (an atom made
  from controller params, a receive with no way to wake up), *medium* when it is likely, *low*
  when it is only possible. The default views (`audit`, `watch`, the TUI's findings panel) and
  `--fail-on` consider medium and above; `--min-confidence low` (or `audit.min_confidence`)
  shows everything. Column *confidence* is the rule's usual level; each finding carries its own.
- **The strict set** (column *set*) holds style checks that the compiler or Credo already cover
  in part. They run with `elixir-pro audit --strict`, `rules: {strict: true}` or
  `rules: {enable: [RULE]}`.
- **A baseline**: `elixir-pro audit --write-baseline` records the current findings in
  `.elixir-pro-baseline.json` (commit it); they are not reported again, and they stay matched
  when lines move, because a finding's identity is its rule, file, enclosing definition and
  code, not its line. See [configuration.md](configuration.md#findings-policy).

## Silencing a rule

- `# elixir-pro:disable-next-line RULE[, RULE]` silences the rules on the next line.
- `# elixir-pro:disable RULE[, RULE]` silences them from that line to the end of the file, or up
  to a later `# elixir-pro:enable RULE[, RULE]`.
- `# elixir-pro:disable-file RULE[, RULE]` (anywhere in the file) silences them in the whole file.
- `all` stands for every rule.
- Per project, in `.elixir-pro.yaml` at the project root:

```yaml
rules:
  disable: [genserver-call-infinity]
  enable: [missing-impl]
  severity: {n-plus-one: critical}
  paths: {n-plus-one: ["lib/**"]}
paths:
  exclude: ["lib/legacy/**"]
```

## Rules

| id | severity | confidence | set | looks at | autofix | title |
|---|---|---|---|---|---|---|
"""


def _scopes(rule: Rule) -> str:
    return ", ".join(c for c in CATEGORIES if c in rule.scopes)


def _section(rule: Rule) -> str:
    fix = "yes" if rule.id in FIXABLE_RULES else "no"
    kind = "strict (opt-in)" if rule.strict else "default"
    scope = f"Looks at: {_scopes(rule)}."
    if rule.scope_reason:
        scope += f" {rule.scope_reason}"
    return (
        f"### {rule.id}\n\n"
        f"**{rule.title}**. Severity: {rule.severity.value}. Confidence: "
        f"{rule.confidence.value}. Set: {kind}. Autofix: {fix}.\n\n"
        f"{scope}\n\n"
        f"{rule.rationale}\n\n"
        f"**Impact**: {rule.impact}\n\n"
        f"**Recommendation**: {rule.recommendation}\n\n"
        f"Dirty:\n\n```elixir\n{rule.dirty_example}```\n\n"
        f"Clean:\n\n```elixir\n{rule.clean_example}```\n"
    )


def render_rules_markdown() -> str:
    rules = all_rules()
    table = "".join(
        f"| [`{r.id}`](#{r.id}) | {r.severity.value} | {r.confidence.value} | "
        f"{'strict' if r.strict else 'default'} | {_scopes(r)} | "
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
