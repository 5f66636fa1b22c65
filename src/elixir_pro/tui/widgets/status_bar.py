"""The status bar: backend, tool mode, ensemble role, session tokens and cost, watcher state and
the pending-change count. One line; each field is a reactive so a change shows at once.

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
        if self.busy:
            parts += [sep, (self.busy, "italic")]
        return Text.assemble(*parts, no_wrap=True, overflow="ellipsis")
