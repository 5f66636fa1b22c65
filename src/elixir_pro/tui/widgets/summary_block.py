"""The marked summary block a compaction leaves in the pane: a collapsed section titled with
how many earlier turns it replaces and the context before and after, that expands to the
summary Claude now sees instead of those turns (``ContextCompacted``).

Used by the turn view (live, and when a stored session is resumed).
"""

from __future__ import annotations

from textual.widgets import Collapsible, Markdown

from elixir_pro.events import ContextCompacted
from elixir_pro.tui.widgets.status_bar import format_tokens

REASONS = {"auto": "context filling up", "manual": "on request", "overflow": "window overflowed"}


def summary_title(event: ContextCompacted) -> str:
    turns = f"{event.turns} earlier turn{'s' if event.turns != 1 else ''}"
    sizes = f"~{format_tokens(event.tokens_before)} → ~{format_tokens(event.tokens_after)} tokens"
    why = REASONS.get(event.reason, event.reason)
    return f"Summary of {turns} ({why}) · {sizes}"


class SummaryBlock(Collapsible):
    def __init__(self, event: ContextCompacted) -> None:
        super().__init__(
            Markdown(event.summary, classes="summary-text"),
            title=summary_title(event),
            collapsed=True,
            classes="summary-block",
        )
        self.event = event
