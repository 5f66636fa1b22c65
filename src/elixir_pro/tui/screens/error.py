"""The error modal: a failure the user must see (a bad theme file, a store that cannot open),
as one clear message; enter or escape closes it. Pushed by the App and the main screen."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ErrorScreen(ModalScreen[None]):
    CSS_PATH = "error.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(Text(self.message), id="message")
            yield Button("Close (enter)", id="close", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
