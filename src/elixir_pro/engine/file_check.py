"""Checking one file: run the rules the scope policy lets look at it, then suppressions,
configured severities, one finding per rule and line, and fingerprints.

Used by the project analyzer (``engine/analyzer.py``), its process-pool workers and
:func:`analyze_source` for in-memory files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from tree_sitter import Node

from elixir_pro.config import Config
from elixir_pro.engine.context import FileContext
from elixir_pro.engine.deploy import deploy_files
from elixir_pro.engine.findings import Finding
from elixir_pro.engine.identity import with_fingerprints
from elixir_pro.engine.parallel import FileOutcome
from elixir_pro.engine.parse import ParseCache, content_hash
from elixir_pro.engine.project import (
    behaviour_refs,
    defined_callbacks,
    loop_calls,
    repo_functions,
    schema_facts,
    struct_writes,
)
from elixir_pro.engine.reach import entries
from elixir_pro.engine.rule import Rule, all_rules
from elixir_pro.engine.scope import ScopePolicy
from elixir_pro.engine.sources import Notice, check_source, read_source
from elixir_pro.engine.suppress import suppressions


def enabled_rules(config: Config, policy: ScopePolicy) -> list[Rule]:
    return [
        r for r in all_rules() if r.id not in config.rules.disable and policy.runs(r.id, r.strict)
    ]


def syntax_notice(ctx: FileContext) -> Notice | None:
    if not ctx.root.has_error:
        return None
    line = _first_error_line(ctx.root)
    return Notice(ctx.path, "syntax error; analysed the readable part only", line)


def _first_error_line(root: Node) -> int | None:
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and (node.is_missing or node.type == "ERROR"):
            return node.start_point[0] + 1
        if cursor.goto_first_child() or cursor.goto_next_sibling():
            continue
        while cursor.goto_parent():
            if cursor.goto_next_sibling():
                break
        else:
            return None


def run_rules(
    ctx: FileContext, rules: Iterable[Rule], config: Config, policy: ScopePolicy | None = None
) -> tuple[list[Finding], list[Notice]]:
    """Run the ``rules`` whose scope covers the file; apply suppressions and configured
    severities; drop a rule's second finding on one line; sorted, with fingerprints."""
    policy = policy if policy is not None else config.policy()
    found: list[Finding] = []
    notices: list[Notice] = []
    for rule in rules:
        if not policy.covers(rule.id, rule.scopes, ctx.path) or not rule.applies(ctx):
            continue
        try:
            found.extend(rule.check(ctx))
        except Exception as exc:  # a rule bug must not stop the audit
            notices.append(Notice(ctx.path, f"rule {rule.id} failed: {type(exc).__name__}: {exc}"))
    if found:
        silenced = suppressions(ctx)
        if silenced:
            found = [f for f in found if not silenced.silences(f)]
        overrides = config.rules.severity
        if overrides:
            found = [
                replace(f, severity=overrides[f.rule]) if f.rule in overrides else f for f in found
            ]
        found.sort(key=Finding.sort_key)
        found = with_fingerprints(ctx, _one_per_line(found))
    return found, notices


def _one_per_line(found: list[Finding]) -> list[Finding]:
    """The first finding of each (rule, line): two columns of one mistake are one finding."""
    seen: set[tuple[str, int]] = set()
    out: list[Finding] = []
    for finding in found:
        key = (finding.rule, finding.line)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def analyze_source(
    rel_path: str,
    source: bytes,
    config: Config | None = None,
    policy: ScopePolicy | None = None,
) -> list[Finding]:
    """Findings for one in-memory file (no project context beyond the file itself)."""
    config = config or Config()
    policy = policy if policy is not None else config.policy()
    checked = check_source(rel_path, source)
    if isinstance(checked, Notice):
        return []
    ctx = FileContext(rel_path, checked, ParseCache(1).get(checked))
    ctx.project_callbacks = defined_callbacks(ctx)
    return run_rules(ctx, enabled_rules(config, policy), config, policy)[0]


def check_source_file(
    root: str | Path, rel_path: str, config: Config, policy: ScopePolicy | None = None
) -> FileOutcome:
    """Read, parse and check one file on its own (the process-pool worker's unit of work);
    project-defined behaviours are resolved later by the caller."""
    policy = policy if policy is not None else config.policy()
    loaded = read_source(root, rel_path)
    if not isinstance(loaded, bytes):
        notices = [loaded] if loaded is not None else []
        return FileOutcome(rel_path, "", [], notices, frozenset(), {})
    ctx = FileContext(rel_path, loaded, ParseCache(1).get(loaded))
    if ctx.is_mix_exs:
        ctx.deploy_files = deploy_files(root, rel_path)
    callbacks = defined_callbacks(ctx)
    ctx.project_callbacks = callbacks
    rules = enabled_rules(config, policy)
    findings, notices = run_rules(ctx, rules, config, policy)
    syntax = syntax_notice(ctx)
    if syntax is not None:
        notices.insert(0, syntax)
    return FileOutcome(
        rel_path,
        content_hash(loaded),
        findings,
        notices,
        behaviour_refs(ctx),
        callbacks,
        repo_functions(ctx),
        fact_loop_calls(ctx, rules, policy),
        entries(ctx),
        schema_facts(ctx),
    )


def fact_loop_calls(ctx: FileContext, rules: Iterable[Rule], policy: ScopePolicy) -> frozenset[str]:
    """The project facts the file's findings depend on: its calls in loops (``Tail.fun``) when
    a rule that reads the project's Repo facts looks at it, the schemas it writes as struct
    literals (``schema:Tail``) when one that reads the schema facts does."""
    keys: frozenset[str] = frozenset()
    path = ctx.path
    if any(r.uses_repo_facts and policy.covers(r.id, r.scopes, path) for r in rules):
        keys |= loop_calls(ctx)
    if any(r.uses_schema_facts and policy.covers(r.id, r.scopes, path) for r in rules):
        keys |= struct_writes(ctx)
    return keys
