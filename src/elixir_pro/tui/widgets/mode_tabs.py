"""The pane tabs: one line naming the four cognitive-mode panes with their keys, the active one
highlighted; a click selects a pane. A single light widget (the main screen switches the panes
itself), which keeps the first paint fast.

Used by the main screen; posts :class:`ModeTabs.Selected`.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from elixir_pro.agent.modes import COGNITIVE_MODES, CognitiveMode


class ModeTabs(Widget):
    active: reactive[CognitiveMode] = reactive(CognitiveMode.GENERATIVE)

    class Selected(Message):
        def __init__(self, mode: CognitiveMode) -> None:
            super().__init__()
            self.mode = mode

    def __init__(self, active: CognitiveMode, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(ModeTabs.active, active)

    @staticmethod
    def labels() -> list[tuple[CognitiveMode, str]]:
        return [(mode, f" {i} {mode.value} ") for i, mode in enumerate(COGNITIVE_MODES, start=1)]

    def render(self) -> Content:
        parts: list[tuple[str, str] | str] = []
        for mode, label in self.labels():
            style = "bold reverse $accent" if mode is self.active else "$text-muted"
            parts += [(label, style), " "]
        return Content.assemble(*parts)

    def on_click(self, event: events.Click) -> None:
        x = 0
        for mode, label in self.labels():
            if x <= event.x < x + len(label):
                self.post_message(self.Selected(mode))
                return
            x += len(label) + 1
