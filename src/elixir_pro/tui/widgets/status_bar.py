"""The status bar: backend, tool mode, ensemble role, session tokens and cost, the shown pane's
share of the model's context window (once measured), watcher state and the pending-change
count. One line; each field is a reactive so a change shows at once.

Used by the main screen.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


def format_tokens(count: int) -> str:
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.1f}k"
    return f"{count / 1_000_000:.2f}M"


class StatusBar(Widget):
    """``offline engine │ solution │ solo │ 1.2k tok $0.01 │ watch on │ 2 pending``"""

    backend: reactive[str] = reactive("offline engine")
    tool_mode: reactive[str] = reactive("solution")
    role: reactive[str] = reactive("solo")
    tokens: reactive[int] = reactive(0)
    cost: reactive[float] = reactive(0.0)
    watcher: reactive[str] = reactive("off")
    pending: reactive[int] = reactive(0)
    busy: reactive[str] = reactive("")
    nav: reactive[bool] = reactive(False)
    pane: reactive[str] = reactive("")  # the pane shown: its context share is the one shown
    context: reactive[dict[str, tuple[int, int]]] = reactive(dict, always_update=True)

    def measure(self, pane: str, tokens: int, window: int) -> None:
        """A pane's context after its last request (``ContextMeasured``)."""
        self.context = {**self.context, pane: (tokens, window)}

    def context_label(self) -> str:
        """``ctx 41%`` for the shown pane (empty until it was measured)."""
        tokens, window = self.context.get(self.pane, (0, 0))
        return f"ctx {min(999, round(100 * tokens / window))}%" if window > 0 else ""

    def render(self) -> Text:
        sep = (" │ ", "dim")
        parts: list[tuple[str, str] | str] = [
            ("KEYS ", "bold reverse") if self.nav else "",
            (self.backend, "bold"),
            sep,
            (f" {self.tool_mode} ", "bold reverse"),
            sep,
            self.role,
            sep,
            f"{format_tokens(self.tokens)} tok ${self.cost:.2f}",
            sep,
            f"watch {self.watcher}",
            sep,
            (f"{self.pending} pending", "bold" if self.pending else ""),
        ]
        share = self.context_label()
        if share:  # after the tokens and cost: ``... │ ctx 41% │ watch on``
            parts[9:9] = [share, sep]
        if self.busy:
            parts += [sep, (self.busy, "italic")]
        return Text.assemble(*parts, no_wrap=True, overflow="ellipsis")
