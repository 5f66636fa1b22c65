"""The help screen: every key of the main screen, the prompt and the app, from the one key
table in :mod:`elixir_pro.tui.keys`. Escape or q closes it. Pushed by the main screen."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from elixir_pro.tui import keys


def help_rows() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = [
        (keys.PANE_KEYS, "Switch pane: generative, critical, evaluative, informative")
    ]
    rows += [
        (keys.display_keys(a.keys), a.description)
        for a in keys.ACTIONS
        if "show_pane" not in a.action
    ]
    rows += list(keys.PROMPT_KEYS)
    rows += list(keys.APP_KEYS)
    return rows


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,f1", "close", "close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Keys", classes="dialog-title")
            yield Static(
                "Single letters work outside the prompt (escape leaves it, i returns).",
                classes="dialog-text",
            )
            table = Table(expand=True, box=None, show_edge=False, pad_edge=False)
            table.add_column("key", ratio=2, style="bold", overflow="fold")
            table.add_column("action", ratio=3, overflow="fold")
            for key, text in help_rows():
                table.add_row(key, text)
            with VerticalScroll(id="keys"):
                yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
