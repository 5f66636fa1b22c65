"""Suppression comments, found as comment nodes in the tree (never by matching raw text).

- ``# elixir-pro:disable-next-line RULE[, RULE]`` silences those rules on the next line.
- ``# elixir-pro:disable RULE[, RULE]`` silences them from that line to the end of the file,
  or up to a later ``# elixir-pro:enable RULE[, RULE]``.
- ``# elixir-pro:disable-file RULE[, RULE]`` (anywhere in the file) silences them in the whole
  file.

``all`` stands for every rule. Used by the analyzer after the rules have run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from elixir_pro.engine.context import FileContext, text
from elixir_pro.engine.findings import Finding

MARKER = b"elixir-pro:"
_DIRECTIVE = re.compile(
    r"#\s*elixir-pro:(disable-next-line|disable-file|disable|enable)(?![\w-])\s*(.*)$"
)
_EOF = 1 << 31


@dataclass(slots=True)
class Suppressions:
    """Which rules are silenced where in one file."""

    next_line: dict[int, set[str]] = field(default_factory=dict)
    ranges: list[tuple[str, int, int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.next_line or self.ranges)

    def silences(self, finding: Finding) -> bool:
        rules = self.next_line.get(finding.line)
        if rules is not None and (finding.rule in rules or "all" in rules):
            return True
        return any(
            (rule == finding.rule or rule == "all") and start <= finding.line <= end
            for rule, start, end in self.ranges
        )


def _rule_ids(rest: str) -> list[str]:
    return [part for part in re.split(r"[,\s]+", rest.strip()) if part]


def suppressions(ctx: FileContext) -> Suppressions:
    """The suppressions declared in ``ctx``'s comments (cheap when there are none)."""
    found = Suppressions()
    if MARKER not in ctx.source:
        return found
    open_ranges: dict[str, int] = {}
    for comment in ctx.comments_with(MARKER):
        match = _DIRECTIVE.match(text(comment).strip())
        if match is None:
            continue
        kind, ids = match.group(1), _rule_ids(match.group(2))
        line = comment.start_point[0] + 1
        if kind == "disable-next-line":
            found.next_line.setdefault(line + 1, set()).update(ids)
        elif kind == "disable-file":
            found.ranges.extend((rule, 1, _EOF) for rule in ids)
        elif kind == "disable":
            for rule in ids:
                open_ranges.setdefault(rule, line)
        else:
            for rule in ids:
                start = open_ranges.pop(rule, None)
                if start is not None:
                    found.ranges.append((rule, start, line))
    found.ranges.extend((rule, start, _EOF) for rule, start in open_ranges.items())
    return found
