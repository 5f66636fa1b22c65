"""The rule ids that have a safe autofix. ``engine/autofix.py`` (its own owner) implements a fix
for each id listed here; the engine marks findings of these rules ``fixable=True``."""

from __future__ import annotations

FIXABLE_RULES: frozenset[str] = frozenset(
    {"missing-impl", "receive-without-after", "genserver-missing-catch-all"}
)
