"""The rule extension point: a small :class:`Rule` base class and the registry.

A rule is one class in one module. It declares its id, severity, title, rationale, impact,
recommendation and a docs example (dirty + clean), and implements ``check(ctx)``. It registers
itself with ``@register``; the built-ins under ``engine/rules/`` do exactly what third-party
code does (third-party packages expose their modules under the ``elixir_pro.rules`` entry-point
group). Used by the analyzer, the audit command, the rules docs generator and the TUI.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import replace
from importlib.metadata import entry_points
from typing import ClassVar, TypeVar

from tree_sitter import Node

from elixir_pro.engine.context import FileContext
from elixir_pro.engine.findings import Confidence, Finding, Severity
from elixir_pro.engine.fixable import FIXABLE_RULES
from elixir_pro.engine.parse import position
from elixir_pro.engine.scope import LIB


class Rule:
    """Base class of every rule. Subclasses set the class attributes and implement ``check``."""

    id: ClassVar[str]
    severity: ClassVar[Severity]
    title: ClassVar[str]
    rationale: ClassVar[str]
    impact: ClassVar[str]
    recommendation: ClassVar[str]
    dirty_example: ClassVar[str]
    clean_example: ClassVar[str]
    #: The rule can only fire when one of these byte strings occurs in the file (a cheap
    #: necessary condition checked before any tree work); empty means always run.
    triggers: ClassVar[tuple[bytes, ...]] = ()
    #: ... and all of these must occur too (also checked before any tree work).
    requires: ClassVar[tuple[bytes, ...]] = ()
    #: Only run on ``mix.exs`` files.
    mix_exs_only: ClassVar[bool] = False
    #: The path categories where the rule's pattern is a mistake (see ``engine/scope.py``);
    #: elsewhere (tests, scripts, config) it is idiomatic and the rule stays out by default.
    scopes: ClassVar[frozenset[str]] = frozenset({LIB})
    #: Why the rule stays out of the other categories (shown in docs/rules.md).
    scope_reason: ClassVar[str] = ""
    #: An opt-in rule of the ``strict`` set (style checks): runs only when asked for.
    strict: ClassVar[bool] = False
    #: The rule reads ``ctx.project_repo_functions``: files it looks at are checked again when
    #: the project's Repo-querying functions they call in loops change.
    uses_repo_facts: ClassVar[bool] = False
    #: The rule reads ``ctx.project_schemas``: files it looks at are checked again when a
    #: schema they write as a struct literal gains or loses its changeset.
    uses_schema_facts: ClassVar[bool] = False
    #: The confidence of a finding when the rule does not say otherwise.
    confidence: ClassVar[Confidence] = Confidence.MEDIUM

    def applies(self, ctx: FileContext) -> bool:
        """A cheap necessary condition on the source bytes; ``check`` decides on the tree."""
        if self.mix_exs_only and not ctx.is_mix_exs:
            return False
        # plain loops and a per-file memo: this runs for every file and rule, and many rules
        # share their needles ("GenServer", "Repo")
        source, memo = ctx.source, ctx.needles
        for needle in self.requires:
            hit = memo.get(needle)
            if hit is None:
                hit = memo[needle] = needle in source
            if not hit:
                return False
        if not self.triggers:
            return True
        for needle in self.triggers:
            hit = memo.get(needle)
            if hit is None:
                hit = memo[needle] = needle in source
            if hit:
                return True
        return False

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self,
        ctx: FileContext,
        node: Node,
        message: str,
        *,
        confidence: Confidence | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule at ``node``, with the rule's severity and confidence unless
        given (configured severities apply later)."""
        line, column, end_line, end_column = position(node)
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            path=ctx.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            message=message,
            fixable=self.id in FIXABLE_RULES,
            title=self.title,
            confidence=confidence or self.confidence,
        )

    def finding_on_line(
        self,
        ctx: FileContext,
        node: Node,
        message: str,
        *,
        confidence: Confidence | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding spanning only the first line of ``node`` (for long constructs)."""
        found = self.finding(ctx, node, message, confidence=confidence, severity=severity)
        if found.end_line == found.line:
            return found
        line_end = ctx.source.find(b"\n", node.start_byte)
        line_end = len(ctx.source) if line_end < 0 else line_end
        end_col = node.start_point[1] + 1 + (line_end - node.start_byte)
        return replace(found, end_line=found.line, end_column=end_col)


_REGISTRY: dict[str, Rule] = {}
_loaded = False


R = TypeVar("R", bound=type[Rule])


def register(cls: R) -> R:
    """Class decorator: add a rule (one instance) to the registry. Ids must be unique."""
    rule_id = cls.id
    existing = _REGISTRY.get(rule_id)
    if existing is not None and type(existing).__qualname__ != cls.__qualname__:
        raise ValueError(f"duplicate rule id {rule_id!r}")
    _REGISTRY[rule_id] = cls()
    return cls


def unregister(rule_id: str) -> None:
    """Remove a rule from the registry (for plugins that are unloaded, and tests)."""
    _REGISTRY.pop(rule_id, None)


def load_rules() -> None:
    """Import the built-in rule modules and any ``elixir_pro.rules`` entry points, once."""
    global _loaded
    if _loaded:
        return
    from elixir_pro.engine import rules as builtin

    for info in sorted(pkgutil.iter_modules(builtin.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{builtin.__name__}.{info.name}")
    for ep in entry_points(group="elixir_pro.rules"):
        ep.load()
    _loaded = True


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by id."""
    load_rules()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def get_rule(rule_id: str) -> Rule | None:
    load_rules()
    return _REGISTRY.get(rule_id)
