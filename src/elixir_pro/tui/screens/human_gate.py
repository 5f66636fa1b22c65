"""The human-gate modal: why an answer escalated (low confidence, a trigger, an explicit gate);
the user acknowledges (``a``) before changes from that turn can be applied, or leaves (escape).

Dismisses with True when acknowledged. Pushed by the main screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from elixir_pro.tui import texts


class HumanGateScreen(ModalScreen[bool]):
    CSS_PATH = "human_gate.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "acknowledge", "acknowledge"),
        Binding("escape", "later", "not now"),
    ]

    def __init__(self, reasons: tuple[str, ...]) -> None:
        super().__init__()
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Human gate", classes="dialog-title")
            yield Static(texts.GATE_INTRO, classes="dialog-text")
            yield Static(
                "\n".join(f"• {r}" for r in self.reasons) or "• (no reason given)", id="reasons"
            )
            with Horizontal(classes="buttons"):
                yield Button("Acknowledge (a)", id="ack", variant="warning")
                yield Button("Not now (esc)", id="later")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "ack")

    def action_acknowledge(self) -> None:
        self.dismiss(True)

    def action_later(self) -> None:
        self.dismiss(False)
